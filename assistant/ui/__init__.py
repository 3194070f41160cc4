"""The web app (Gradio page + JSON API): `assistant serve`, `python -m assistant serve`, `python app.py`."""

from assistant.ui.app import create_app, main

__all__ = ["create_app", "main"]
