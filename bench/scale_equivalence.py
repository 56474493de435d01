"""Does the Milvus store rank exactly like the FAISS store? Every question of a `bot eval` set, every mode.

Loads a FAISS index that `bot eval` built (its `--index` folder), writes the very same parts (vectors,
passages, documents) into Milvus with exact FLAT search (embedded milvus-lite by default, or `--uri`), then
ranks each question in both stores with the same query vector and compares the top `--k` passages: same
chunk ids in the same order, and fused scores within 1e-4. Every difference is printed with both
rankings, so it can be explained.

    .venv/bin/python -m bench.scale_equivalence ../shared/eval/squad2/questions_dev.jsonl \
        --index /tmp/eval-faiss/eval/corpus-<hash> [--modes hybrid,dense,bm25] [--uri http://127.0.0.1:19530]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bot.answer.retrieval import rank
from bot.config import BUNDLED_MODEL, Settings
from bot.embed.choose import make_embedder
from bot.evaluate import load_questions
from bot.store import faiss_store, milvus_store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", type=Path)
    parser.add_argument("--index", type=Path, required=True, help="the FAISS index folder `bot eval` built")
    parser.add_argument("--modes", default="hybrid,dense,bm25")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--uri", default="", help="a Milvus server; default: embedded milvus-lite in a temp folder")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    faiss = faiss_store.load(args.index)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp), store="milvus", milvus_uri=args.uri)
        started = time.perf_counter()
        milvus = milvus_store.make(faiss.manifest, faiss.documents, faiss.chunks, faiss.sentences,
                                   faiss.vectors, faiss.lexical)
        milvus_store.save(milvus, settings)
        milvus = milvus_store.load(settings)
        print(f"wrote and loaded {faiss.size} sentences in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        embedder = make_embedder(BUNDLED_MODEL, "auto", settings.onnx_cache)  # as `bot eval` made it
        if embedder.name != faiss.manifest["model"]:
            sys.exit(f"the index was built with {faiss.manifest['model']}, not {embedder.name}")
        questions = load_questions(args.questions)[:args.limit]
        vectors = embedder.encode([q.turns[-1] for q in questions])
        result: dict = {"questions": len(questions), "sentences": faiss.size, "k": args.k}
        for mode in args.modes.split(","):
            same, differ = 0, []
            for q, vector in zip(questions, vectors, strict=True):
                a = rank(faiss, q.turns[-1], vector, args.k, 200, mode).hits
                b = rank(milvus, q.turns[-1], vector, args.k, 200, mode).hits
                if [h.chunk_id for h in a] == [h.chunk_id for h in b] and all(
                        abs(x.score - y.score) <= 1e-4 for x, y in zip(a, b, strict=True)):
                    same += 1
                else:
                    differ.append({"question": q.turns[-1], "faiss": [(h.chunk_id, round(h.score, 6)) for h in a],
                                   "milvus": [(h.chunk_id, round(h.score, 6)) for h in b]})
            result[mode] = {"same_ranking": same, "different": len(differ), "differences": differ[:20]}
            print(json.dumps({mode: {"same_ranking": same, "different": len(differ)}}), file=sys.stderr)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
