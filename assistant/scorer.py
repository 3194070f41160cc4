"""A learned answer-sentence scorer: P(this sentence answers the question) from general, cheap features.

Trained only on public data (NCPQA training questions with their documents, `python -m assistant.train_scorer`),
never on this product's eval sets; the model is a logistic regression stored as JSON (`assistant/data/scorer.json`:
feature names, scaler, weights, the calibrated threshold and the training figures), so it needs no ML library at
run time. The extractive answerer asks it when its rules find no supported sentence: the best eligible sentence
(right place and time, checked before) is quoted when its probability clears the threshold calibrated on held-out
public questions, else the answer is the refusal.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PATH = Path(__file__).parent / "data" / "scorer.json"
KINDS = ("number", "date", "list", "person", "fact")
FEATURES = (
    "cover",
    "own_cover",
    "char_cosine",
    "has_value",
    "value_near",
    "measure",
    "bigram",
    "log_len",
    "plan_mismatch",
    *(f"kind_{k}" for k in KINDS),
)


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[\W\d_]+", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def char_cosine(a: str, b: str) -> float:
    """Cosine of the character-bigram count vectors of a and b (a cheap stand-in for a dense similarity: e5 on
    every candidate costs ~0.1 s a sentence on two cores)."""
    from collections import Counter

    ga = Counter(re.sub(r"[\W_]+", "", a)[i : i + 2] for i in range(max(0, len(re.sub(r"[\W_]+", "", a)) - 1)))
    gb = Counter(re.sub(r"[\W_]+", "", b)[i : i + 2] for i in range(max(0, len(re.sub(r"[\W_]+", "", b)) - 1)))
    dot = sum(v * gb.get(k, 0) for k, v in ga.items())
    na, nb = math.sqrt(sum(v * v for v in ga.values())), math.sqrt(sum(v * v for v in gb.values()))
    return dot / (na * nb) if na and nb else 0.0


def features(info: Any, sentence: str, cover: float, own_cover: float, plan: bool) -> list[float]:
    """The feature vector of one candidate sentence (names in FEATURES)."""
    from assistant.answer import holds_value, measure_match, value_near_terms

    kind = info.kind if info.kind in KINDS else ("person" if info.kind in ("name", "title") else "fact")
    qgrams = _bigrams(info.text)
    bigram = sum(g in sentence for g in qgrams) / len(qgrams) if qgrams else 0.0
    measure = measure_match(info, sentence) if info.kind == "number" and info.measure else 0.0
    return [
        cover,
        own_cover,
        char_cosine(info.text, sentence),
        float(holds_value(info.kind, sentence, info.unit)),
        float(info.kind == "number" and value_near_terms(info, sentence)),
        measure,
        bigram,
        math.log(1 + len(sentence)),
        float(plan and info.wants_achieved),
        *(float(kind == k) for k in KINDS),
    ]


@dataclass(frozen=True)
class Scorer:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    report: dict[str, Any]
    gate_threshold: float = 1.0  # the LLM readers ask the model when the evidence clears this

    def prob(self, x: list[float]) -> float:
        z = float(((np.asarray(x) - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def load_scorer(path: Path = MODEL_PATH) -> Scorer | None:
    """The packaged scorer; None when the model file is missing (the rules alone answer)."""
    if not path.exists():
        return None
    d = json.loads(path.read_text(encoding="utf-8"))
    if list(d["features"]) != list(FEATURES):
        raise ValueError(f"{path}: features {d['features']} do not match the code's {FEATURES}; retrain")
    return Scorer(
        np.asarray(d["mean"]),
        np.asarray(d["scale"]),
        np.asarray(d["weights"]),
        float(d["bias"]),
        float(d["threshold"]),
        d.get("report", {}),
        float(d.get("gate_threshold", d["threshold"])),
    )
