"""`python -m bot eval`: build or reuse an index for a corpus, ask every question, print the metrics.

The corpus is a JSONL file (`--corpus`) or a documents folder (`--docs`, default `seeds/`); its index is
cached under `index/eval/<name>-<hash>/`, so the second run only asks. With `--modes hybrid,dense,bm25`
the same questions run through each retrieval mode, side by side in one table.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from pathlib import Path

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.choose import make_embedder
from bot.errors import BotError
from bot.evaluate import load_corpus, load_questions, run, summarize
from bot.faces.progress import StageBars, counter
from bot.faces.schema import dumps
from bot.ingest.folder import read_folder

_MODES = ("hybrid", "dense", "bm25")


def run_eval(args: argparse.Namespace) -> int:
    try:
        ks = sorted({int(k) for k in args.k.split(",") if k.strip()})
    except ValueError:
        raise BotError(f"--k takes whole numbers separated by commas, e.g. 1,5,10; got {args.k!r}") from None
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in _MODES for m in modes):
        raise BotError(f"--modes takes some of {', '.join(_MODES)}; got {args.modes!r}")
    questions = load_questions(args.questions)[: args.limit]
    from bot.faces.cli import settings_of  # cli imports this module when `eval` runs, not before

    bot = corpus_bot(settings_of(args), args.corpus)
    results = {}
    for mode in modes:
        with counter(len(questions), f"asking ({mode})") as bar:
            outcomes = run(questions, lambda q, h, m=mode: bot.ask(q, h, mode=m), progress=bar.update)
        results[mode] = summarize(outcomes, ks)
    if args.json:
        print(dumps({"questions_file": args.questions.name, "index": bot.settings.index_dir.name,
                     "results": results}))
    else:
        print(format_table(results))
    return 0


def corpus_bot(settings: Settings, corpus: Path | None) -> Citebot:
    """A bot over a corpus JSONL (or, without one, the documents folder), its index cached per content."""
    if corpus is not None:
        documents, name = load_corpus(corpus), corpus.stem
        digest = hashlib.sha256(corpus.read_bytes()).hexdigest()[:12]
    else:
        documents, _ = read_folder(settings.docs_dir)
        name = settings.docs_dir.name
        digest = hashlib.sha256("".join(d.content_hash for d in documents).encode()).hexdigest()[:12]
    # The embedder (and so its ONNX export) belongs to the index folder given, not to each corpus's index.
    embedder = make_embedder(settings.model, settings.backend, settings.index_dir / "onnx")
    bot = Citebot(settings.with_(index_dir=settings.index_dir / "eval" / f"{name}-{digest}"), embedder=embedder)
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
                         f"{value:>10.0f}" if metric.endswith("_ms") or metric in ("questions", "answerable")
                         else f"{value:>10.3f}")
        lines.append(f"{metric:<{width}}" + "".join(cells))
    return "\n".join(lines)
