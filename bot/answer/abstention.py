"""Should the bot answer at all? A fitted linear rule over three signals of the best sentence found,
measured against what unrelated questions score in the same library.

The signals are the best sentence's cosine to the question and the IDF-weighted share of the question's
terms that the sentence, and its whole passage, contain. Their level depends on the library (a big
library has a close-ish sentence for anything), so a share of their mean over a fixed set of unrelated
everyday questions (`null_questions.txt`) asked of the same library is subtracted, computed once per
index. Weights, threshold and the slope that turns the score into a confidence live in `abstention.json`,
written by `bench/fit_abstention.py` from labelled answerable and unanswerable questions (it records what
it was fitted on and how well it did on held-out ones); the bot abstains below `Settings.min_confidence`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("abstention.json")
NULL_QUESTIONS_FILE = Path(__file__).with_name("null_questions.txt")
FEATURES = ("sentence_cosine", "sentence_coverage", "passage_coverage")
Signals = tuple[float, float, float]


@cache
def _rule() -> tuple[tuple[float, ...], float, float, float]:
    """(weights, baseline_weight, threshold, slope) from the fitted file."""
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{WEIGHTS_FILE.name} was fitted for features {data['features']}, expected {FEATURES}")
    return (tuple(float(w) for w in data["weights"]), float(data["baseline_weight"]), float(data["threshold"]),
            float(data["slope"]))


def score(signals: Signals, baseline: Signals) -> float:
    """The evidence score: weighted signals, less a share of what unrelated questions score here."""
    weights, baseline_weight, _, _ = _rule()
    return sum(w * (x - baseline_weight * b) for w, x, b in zip(weights, signals, baseline, strict=True))


@cache
def null_questions() -> tuple[str, ...]:
    lines = NULL_QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip())


def null_means(signals: Sequence[Signals]) -> Signals:
    """The library's baseline: the mean of each signal over the unrelated questions."""
    n = max(len(signals), 1)
    return (sum(s[0] for s in signals) / n, sum(s[1] for s in signals) / n, sum(s[2] for s in signals) / n)


def confidence(signals: Signals, baseline: Signals) -> float:
    """The fitted probability (0..1) that the documents answer the question; 0.5 at the fitted threshold."""
    _, _, threshold, slope = _rule()
    z = slope * (score(signals, baseline) - threshold)
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
