"""The words the product writes itself (indicator table columns, document counts), loaded once from
`assistant/data/labels.toml`, where each says where it comes from."""

from __future__ import annotations

import tomllib
from pathlib import Path

_LABELS = tomllib.loads((Path(__file__).parent / "data" / "labels.toml").read_text(encoding="utf-8"))
_TABLE = _LABELS["indicator_table"]

YEAR: str = _TABLE["year"]
TARGET: str = _TABLE["target"]
ACHIEVED: str = _TABLE["achieved"]
RATE: str = _TABLE["rate"]  # computed by the system: ACHIEVED ÷ TARGET
INDICATOR_COLUMNS: tuple[str, ...] = (YEAR, TARGET, ACHIEVED, RATE)
RATE_FORMULA = f"{RATE}={ACHIEVED}÷{TARGET}"

DOCUMENTS: str = _LABELS["counts"]["documents"]  # "N 份文件"
