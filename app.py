"""Launcher for `python app.py`; the web app itself is `assistant.ui` (also `assistant serve`)."""

from assistant.ui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
