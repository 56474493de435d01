"""Beyond one machine, measured on this one: FAISS files vs a `milvus-lite server` (127.0.0.1), concurrent
web processes against one server, and Ray's embedding speed-up.

1. Ingest and questions: `measure.mixed_corpus` (SQuAD2 + HotpotQA paragraphs, padded with their own
   sentences) chunked by the real chunker until it holds `--sentences` sentences; vectors are synthetic
   (`measure.structured_vectors`, as bench/million.py), so no embedding time is counted. Ingest = making
   and saving the index (FAISS: HNSW build + files; Milvus: inserts, flush, count check, alias switch).
   Questions: `--questions` hybrid rankings (dense top 200 + BM25 top 100, fusion, as `bot ask`) with
   held-out vectors and a passage's first words as the query text; p50/p95 per question.
2. Concurrency: 2 and 4 processes (`--processes`), each loading the index (Milvus: from the one server) and
   warming up untimed, then all ranking the questions at once (they wait at a barrier); throughput is all
   their questions over the wall time from that common start to the last one's end.
3. Ray: `--ray-sentences` SQuAD2 sentences embedded with the bundled model in-process, then through
   `RayEmbedder` with 1 and 2 workers on a 2-node `ray.cluster_utils.Cluster` on 127.0.0.1 (one CPU each);
   model loading on the workers included. On 2 cores this is a ratio, not a cluster's speed.

    .venv/bin/python -m bench.scale [--sentences 200000] [--questions 200] [--milvus-questions 10]
        [--processes 2,4] [--stores faiss,milvus] [--keep] [--skip-ray]

`--keep` builds under `bench/results/scale-<N>k-index/` (the FAISS folder, the milvus-lite server's data
folder, `built.json` with the corpus's size and each store's ingest figures) and leaves it there; a later
`--keep` run at the same size skips the ingest of every store built there and reports the recorded figures
(`"reused": true`). Delete the folder to rebuild (e.g. after changing the store's code).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


def questions(chunks: Sequence[Any], n: int) -> list[tuple[str, np.ndarray]]:
    """`n` questions: a random passage's first eight words and a held-out vector of the corpus's distribution."""
    rng = np.random.default_rng(1)
    queries = measure.structured_vectors(n, seed=7)
    return [(" ".join(chunks[int(rng.integers(len(chunks)))].text.split()[:8]), queries[i]) for i in range(n)]


def timed(store: Any, qs: list[tuple[str, np.ndarray]]) -> list[float]:
    """Seconds each question's hybrid ranking took, after one untimed warm-up question."""
    rank(store, qs[0][0], qs[0][1], 10, 200)  # warm: first-call costs are not a question's
    times = []
    for text, vector in qs:
        started = time.perf_counter()
        rank(store, text, vector, 10, 200)
        times.append(time.perf_counter() - started)
    return times


def one_process(settings: Settings, qs: list[tuple[str, np.ndarray]]) -> dict:
    """Load the index in this process (timed apart), then rank `qs` one at a time."""
    started = time.perf_counter()
    store = backend.load(settings)
    load_s = time.perf_counter() - started
    return {**measure.percentiles(timed(store, qs)), "load_s": round(load_s, 1)}


def _worker(settings: Settings, qs: list[tuple[str, np.ndarray]], ready: Any, out: Any) -> None:
    store = backend.load(settings)
    rank(store, qs[0][0], qs[0][1], 10, 200)
    ready.wait()  # every process has loaded and warmed up: the timed part starts together
    started = time.monotonic()  # CLOCK_MONOTONIC is system-wide, so the processes' clocks compare
    times = timed(store, qs)
    out.put((started, time.monotonic(), times))


def concurrent(settings: Settings, qs: list[tuple[str, np.ndarray]], processes: int) -> dict:
    """`processes` web processes, each loading the index (untimed), then all asking `qs` at once; throughput is
    all their questions over the wall time from the common start to the last one's end."""
    ctx = multiprocessing.get_context("spawn")
    ready, out = ctx.Barrier(processes), ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(settings, qs, ready, out)) for _ in range(processes)]
    for w in workers:
        w.start()
    results = [out.get() for _ in workers]  # before join: a full queue would block a worker's exit
    for w in workers:
        w.join()
        if w.exitcode:
            raise RuntimeError(f"a web process exited with {w.exitcode}")
    flat = [t for r in results for t in r[2]]
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    return {**measure.percentiles(flat), "questions_per_s": round(len(flat) / wall, 2),
            "per_process": len(qs)}


def ingest(settings: Settings, parts: dict) -> float:
    """Seconds to make and save the index (FAISS: HNSW/flat build + files; Milvus: inserts, checks, alias)."""
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
    parser.add_argument("--questions", type=int, default=200, help="questions per process (FAISS)")
    parser.add_argument("--milvus-questions", type=int, help="questions per process for milvus-lite "
                        "(default: --questions; it takes seconds a question at 200k)")
    parser.add_argument("--processes", default="2,4", help="concurrent web process counts, e.g. 2,4 ('' = none)")
    parser.add_argument("--stores", default="faiss,milvus", help="faiss, milvus or both")
    parser.add_argument("--keep", action="store_true", help="build under bench/results/scale-<N>k-index/ and "
                        "keep it; a later --keep run skips the ingest of every store already built there")
    parser.add_argument("--ray-sentences", type=int, default=2_000)
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    stores = [s for s in ("faiss", "milvus") if s in args.stores.split(",")]
    counts = [int(p) for p in args.processes.split(",") if p]
    asked = {"faiss": args.questions, "milvus": args.milvus_questions or args.questions}
    name = f"scale-{args.sentences // 1000}k" + ("" if len(stores) == 2 else f"-{stores[0]}")
    with contextlib.ExitStack() as stack:
        base = (measure.RESULTS / f"scale-{args.sentences // 1000}k-index" if args.keep
                else Path(stack.enter_context(tempfile.TemporaryDirectory(dir="/tmp"))))
        base.mkdir(parents=True, exist_ok=True)
        settings = {"faiss": Settings(index_dir=base / "faiss", model="fake")}
        if "milvus" in stores:
            uri = stack.enter_context(milvus_servers.lite_server(base / "lite"))
            settings["milvus"] = Settings(index_dir=base / "milvus", model="fake", store="milvus", milvus_uri=uri)
        built_file = base / "built.json"  # what is built there: the corpus's size and each store's ingest
        built = json.loads(built_file.read_text()) if built_file.is_file() else {"ingest": {}}
        if all(s in built["ingest"] for s in stores):
            parts = {"chunks": backend.load(settings[stores[0]]).chunks}
        else:
            docs, parts = corpus(args.sentences)
            built["corpus"] = {"sentences": len(parts["sentences"]), "passages": len(parts["chunks"]),
                               "documents": len(docs)}
        result: dict = {**built["corpus"], "stores": {}}
        progress(result)
        qs = questions(parts["chunks"], max(asked[s] for s in stores))
        for store in stores:
            if store not in built["ingest"]:
                seconds = ingest(settings[store], parts)
                built["ingest"][store] = {"ingest_s": round(seconds, 1), "sentences_per_s":
                                          round(result["sentences"] / seconds),
                                          "ingest_load_average": os.getloadavg(),
                                          "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
                if args.keep:
                    built_file.write_text(json.dumps(built, indent=1))
            else:
                built["ingest"][store]["reused"] = True
            result["stores"][store] = {**built["ingest"][store],
                                       "questions": one_process(settings[store], qs[:asked[store]]),
                                       "load_average": os.getloadavg()}
            progress({store: result["stores"][store]})
        for processes in counts:
            for store in stores:
                figures = concurrent(settings[store], qs[:asked[store]], processes)
                result["stores"][store][f"{processes}_processes"] = {**figures, "load_average": os.getloadavg()}
                progress({store: {processes: figures}})
    if not args.skip_ray:
        result["ray"] = ray_speedup(args.ray_sentences)
    measure.write(name, result)
    print(json.dumps(result, indent=1))


def progress(figures: dict) -> None:
    """Figures as they come, with the time and load average (a long run can be stopped and still say something)."""
    print(time.strftime("%H:%M:%S"), os.getloadavg(), json.dumps(figures), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
