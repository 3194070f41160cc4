"""LLM answerers (OpenAI-compatible endpoint, local model) share the extractive answerer's verifier."""

from __future__ import annotations

from typing import Any


def make_answerer(backend: str, qa: Any) -> Any:
    """The answerer for a backend id; unknown or unavailable backends raise with what to do."""
    if backend in ("", "extractive"):
        return qa.extractive
    raise ValueError(f"answerer backend {backend!r} is not available in this build: use extractive")
