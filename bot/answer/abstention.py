"""Should the bot answer at all? A fitted linear rule over four signals of the best sentence found,
measured against what unrelated questions score in the same library, turned into a confidence.

The signals are the best sentence's cosine to the question, the IDF-weighted share of the question's
terms that the sentence, and its whole passage, contain, and whether the sentence holds the kind of thing
the question asks for (`answer_type`: a date for "when" …), which lets short evidence such as a
reference entry or a table row answer although its wording is far from the question's. Their level
depends on the library (a big library has a close-ish sentence for anything), so a share of their mean
over a fixed set of unrelated everyday questions (`null_questions.txt`) asked of the same library is
subtracted, computed once per index. The weights, the threshold and the slope that maps the score to a
confidence come from `tuning` (fitted by `bench/fit.py` on training folds; the slope so that the
confidence matches how often answers turn out right). The confidence is 0.5 at the threshold; the bot abstains below
`Settings.min_confidence`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from bot.answer.tuning import Tuning, load_tuning

NULL_QUESTIONS_FILE = Path(__file__).with_name("null_questions.txt")
FEATURES = ("sentence_cosine", "sentence_coverage", "passage_coverage", "answer_kind")
Signals = tuple[float, ...]  # one value per FEATURES


def score(signals: Signals, baseline: Signals, tuning: Tuning | None = None) -> float:
    """The evidence score: weighted signals, less a share of what unrelated questions score here."""
    t = tuning or load_tuning()
    return sum(w * (x - t.baseline_weight * b) for w, x, b in zip(t.abstain_weights, signals, baseline, strict=True))


@cache
def null_questions() -> tuple[str, ...]:
    lines = NULL_QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip())


def null_means(signals: Sequence[Signals]) -> Signals:
    """The library's baseline: the mean of each signal over the unrelated questions."""
    n = max(len(signals), 1)
    return tuple(sum(s[i] for s in signals) / n for i in range(len(FEATURES)))


def confidence(signals: Signals, baseline: Signals, tuning: Tuning | None = None) -> float:
    """The fitted probability (0..1) that an answer from this evidence is right; 0.5 at the threshold."""
    t = tuning or load_tuning()
    z = t.slope * (score(signals, baseline, t) - t.threshold)
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
