"""Choose the verifier's thresholds (`bot/answer/verify.py`: WORD_SHARE, COSINE) on hand-labelled sentences,
and report how they do on passages they were not chosen on.

tests/data/verify_labelled.jsonl holds sentences written against 12 passages (6 of the seed article, 6 SQuAD2
paragraphs): paraphrases the passage supports, and per passage one each of a swapped subject, an invented
number or date, an added claim on the same topic and a true-but-off-topic sentence. Every sentence is
measured against its passage with the bundled embedder; thresholds are searched on a grid for the best
balanced accuracy (ties → the stricter pair). Figures are k-fold grouped by passage: thresholds fitted on the
other passages, counted on the held-out one. Each signal alone is reported beside the pair.

    python bench/fit_verifier.py [--folds 4]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.answer.verify import exact_terms, measure, plain
from bot.answer.writer import passage_from_text
from bot.config import load_settings
from bot.embed.choose import make_embedder

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "verify_labelled.jsonl"
SHARES = np.round(np.arange(0.0, 1.001, 0.05), 2)
COSINES = np.round(np.arange(0.0, 0.951, 0.05), 2)


def signals(rows: list[dict], encode: object) -> list[tuple[str, bool, str, float, float, bool]]:
    """(group, supported, kind, word_share, cosine, exact_terms_ok) per labelled sentence."""
    texts = {r["group"]: r["passage"] for r in rows}
    passages = {group: passage_from_text(1, text, encode) for group, text in texts.items()}
    out = []
    for r in rows:
        claim = plain(r["sentence"])
        vector = np.asarray(encode([claim]), dtype=np.float32)[0]
        support, _ = measure(claim, passages[r["group"]], vector, exact_terms(claim, [passages[r["group"]]]))
        out.append((r["group"], r["supported"], r["kind"], support.word_share, support.cosine, not support.missing))
    return out


def verdicts(data: list[tuple], share: float, cosine: float) -> np.ndarray:
    return np.array([ok and s >= share and c >= cosine for _, _, _, s, c, ok in data])


def balanced(data: list[tuple], predicted: np.ndarray) -> float:
    gold = np.array([d[1] for d in data])
    tpr = (predicted & gold).sum() / max(gold.sum(), 1)
    tnr = (~predicted & ~gold).sum() / max((~gold).sum(), 1)
    return float((tpr + tnr) / 2)


def fit(data: list[tuple], shares: np.ndarray, cosines: np.ndarray) -> tuple[float, float]:
    best = max(((balanced(data, verdicts(data, s, c)), s, c) for s in shares for c in cosines),
               key=lambda t: (round(t[0], 6), t[1] + t[2]))
    return float(best[1]), float(best[2])


def held_out(data: list[tuple], folds: int, shares: np.ndarray, cosines: np.ndarray) -> np.ndarray:
    groups = sorted({d[0] for d in data})
    predicted = np.zeros(len(data), dtype=bool)
    for k in range(folds):
        test = set(groups[k::folds])
        train = [d for d in data if d[0] not in test]
        share, cosine = fit(train, shares, cosines)
        for i, d in enumerate(data):
            if d[0] in test:
                predicted[i] = verdicts([d], share, cosine)[0]
    return predicted


def report(name: str, data: list[tuple], predicted: np.ndarray) -> None:
    gold = np.array([d[1] for d in data])
    kept_bad = [d[2] for d, p in zip(data, predicted, strict=True) if p and not d[1]]
    print(f"{name:<34} supported kept {(predicted & gold).sum()}/{gold.sum()}, unsupported caught "
          f"{(~predicted & ~gold).sum()}/{(~gold).sum()} (missed: {', '.join(kept_bad) or 'none'})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=4)
    args = parser.parse_args()
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = load_settings()
    embedder = make_embedder(settings.model, settings.backend, settings.onnx_cache)
    data = signals(rows, embedder.encode)
    print(f"{len(rows)} labelled sentences on {len({d[0] for d in data})} passages, embedder {embedder.name}; "
          f"held-out figures from {args.folds}-fold grouped by passage")
    report("exact terms + word share + cosine", data, held_out(data, args.folds, SHARES, COSINES))
    report("exact terms + word share only", data, held_out(data, args.folds, SHARES, np.array([-1.0])))
    report("exact terms + cosine only", data, held_out(data, args.folds, np.array([0.0]), COSINES))
    report("word share + cosine, no exact terms", data,
           held_out([(*d[:5], True) for d in data], args.folds, SHARES, COSINES))
    share, cosine = fit(data, SHARES, COSINES)
    print(f"fitted on all: WORD_SHARE = {share}, COSINE = {cosine}")


if __name__ == "__main__":
    main()
