"""Every fitted number of the answer stage, read from `tuned.json`: the fusion weights of `retrieval`, the
sentence weights of `compose`, and the abstention rule and confidence mapping of `abstention`.

`bench/fit.py` writes the file. It splits the labelled questions into k folds (questions about the same
article or document always share a fold), fits everything on all folds but one, reports the one left out,
and does so for each fold; the file keeps the weights fitted without each fold (so `python -m bot eval
--folds K` answers every question with weights that never saw it) and the weights fitted on all of them,
which the bot uses. This module only reads; it does not fit or score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from bot.errors import BotError

TUNED_FILE = Path(__file__).with_name("tuned.json")


@dataclass(frozen=True)
class Tuning:
    w_mean: float  # retrieval: whole-passage cosine, beside the best sentence's
    w_bm25: float  # retrieval: BM25 / the query's best BM25
    w_coverage: float  # sentence: share of the question's weighted terms it holds
    w_passage: float  # sentence: its passage's fused score / the best passage's
    w_type: float  # sentence: it holds what the question asks for (a date for "when" …), see `answer_type`
    abstain_weights: tuple[float, ...]  # one per abstention.FEATURES
    baseline_weight: float  # share of the library's unrelated-question baseline subtracted
    threshold: float  # abstain below this evidence score
    slope: float  # confidence = sigmoid(slope·(score − threshold))
    coverage_prior: float = 0.0  # abstention: pseudo-terms the passage coverage is shrunk by, see `abstention`

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Tuning:
        names = {f.name for f in fields(cls)}
        if set(data) != names:
            raise ValueError(f"{TUNED_FILE.name}: expected the fields {sorted(names)}, got {sorted(data)}")
        values = {k: tuple(float(x) for x in v) if isinstance(v, list) else float(v)  # type: ignore[arg-type]
                  for k, v in data.items()}
        return cls(**values)  # type: ignore[arg-type]


@cache
def _file() -> dict[str, object]:
    return json.loads(TUNED_FILE.read_text(encoding="utf-8"))


def fold_count() -> int:
    """How many folds the shipped weights were cross-validated with."""
    return int(_file()["folds"])  # type: ignore[call-overload]


@cache
def load_tuning(fold: int | None = None) -> Tuning:
    """The weights fitted on every fold (`fold=None`, what the bot uses), or on every fold but `fold`."""
    data = _file()
    if fold is None:
        return Tuning.from_dict(data["all"])  # type: ignore[arg-type]
    per_fold: list[dict[str, object]] = data["per_fold"]  # type: ignore[assignment]
    if not 0 <= fold < len(per_fold):
        raise BotError(f"{TUNED_FILE.name} holds weights for folds 0 to {len(per_fold) - 1}; got fold {fold}.")
    return Tuning.from_dict(per_fold[fold])
