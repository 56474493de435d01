"""What every benchmark shares: the machine's description, percentiles, peak memory, the corpora used,
and writing results to `bench/results/<name>.json` (git-ignored).

It measures nothing by itself and holds no goals; each bench script states its own. The machine here is
shared: `load_average` is recorded beside every result because other processes skew absolute figures, which
is why the scripts compare backends side by side, interleaved, in one run.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bot.faces.schema import dumps

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EVAL = Path(os.environ.get("BOT_EVAL_DIR", ROOT.parent / "shared" / "eval"))
if not EVAL.is_dir():
    EVAL = Path("/work/shared/eval")
SQUAD_CORPUS = EVAL / "squad2" / "corpus.jsonl"
SQUAD_QUESTIONS = EVAL / "squad2" / "questions_dev.jsonl"
HOTPOT_CORPUS = EVAL / "hotpotqa" / "corpus.jsonl"
HOTPOT_QUESTIONS = EVAL / "hotpotqa" / "questions.jsonl"
SEED_QUESTIONS = EVAL / "seed_dev.jsonl"


def machine() -> dict[str, Any]:
    model = next((line.partition(":")[2].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "n": len(seconds)}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def write(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(dumps({"bench": name, "machine": machine(), "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                          **result}, indent=1))  # strict JSON: a ratio with nothing to divide is null
    os.replace(tmp, path)
    print(f"[{name}] results written to {path.relative_to(ROOT)}", file=sys.stderr)
    return path


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def structured_vectors(n: int, dim: int = 384, intrinsic: int = 48, seed: int = 0) -> np.ndarray:
    """Unit vectors near a random 48-dimensional subspace plus a little noise in all 384: synthetic, but with
    the low intrinsic dimension of real sentence embeddings. (Uniform noise in 384 dimensions has no near
    neighbours to find; HNSW recall@10 on 20k such vectors stays ≈ 0.8 at efSearch 128.)"""
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((intrinsic, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        x = rng.standard_normal((m, intrinsic)).astype(np.float32) @ basis
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        x += 0.15 * rng.standard_normal((m, dim)).astype(np.float32) / np.sqrt(dim)
        out[start:start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def mixed_corpus_file(target_chunks: int = 10_000) -> Path:
    """`mixed_corpus` written once as a corpus JSONL under `bench/results/cache/`, so that every bench (and a
    fresh process timing a warm start) reads the very same documents."""
    path = RESULTS / "cache" / f"mixed{target_chunks // 1000}k.jsonl"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            for d in mixed_corpus(target_chunks):
                handle.write(json.dumps({"doc_id": d.doc_id, "title": d.title, "text": d.text}) + "\n")
        os.replace(tmp, path)
    return path


def mixed_corpus(target_chunks: int = 10_000, seed: int = 0) -> list[Any]:
    """SQuAD2 + HotpotQA paragraphs, plus padding documents made of their own sentences drawn at random
    until chunking gives `target_chunks` passages (the two corpora give about 6,100)."""
    from bot.evaluate import load_corpus
    from bot.ingest.chunking import chunk_document
    from bot.types import Document

    docs = load_corpus(SQUAD_CORPUS) + load_corpus(HOTPOT_CORPUS)
    seen, unique = set(), []
    for d in docs:  # doc ids must be unique; HotpotQA ids are titles, SQuAD2's are hashes
        if d.doc_id not in seen:
            seen.add(d.doc_id)
            unique.append(d)
    chunks = sum(len(chunk_document(d, 1200)) for d in unique)
    sentences = [s for d in unique for s in re.split(r"(?<=[.!?])\s+", d.text) if len(s) > 30]
    rng = random.Random(seed)
    n = 0
    while chunks < target_chunks:
        text = " ".join(rng.sample(sentences, rng.randint(3, 6)))
        unique.append(Document(doc_id=f"padding-{n}", title=f"Padding {n}", text=text, source=f"padding-{n}"))
        chunks += len(chunk_document(unique[-1], 1200))
        n += 1
    return unique
