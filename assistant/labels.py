"""The words the product writes itself (indicator table columns, document counts), loaded once from
`assistant/data/labels.toml`, where each says where it comes from."""

from __future__ import annotations

import tomllib
from pathlib import Path

_LABELS = tomllib.loads((Path(__file__).parent / "data" / "labels.toml").read_text(encoding="utf-8"))
_TABLE = _LABELS["indicator_table"]

YEAR: str = _TABLE["year"]
TARGET: str = _TABLE["target"]
ACHIEVED: str = _TABLE["achieved_prefix"] + _TABLE["verb"]  # "the figure actually reached"
# The rate of the achieved to the target, named as Chinese names the rate of an action: its verb and the suffix of a
# rate (labels.toml); computed by the system: ACHIEVED ÷ TARGET.
RATE: str = _TABLE["verb"] + _TABLE["rate_suffix"]
INDICATOR_COLUMNS: tuple[str, ...] = (YEAR, TARGET, ACHIEVED, RATE)
RATE_FORMULA = f"{RATE}={ACHIEVED}÷{TARGET}"

DOCUMENTS: str = _LABELS["counts"]["documents"]  # "N 份文件"
