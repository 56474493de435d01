"""Is `confidence` honest? Expected calibration error on held-out folds, and a reliability plot in docs/.

Every question is answered with the weights fitted without its fold (`bot/answer/tuned.json`, like
`python -m bot eval --folds K`). A question counts as answered right when it is answerable and the
passage of the best sentence (the answer's first citation) holds the answer or is the gold passage; an
unanswerable question (the seed set's, everyday out-of-scope questions, questions asked of another corpus)
is never right, so its confidence should be low. The confidence is taken whether or not the bot abstains.
Questions: SQuAD2 answerable, HotpotQA, the seed dev + extra set, bench/out_of_scope.txt asked of each
corpus. SQuAD2's adversarial unanswerable questions (written to have a tempting answer in the very
paragraph) are reported on their own line and left out of the main figure, as in the fit.
Prints ECE (10 equal-width bins) and writes docs/calibration.png (matplotlib).

    nice .venv/bin/python -m bench.calibration
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import numpy as np

from bench.fit import ece
from bot.answer.abstention import confidence
from bot.answer.tuning import fold_count, load_tuning
from bot.assistant import Citebot
from bot.config import load_settings
from bot.evaluate import EvalQuestion, assign_folds, contains_answer, is_relevant, load_questions
from bot.faces.eval_cli import corpus_bot

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
PLOT = ROOT / "docs" / "calibration.png"


def right(q: EvalQuestion, chunk_doc: str, chunk_text: str) -> bool:
    if not q.answerable:
        return False
    holds = bool(q.answers_any or q.answers_all) and contains_answer(chunk_text, q)
    return holds or (bool(q.gold_doc_ids or q.evidence_any) and is_relevant(chunk_doc, chunk_text, q))


def held_out(bot: Citebot, questions: list[EvalQuestion], folds: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(confidence, right) per question, each answered with the weights fitted without its fold."""
    conf, ok = [], []
    for fold in range(fold_count()):
        bot.use_tuning(load_tuning(fold))
        for q, f in zip(questions, folds, strict=True):
            if f != fold:
                continue
            ev = bot.evidence(q.turns[-1])
            if not ev.features:
                conf.append(0.0)
                ok.append(False)
                continue
            conf.append(confidence(ev.features, bot.baseline(ev.store), bot.tuning))
            hit = ev.scored[0].hit
            ok.append(right(q, hit.chunk.doc_id, hit.chunk.text))
    return np.array(conf), np.array(ok, dtype=float)


def main() -> None:
    settings = load_settings()
    k = fold_count()
    bots = {"seed": corpus_bot(settings, None), "SQuAD2": corpus_bot(settings, EVAL / "squad2" / "corpus.jsonl"),
            "HotpotQA": corpus_bot(settings, EVAL / "hotpotqa" / "corpus.jsonl")}
    squad_all = load_questions(EVAL / "squad2" / "questions_dev.jsonl")
    titles = {d.doc_id: d.title for d in bots["SQuAD2"].store.documents.values()}
    squad_folds = assign_folds(squad_all, k, titles)
    dev = load_questions(EVAL / "seed_dev.jsonl")
    seed = dev + load_questions(ROOT / "bench" / "seed_extra.jsonl")  # split file by file, as bench/fit.py does
    hotpot = load_questions(EVAL / "hotpotqa" / "questions.jsonl")
    lines = [s.strip() for s in (ROOT / "bench" / "out_of_scope.txt").read_text().splitlines() if s.strip()]
    oos = [EvalQuestion(f"oos{i}", (t,), False) for i, t in enumerate(lines)]
    squad = [(q, f) for q, f in zip(squad_all, squad_folds, strict=True) if q.answerable]
    adversarial = [(q, f) for q, f in zip(squad_all, squad_folds, strict=True) if not q.answerable][:300]
    sets = [("SQuAD2 answerable", "SQuAD2", [q for q, _ in squad], [f for _, f in squad]),
            ("HotpotQA", "HotpotQA", hotpot, assign_folds(hotpot, k, {})),
            ("seed dev + extra", "seed", seed, assign_folds(dev, k, {}) + assign_folds(seed[len(dev):], k, {}))]
    sets += [(f"out-of-scope → {name}", name, oos, assign_folds(oos, k, {})) for name in bots]
    results = {}
    for label, corpus, qs, folds in sets:
        print(f"asking: {label} ({len(qs)})", file=sys.stderr)
        results[label] = held_out(bots[corpus], qs, folds)
    adv = held_out(bots["SQuAD2"], [replace(q, answerable=False) for q, _ in adversarial], [f for _, f in adversarial])
    conf = np.concatenate([c for c, _ in results.values()])
    ok = np.concatenate([r for _, r in results.values()])
    print(f"{'held-out questions':40s}{'n':>6}{'mean conf':>11}{'right':>8}{'ECE':>8}")
    for label, (c, r) in [*results.items(), ("all of the above", (conf, ok)),
                          ("SQuAD2 adversarial unanswerable (apart)", adv)]:
        print(f"{label:40s}{len(c):>6}{c.mean():>11.3f}{r.mean():>8.3f}{ece(c, r):>8.3f}")
    plot(conf, ok, ece(conf, ok), len(conf))
    print(f"wrote {PLOT.relative_to(ROOT)}")


def plot(conf: np.ndarray, ok: np.ndarray, error: float, n: int, bins: int = 10) -> None:
    edges = np.minimum((conf * bins).astype(int), bins - 1)
    centers = (np.arange(bins) + 0.5) / bins
    counts = np.array([(edges == b).sum() for b in range(bins)])
    accuracy = np.array([ok[edges == b].mean() if counts[b] else np.nan for b in range(bins)])
    mean_conf = np.array([conf[edges == b].mean() if counts[b] else np.nan for b in range(bins)])
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.5, 6.5), height_ratios=(3, 1), sharex=True)
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    top.bar(centers, accuracy, width=1 / bins, edgecolor="black", alpha=0.6, label="share answered right")
    top.plot(mean_conf, accuracy, marker="o", color="black", label="mean confidence in the bin")
    top.set_ylabel("answered right")
    top.set_ylim(0, 1)
    top.set_title(f"Citebot confidence on held-out folds: ECE {error:.3f}, {n} questions", fontsize=10)
    top.legend(loc="upper left", fontsize=8)
    bottom.bar(centers, counts, width=1 / bins, edgecolor="black", color="tab:blue")
    bottom.set_xlabel("confidence")
    bottom.set_ylabel("questions")
    bottom.set_xlim(0, 1)
    fig.tight_layout()
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    tmp = PLOT.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(PLOT)


if __name__ == "__main__":
    main()
