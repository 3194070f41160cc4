"""The page's look: the Gradio theme (CJK fonts first) and static/style.css, read once at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CSS = (Path(__file__).parent / "static" / "style.css").read_text(encoding="utf-8")


def theme() -> Any:
    import gradio as gr

    fonts = [
        "Noto Sans CJK SC",
        "PingFang SC",
        "Microsoft YaHei",
        "Source Han Sans SC",
        "ui-sans-serif",
        "system-ui",
        "sans-serif",
    ]
    return gr.themes.Soft(
        primary_hue="blue",
        secondary_hue="sky",
        neutral_hue="slate",
        font=fonts,
        font_mono=["ui-monospace", "SFMono-Regular", "Consolas", "monospace"],
    )
