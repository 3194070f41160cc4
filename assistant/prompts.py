"""Prompt templates live in prompts/ as files; loaded and checked at start."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from assistant import REFUSAL
from assistant.settings import get_settings

REQUIRED = {"system": set(), "qa": {"context", "question"}, "rewrite": {"history", "question"}}


class PromptError(ValueError):
    """A prompt file is missing or its variables do not match what the code fills in."""


def variables(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@lru_cache(maxsize=4)
def load_prompts(directory: Path | None = None) -> dict[str, str]:
    """All templates, checked: each has exactly the variables the code fills, the system prompt the refusal."""
    folder = Path(directory or get_settings().prompts_dir)
    out = {}
    for name, needed in REQUIRED.items():
        path = folder / f"{name}.txt"
        if not path.exists():
            raise PromptError(f"prompt file missing: {path}")
        text = path.read_text(encoding="utf-8")
        found = variables(text)
        if found != needed:
            raise PromptError(f"{path}: variables {sorted(found)} but the code fills {sorted(needed)}")
        out[name] = text
    if REFUSAL not in out["system"]:
        raise PromptError(f"prompts/system.txt must contain the refusal sentence {REFUSAL!r}")
    return out
