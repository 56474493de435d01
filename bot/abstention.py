"""Should the bot answer at all? A logistic model over three signals of the best sentence found.

The signals are the best sentence's cosine to the question, and the IDF-weighted share of the question's
terms that the sentence, and its whole passage, contain. The weights live in `abstention.json`, written by
`bench/fit_abstention.py` from labelled answerable and unanswerable questions (the script records what it
was fitted on and how well it did); the bot abstains below `Settings.min_confidence`.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("abstention.json")
FEATURES = ("sentence_cosine", "sentence_coverage", "passage_coverage")


@cache
def _weights() -> tuple[tuple[float, ...], float]:
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{WEIGHTS_FILE.name} was fitted for features {data['features']}, expected {FEATURES}")
    return tuple(float(w) for w in data["weights"]), float(data["bias"])


def confidence(sentence_cosine: float, sentence_coverage: float, passage_coverage: float) -> float:
    """The fitted probability (0..1) that the documents answer the question."""
    weights, bias = _weights()
    signals = (sentence_cosine, sentence_coverage, passage_coverage)
    z = bias + sum(w * x for w, x in zip(weights, signals, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
