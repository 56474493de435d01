"""A million 384-d vectors through `store`'s FAISS choice: HNSW build time, memory-mapped load time, search
p50 and recall@10 against exact search, and memory.

The vectors are synthetic (`measure.structured_vectors`: low intrinsic dimension, like real embeddings);
200 held-out vectors of the same distribution are the queries, answered one at a time as `Store.search`
does. The index is built with `store._make_faiss` (so with `store`'s HNSW settings), saved, and then loaded
by a fresh process the way `store.load` does (`IO_FLAG_MMAP_IFC`, `vectors.npy` with `mmap_mode="r"`),
which reports its load time, resident memory, latency and recall for efSearch 256/384/512 (after one
untimed pass over the queries has faulted the mapped pages in).
Goals: search p50 ≤ 10 ms, recall@10 ≥ 0.95.

    .venv/bin/python -m bench.million [--quick]     # --quick: 200,000 vectors
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from bench import measure
from bot.store import faiss_store as store_mod

QUERIES = 200


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    best_scores = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 10), dtype=np.int64)
    for start in range(0, len(vectors), 100_000):
        scores = queries @ vectors[start:start + 100_000].T
        top = np.argpartition(-scores, 10, axis=1)[:, :10]
        both_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, axis=1)], axis=1)
        both_rows = np.concatenate([best_rows, top + start], axis=1)
        keep = np.argsort(-both_scores, axis=1)[:, :10]
        best_scores, best_rows = np.take_along_axis(both_scores, keep, 1), np.take_along_axis(both_rows, keep, 1)
    return best_rows


def child(folder: Path) -> None:
    """Runs in a fresh process: load as `store.load` does, then search."""
    rss0 = measure.rss_mb()
    started = time.perf_counter()
    index = faiss.read_index(str(folder / "index.faiss"), faiss.IO_FLAG_MMAP_IFC)
    vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    load_s = time.perf_counter() - started
    rss_loaded = measure.rss_mb()
    queries, exact = np.load(folder / "queries.npy"), np.load(folder / "exact.npy")
    out: dict[str, object] = {"load_s": round(load_s, 3), "rss_before_mb": rss0, "rss_after_load_mb": rss_loaded,
                              "vectors_shape": list(vectors.shape), "ef_built": index.hnsw.efSearch
                              if hasattr(index, "hnsw") else None}
    index.search(queries, 10)  # fault the mapped pages in once, so that no setting below pays for it alone
    out["rss_after_warmup_mb"] = measure.rss_mb()
    sweep = {}
    for ef in (256, 384, 512) if hasattr(index, "hnsw") else (0,):
        if ef:
            index.hnsw.efSearch = ef
        seconds, found = [], []
        for q in queries:
            t = time.perf_counter()
            _, rows = index.search(q.reshape(1, -1), 10)
            seconds.append(time.perf_counter() - t)
            found.append(rows[0])
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact, strict=True)]))
        sweep[str(ef)] = {**measure.percentiles(seconds), "recall_at_10": round(recall, 4)}
    out["search"] = sweep
    out["rss_after_search_mb"] = measure.rss_mb()
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000 vectors instead of 1,000,000")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    n = 200_000 if args.quick else 1_000_000
    both = measure.structured_vectors(n + QUERIES)
    vectors, queries = both[:n], both[n:]
    started = time.perf_counter()
    exact = exact_top10(vectors, queries)
    exact_s = time.perf_counter() - started
    print(f"{n} vectors; exact top-10 of {QUERIES} queries in {exact_s:.1f} s", flush=True)
    rss_before = measure.rss_mb()
    started = time.perf_counter()
    index = store_mod._make_faiss(vectors)
    build_s = time.perf_counter() - started
    rss_built = measure.rss_mb()
    print(f"built {type(index).__name__} in {build_s:.1f} s", flush=True)
    measure.RESULTS.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="tmp-million-", dir=measure.RESULTS))
    try:
        started = time.perf_counter()
        faiss.write_index(index, str(folder / "index.faiss"))
        np.save(folder / "vectors.npy", vectors)
        save_s = time.perf_counter() - started
        np.save(folder / "queries.npy", queries)
        np.save(folder / "exact.npy", exact)
        sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in folder.iterdir()}
        del index
        out = subprocess.run([sys.executable, "-m", "bench.million", "--child", str(folder)], cwd=measure.ROOT,
                             capture_output=True, text=True, check=True, timeout=1800)
        loaded = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    chosen = loaded["search"].get(str(store_mod.HNSW_EF_SEARCH), next(iter(loaded["search"].values())))
    result = {"vectors": n, "dim": 384, "index": "HNSW" if n >= store_mod.HNSW_FROM else "flat",
              "hnsw": {"M": store_mod.HNSW_M, "efConstruction": store_mod.HNSW_EF_CONSTRUCTION,
                       "efSearch": store_mod.HNSW_EF_SEARCH},
              "build_s": round(build_s, 1), "save_s": round(save_s, 1), "file_mb": sizes,
              "build_rss_mb": {"vectors_only": rss_before, "with_index": rss_built, "peak": measure.peak_rss_mb()},
              "load": loaded, "search_p50_ms": chosen["p50_ms"], "search_p95_ms": chosen["p95_ms"],
              "recall_at_10": chosen["recall_at_10"], "goals": {"search_p50_ms": 10, "recall_at_10": 0.95}}
    print(json.dumps(result, indent=1))
    measure.write("million" if not args.quick else "million_quick", result)


if __name__ == "__main__":
    main()
