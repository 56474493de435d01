"""Warm start: from process start to an index loaded, an embedder ready and one question answered.

Each case runs `python -c` in a fresh process (three timed runs after one untimed, median reported), with
the index already built and the ONNX export already made, as when a user reopens Citebot. The child prints
its own marks (imports, `Citebot.open`, first answer) and which heavy modules it loaded; the parent times
the whole process. "UI ready" is the real web server (`python -m bot serve`, via `bench.live_server`) from
process start to its first HTTP 200 on the chat page, the model warmed up before it listens. Goal: ≤ 8 s.

    .venv/bin/python -m bench.warm_start [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import measure
from bench.live_server import LiveServer

CACHE = measure.RESULTS / "cache"
CHILD = """
import time, json, sys
t0 = time.perf_counter()
from pathlib import Path
from bot.assistant import Citebot
from bot.config import load_settings
from bot.ingest.folder import read_folder
from bot.evaluate import load_corpus
t1 = time.perf_counter()
settings = load_settings(index_dir=Path({index!r}), docs_dir=Path({docs!r}), backend={backend!r})
bot = Citebot(settings)
docs = load_corpus(Path({corpus!r})) if {corpus!r} else read_folder(settings.docs_dir)[0]
report = bot.open(documents=docs)
t2 = time.perf_counter()
answer = bot.ask({question!r})
t3 = time.perf_counter()
print(json.dumps({{"imports_s": t1 - t0, "open_s": t2 - t1, "first_answer_s": t3 - t2, "action": report.action,
                  "embedder": bot.embedder.name, "chunks": len(bot.store.chunks),
                  "loaded": sorted(m for m in ("torch", "sentence_transformers", "transformers", "onnxruntime",
                                                "faiss", "gradio") if m in sys.modules)}}))
"""
IMPORTS = ("numpy", "faiss", "bm25s", "onnxruntime", "torch", "sentence_transformers", "gradio")


def run_child(code: str) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=measure.ROOT, capture_output=True, text=True,
                         timeout=900, check=True)
    return time.perf_counter() - started, json.loads(out.stdout.strip().splitlines()[-1])


def import_seconds(module: str, runs: int) -> float:
    code = f"import time, json; t = time.perf_counter(); import {module}; print(json.dumps(time.perf_counter() - t))"
    times = []
    for _ in range(runs + 1):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
        times.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return round(statistics.median(times[1:]), 2)


def ui_ready(index: Path, backend: str) -> float:
    """Seconds from starting the web server to its chat page answering."""
    started = time.perf_counter()
    with LiveServer(measure.ROOT / "seeds", index, model="bundled", env={"BOT_BACKEND": backend}):
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timed run per case, seed folder only")
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    cases = [("seed-onnx", "onnx", "", measure.ROOT / "seeds"), ("seed-torch", "torch", "", measure.ROOT / "seeds")]
    if not args.quick:
        cases.append(("mixed10k-onnx", "onnx", str(measure.mixed_corpus_file(10_000)), measure.ROOT / "seeds"))
    result: dict[str, object] = {"import_s": {m: import_seconds(m, runs) for m in IMPORTS}}
    print("import seconds (fresh process, median):", result["import_s"], flush=True)
    for name, backend, corpus, docs in cases:
        index = CACHE / ("index-mixed10k" if corpus else f"index-warm-{backend}")
        code = CHILD.format(index=str(index), docs=str(docs), backend=backend, corpus=corpus,
                            question="Who were the Normans?")
        _, first = run_child(code)  # builds the index (or export) if it is missing: not timed
        samples = [run_child(code) for _ in range(runs)]
        walls = [w for w, _ in samples]
        marks = {k: round(statistics.median(float(m[k]) for _, m in samples), 2)
                 for k in ("imports_s", "open_s", "first_answer_s")}
        entry = {"wall_s": round(statistics.median(walls), 2), **marks, "loaded": samples[-1][1]["loaded"],
                 "embedder": samples[-1][1]["embedder"], "chunks": samples[-1][1]["chunks"],
                 "actions": [first["action"]] + [m["action"] for _, m in samples]}
        result[name] = entry
        print(f"{name}: {entry}", flush=True)
    for backend in ("onnx", "torch"):
        index = CACHE / f"index-warm-{backend}"
        ui_ready(index, backend)  # untimed: a first run builds what is missing
        result[f"ui-seed-{backend}"] = {"ui_ready_s": round(statistics.median(
            ui_ready(index, backend) for _ in range(runs)), 2)}
        print(f"ui-seed-{backend}: {result[f'ui-seed-{backend}']}", flush=True)
    result["goal_s"] = 8
    measure.write("warm_start", result)


if __name__ == "__main__":
    main()
