"""Question latency (p50/p95, wall time of `Citebot.ask`: the extractive path, question to cited answer) on
three indexes: the seed folder, the SQuAD2 corpus (1,216 paragraphs) and a ~10,000-passage mix of SQuAD2,
HotpotQA and padding made of their own sentences (`measure.mixed_corpus_file`).

Indexes are built once with the ONNX backend and kept under `bench/results/cache/`. Each index is then
asked the same questions with the ONNX and the torch embedder in turn (the index is shared: only the
question's embedding differs, and this measures time, not quality), with a per-stage breakdown; torch
is asked the first third of the questions only.
Goal on the 10k index: p50 ≤ 30 ms, p95 ≤ 60 ms.

    .venv/bin/python -m bench.latency [--quick]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence

import numpy as np

from bench import measure
from bot.assistant import Citebot
from bot.config import BUNDLED_MODEL, load_settings
from bot.embed.base import Embedder
from bot.embed.choose import make_embedder
from bot.evaluate import load_corpus, load_questions
from bot.ingest.folder import read_folder
from bot.types import Document

CACHE = measure.RESULTS / "cache"


def ask_all(bot: Citebot, questions: Sequence[str]) -> dict[str, object]:
    for q in questions[:5]:
        bot.ask(q)  # warm caches
    seconds, stages = [], {}
    for q in questions:
        started = time.perf_counter()
        answer = bot.ask(q)
        seconds.append(time.perf_counter() - started)
        for stage, ms in answer.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    medians = {k: round(float(np.median(v)), 2) for k, v in stages.items()}
    return {**measure.percentiles(seconds), "stage_p50_ms": medians}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer questions (the indexes are the same)")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    n = 60 if args.quick else 300
    squad_q = [q.turns[-1] for q in load_questions(measure.SQUAD_QUESTIONS)]
    hotpot_q = [q.turns[-1] for q in load_questions(measure.HOTPOT_QUESTIONS)]
    seed_q = [q.turns[-1] for q in load_questions(measure.SEED_QUESTIONS)]
    seed_docs, _ = read_folder(measure.ROOT / "seeds")
    mixed_q = [q for two in zip(squad_q, hotpot_q, strict=False) for q in two]  # alternate the two sets
    cases: list[tuple[str, list[Document], list[str]]] = [
        ("seed", seed_docs, (seed_q * (1 + n // len(seed_q)))[:n]),
        ("squad2", load_corpus(measure.SQUAD_CORPUS), squad_q[:n]),
        ("mixed10k", load_corpus(measure.mixed_corpus_file(10_000)), mixed_q[:n]),
    ]
    settings = load_settings(index_dir=CACHE, backend="onnx")
    others: dict[str, Embedder] = {"torch": make_embedder(BUNDLED_MODEL, "torch"),
                                   "onnx": make_embedder(BUNDLED_MODEL, "onnx", CACHE / "onnx")}
    result: dict[str, object] = {"index_backend": others["onnx"].name}
    for name, docs, questions in cases:
        bot = Citebot(settings.with_(index_dir=CACHE / f"index-{name}"), embedder=others["onnx"])
        report = bot.open(documents=docs)
        print(f"{name}: {report}", flush=True)
        entry: dict[str, object] = {"documents": len(bot.store.documents), "chunks": len(bot.store.chunks),
                                    "sentences": bot.store.size}
        for backend, embedder in others.items():
            asker = Citebot(bot.settings, embedder=embedder, store=bot.store)
            # torch gets a third of the questions: on a busy machine it can take a second per question.
            entry[backend] = ask_all(asker, questions if backend == "onnx" else questions[: max(20, n // 3)])
            print(f"  {backend:<5} p50 {entry[backend]['p50_ms']:6.1f} ms  p95 {entry[backend]['p95_ms']:6.1f} ms  "
                  f"stages {entry[backend]['stage_p50_ms']}", flush=True)
        result[name] = entry
    result["goals"] = {"mixed10k": {"p50_ms": 30, "p95_ms": 60}}
    measure.write("latency", result)


if __name__ == "__main__":
    main()
