"""`python -m bot eval`: build or reuse an index for a corpus, ask every question, print the metrics.

The corpus is a JSONL file (`--corpus`) or a documents folder (`--docs`, default `seeds/`); its index is
cached under `index/eval/<name>-<hash>/`, so the second run only asks. With `--modes hybrid,dense,bm25`
the same questions run through each retrieval mode, side by side in one table. With `--folds K` every
question is answered with the weights fitted without its fold (`bot/answer/tuned.json`, `bench/fit.py`),
so the figures are held out; `--fold I` reports fold I only.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from pathlib import Path

from bot.answer.tuning import fold_count, load_tuning
from bot.assistant import Citebot
from bot.config import Settings
from bot.errors import BotError
from bot.evaluate import EvalQuestion, Outcome, assign_folds, load_corpus, load_questions, run, summarize
from bot.faces.progress import StageBars, counter
from bot.faces.schema import dumps
from bot.ingest.folder import read_folder

_MODES = ("hybrid", "dense", "bm25")
_COUNTS = ("questions", "answerable", "labelled")  # whole numbers in the table


def run_eval(args: argparse.Namespace) -> int:
    try:
        ks = sorted({int(k) for k in args.k.split(",") if k.strip()})
    except ValueError:
        raise BotError(f"--k takes whole numbers separated by commas, e.g. 1,5,10; got {args.k!r}") from None
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in _MODES for m in modes):
        raise BotError(f"--modes takes some of {', '.join(_MODES)}; got {args.modes!r}")
    questions = load_questions(args.questions)[: args.limit]
    folds = _held_out_folds(args)
    from bot.faces.cli import settings_of  # cli imports this module when `eval` runs, not before

    bot = corpus_bot(settings_of(args), args.corpus)
    fold_of = assign_folds(questions, args.folds, {d.doc_id: d.title for d in bot.store.documents.values()}) \
        if folds and bot.store else []
    results = {}
    for mode in modes:
        outcomes: list[Outcome] = []
        for fold in folds or [None]:
            asked: list[EvalQuestion] = [q for q, f in zip(questions, fold_of, strict=True) if f == fold] \
                if fold is not None else questions
            bot.use_tuning(load_tuning(fold))
            label = f"asking ({mode}{'' if fold is None else f', fold {fold}'})"
            with counter(len(asked), label) as bar:
                outcomes += run(asked, lambda q, h, m=mode: bot.ask(q, h, mode=m), progress=bar.update)
        results[mode] = summarize(outcomes, ks)
    if args.json:
        print(dumps({"questions_file": args.questions.name, "index": bot.settings.index_dir.name,
                     "held_out_folds": folds, "results": results}))
    else:
        print(format_table(results))
    return 0


def _held_out_folds(args: argparse.Namespace) -> list[int]:
    """The folds to report ([] = every question with the shipped weights)."""
    if args.folds is None:
        if args.fold is not None:
            raise BotError("--fold needs --folds K.")
        return []
    if getattr(args, "limit", None) is not None:  # folds are made from the whole file (bot.evaluate.assign_folds)
        raise BotError("--limit changes the folds; use --folds without --limit.")
    if args.folds != fold_count():
        raise BotError(f"The shipped weights were fitted with {fold_count()} folds; use --folds {fold_count()}.")
    if args.fold is None:
        return list(range(args.folds))
    if not 0 <= args.fold < args.folds:
        raise BotError(f"--fold must be between 0 and {args.folds - 1}; got {args.fold}.")
    return [args.fold]


def corpus_bot(settings: Settings, corpus: Path | None) -> Citebot:
    """A bot over a corpus JSONL (or, without one, the documents folder), its index cached per content."""
    if corpus is not None:
        documents, name = load_corpus(corpus), corpus.stem
        digest = hashlib.sha256(corpus.read_bytes()).hexdigest()[:12]
    else:
        documents, _ = read_folder(settings.docs_dir)
        name = settings.docs_dir.name
        digest = hashlib.sha256("".join(d.content_hash for d in documents).encode()).hexdigest()[:12]
    bot = Citebot(settings.with_(index_dir=settings.index_dir / "eval" / f"{name}-{digest}"))
    bars = StageBars()
    print(str(bot.open(progress=bars, documents=documents)), file=sys.stderr)
    bars.close()
    return bot


def format_table(results: dict[str, dict[str, float]]) -> str:
    metrics = list(next(iter(results.values())))
    width = max(len(m) for m in metrics)
    lines = [" " * width + "".join(f"{mode:>10}" for mode in results)]
    for metric in metrics:
        cells = []
        for mode in results:
            value = results[mode][metric]
            cells.append(f"{'—':>10}" if isinstance(value, float) and math.isnan(value) else
                         f"{value:>10.0f}" if metric.endswith("_ms") or metric in _COUNTS
                         else f"{value:>10.3f}")
        lines.append(f"{metric:<{width}}" + "".join(cells))
    return "\n".join(lines)
