"""Beyond one machine, measured on this one: FAISS files vs a `milvus-lite server` (127.0.0.1), concurrent
web processes against one server, and Ray's embedding speed-up.

1. Ingest and questions: `measure.mixed_corpus` (SQuAD2 + HotpotQA paragraphs, padded with their own
   sentences) chunked by the real chunker until it holds `--sentences` sentences; vectors are synthetic
   (`measure.structured_vectors`, as bench/million.py), so no embedding time is counted. Ingest = making
   and saving the index (FAISS: HNSW build + files; Milvus: inserts, flush, count check, alias switch).
   Questions: `--questions` hybrid rankings (dense top 200 + BM25 top 100, fusion, as `bot ask`) with
   held-out vectors and a passage's first words as the query text; p50/p95 per question.
2. Concurrency: 2 and 4 processes, each loading the index (Milvus: from the one server) and ranking the
   questions; throughput is questions per second over the wall time of all of them.
3. Ray: `--ray-sentences` SQuAD2 sentences embedded with the bundled model in-process, then through
   `RayEmbedder` with 1 and 2 workers on a 2-node `ray.cluster_utils.Cluster` on 127.0.0.1 (one CPU each);
   model loading on the workers included. On 2 cores this is a ratio, not a cluster's speed.

    .venv/bin/python -m bench.scale [--sentences 200000] [--questions 200] [--skip-ray]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import measure
from bot.answer.retrieval import rank
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.store import backend, faiss_store, milvus_store
from bot.store.indexer import build
from tests import milvus_servers


def corpus(sentences: int) -> tuple[list, dict]:
    """Documents whose chunks hold about `sentences` sentences, and the built parts with synthetic vectors."""
    docs = measure.mixed_corpus(target_chunks=max(1000, sentences // 3))
    store, _ = build(docs, FakeEmbedder(dim=16), Settings(model="fake"))
    n = min(sentences, store.size)
    last_chunk = int(store.sentences[n - 1, 0])
    keep_docs = {c.doc_id for c in store.chunks[:last_chunk + 1]}
    docs = [d for d in docs if d.doc_id in keep_docs]
    store, _ = build(docs, FakeEmbedder(dim=16), Settings(model="fake"))
    return docs, {"manifest": dict(store.manifest, model="synthetic", dimension=384), "documents": store.documents,
                  "chunks": store.chunks, "sentences": store.sentences,
                  "vectors": measure.structured_vectors(store.size), "lexical": store.lexical}


def questions(parts: dict, n: int) -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(1)
    queries = measure.structured_vectors(n, seed=7)
    chunks = parts["chunks"]
    return [(" ".join(chunks[int(rng.integers(len(chunks)))].text.split()[:8]), queries[i]) for i in range(n)]


def ask_all(settings: Settings, qs: list[tuple[str, np.ndarray]]) -> list[float]:
    store = backend.load(settings)
    rank(store, qs[0][0], qs[0][1], 10, 200)  # warm: first-call costs are not a question's
    times = []
    for text, vector in qs:
        started = time.perf_counter()
        rank(store, text, vector, 10, 200)
        times.append(time.perf_counter() - started)
    return times


def _worker(args: tuple[Settings, list[tuple[str, np.ndarray]]]) -> list[float]:
    return ask_all(*args)


def concurrent(settings: Settings, qs: list[tuple[str, np.ndarray]], processes: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        pool.map(_worker, [(settings, qs[:5])] * processes)  # each process loads once, untimed
        started = time.perf_counter()
        results = pool.map(_worker, [(settings, qs)] * processes)
        wall = time.perf_counter() - started
    flat = [t for r in results for t in r]
    return {**measure.percentiles(flat), "questions_per_s": round(len(flat) / wall, 1)}


def ingest(settings: Settings, parts: dict) -> float:
    started = time.perf_counter()
    if settings.store == "milvus":
        backend.save(milvus_store.make(**parts), settings)
    else:
        backend.save(faiss_store.FaissStore(**parts), settings)
    return time.perf_counter() - started


def ray_speedup(n: int) -> dict:
    from ray.cluster_utils import Cluster

    from bot.embed.choose import make_embedder
    from bot.evaluate import load_corpus
    from bot.store import ray_embed
    texts = [s for d in load_corpus(measure.SQUAD_CORPUS) for s in d.text.split(". ") if len(s) > 30][:n]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp))
        local = make_embedder(settings.model, settings.backend, Path(tmp) / "onnx")
        local.encode(texts[:32])  # export and load once, untimed (a worker's load is timed below)
        started = time.perf_counter()
        local.encode(texts)
        out: dict = {"sentences": len(texts), "in_process_s": round(time.perf_counter() - started, 2)}
        node = {"num_cpus": 1, "node_ip_address": "127.0.0.1", "object_store_memory": 200 << 20}
        cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
        cluster.add_node(**node)
        try:
            for workers in (1, 2):
                fanned = ray_embed.RayEmbedder(local, settings.with_(ray_address=cluster.address), workers=workers)
                started = time.perf_counter()
                fanned.encode(texts)
                seconds = time.perf_counter() - started
                out[f"ray_{workers}_workers_s"] = round(seconds, 2)
                out[f"speedup_{workers}_workers"] = measure.ratio(out["in_process_s"], seconds)
        finally:
            import ray
            ray.shutdown()
            cluster.shutdown()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--ray-sentences", type=int, default=2_000)
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    docs, parts = corpus(args.sentences)
    qs = questions(parts, args.questions)
    result: dict = {"sentences": len(parts["sentences"]), "passages": len(parts["chunks"]),
                    "documents": len(docs)}
    print(json.dumps(result), file=sys.stderr)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        faiss_settings = Settings(index_dir=Path(tmp) / "faiss", model="fake")
        seconds = ingest(faiss_settings, parts)
        result["faiss"] = {"ingest_s": round(seconds, 1), "sentences_per_s": round(result["sentences"] / seconds),
                           "questions": measure.percentiles(ask_all(faiss_settings, qs))}
        print(json.dumps(result["faiss"]), file=sys.stderr)
        with milvus_servers.lite_server(Path(tmp) / "lite") as uri:
            lite = Settings(index_dir=Path(tmp) / "milvus", model="fake", store="milvus", milvus_uri=uri)
            seconds = ingest(lite, parts)
            result["milvus_lite_server"] = {"ingest_s": round(seconds, 1),
                                            "sentences_per_s": round(result["sentences"] / seconds),
                                            "questions": measure.percentiles(ask_all(lite, qs))}
            print(json.dumps(result["milvus_lite_server"]), file=sys.stderr)
            for processes in (2, 4):
                result["milvus_lite_server"][f"{processes}_processes"] = concurrent(lite, qs, processes)
                result["faiss"][f"{processes}_processes"] = concurrent(faiss_settings, qs, processes)
                print(json.dumps({processes: [result["faiss"][f"{processes}_processes"],
                                              result["milvus_lite_server"][f"{processes}_processes"]]}),
                      file=sys.stderr)
    if not args.skip_ray:
        result["ray"] = ray_speedup(args.ray_sentences)
    measure.write(f"scale-{args.sentences // 1000}k", result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
