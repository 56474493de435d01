"""Should the bot answer at all? A fitted linear rule over five signals of the evidence found,
measured against what unrelated questions score in the same library, turned into a confidence.

The signals are the best sentence's cosine to the question, the IDF-weighted share of the question's terms
that the sentence, and its whole passage, contain (the passage's share shrunk for questions of few terms,
`shrunk_coverage`), whether the sentence holds the kind of thing the question
asks for (`answer_type`: a date for "when" …), which lets short evidence such as a reference entry or a
table row answer although its wording is far from the question's, and whether the two retrievers agree
(`retrievers_agree`: dense search and BM25 point at the same document). Their level depends on the library
(a big library has a close-ish sentence for anything), so a share of their mean over a fixed set of
unrelated everyday questions (`null_questions.txt`) asked of the same library is subtracted, computed once
per index. The weights, the threshold and the slope that maps the score to a confidence come from `tuning`
(fitted by `bench/fit.py` on training folds; the slope so that the confidence matches how often answers turn
out right). The confidence is 0.5 at the threshold; the bot abstains below `Settings.min_confidence`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from bot.answer.tuning import Tuning, load_tuning
from bot.types import Hit

NULL_QUESTIONS_FILE = Path(__file__).with_name("null_questions.txt")
FEATURES = ("sentence_cosine", "sentence_coverage", "passage_coverage", "answer_kind", "retrievers_agree")
AGREE_TOP = 5  # passages compared by `retrievers_agree`
Signals = tuple[float, ...]  # one value per FEATURES


def retrievers_agree(hits: Sequence[Hit]) -> float:
    """1.0 when, among the best `AGREE_TOP` ranked passages, the one closest in meaning (dense) and the one BM25
    scores highest come from the same document, else 0.0. Two retrievers that look at different evidence point
    at the same document far more often when the library answers the question (SQuAD2: 0.71 of answerable
    questions, 0.20 of everyday ones; HotpotQA 0.52 and 0.13) than when it merely holds something near it. By
    document, not passage: within one document, dense search's weakness on names ("Who is Susie Wiles?") would
    count against the passage BM25 rightly found. (A cosine gap instead of yes/no was also fitted: more everyday
    questions refused, fewer of the seed article's answered.)"""
    head = list(hits[:AGREE_TOP])
    if not head:
        return 0.0
    dense = max(head, key=lambda h: h.dense)
    lexical = max(head, key=lambda h: h.lexical)
    return float(dense.chunk.doc_id == lexical.chunk.doc_id and lexical.lexical > 0)


def shrunk_coverage(coverage: float, n_terms: int, prior: float) -> float:
    """A passage's coverage (0..1) of a question with `n_terms` distinct terms, shrunk as if the question had
    `prior` more terms the passage lacks: coverage · n / (n + prior). A one- or two-word question ("How do I
    meditate?", "What is the meaning of life?") is fully covered by many a passage that is not about it; six
    words all found are better evidence. `prior` is fitted (`tuning.coverage_prior`)."""
    return coverage * n_terms / (n_terms + prior) if n_terms + prior > 0 else 0.0


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
