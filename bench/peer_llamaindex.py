"""Runs inside `bench/.peer-venv` only (never with Citebot's dependencies): LlamaIndex's default pipeline,
`VectorStoreIndex.from_documents` with its default splitter and in-memory vector store, embedding with
`HuggingFaceEmbedding` pointed at the bundled model's folder (offline), on a corpus JSONL; then top-k
retrieval for every answerable question. Prints one JSON object: build seconds, recall, latency.

    bench/.peer-venv/bin/python bench/peer_llamaindex.py CORPUS QUESTIONS MODEL_DIR
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import numpy as np
from llama_index.core import Document, VectorStoreIndex
from llama_index.embeddings.huggingface import HuggingFaceEmbedding


def main(corpus: str, questions: str, model_dir: str) -> None:
    rows = [json.loads(line) for line in open(corpus, encoding="utf-8") if line.strip()]
    docs = [Document(text=r["text"], doc_id=r["doc_id"], metadata={"title": r.get("title", "")}) for r in rows]
    asked = [json.loads(line) for line in open(questions, encoding="utf-8") if line.strip()]
    asked = [q for q in asked if q.get("answerable", True) and q.get("gold_doc_ids")]
    started = time.perf_counter()
    embed = HuggingFaceEmbedding(model_name=model_dir, device="cpu")
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    index = VectorStoreIndex.from_documents(docs, embed_model=embed)
    build_s = time.perf_counter() - started
    retriever = index.as_retriever(similarity_top_k=20)
    hits_nodes, hits_docs, seconds = [], [], []
    for q in asked:
        started = time.perf_counter()
        nodes = retriever.retrieve(q["question"])
        seconds.append(time.perf_counter() - started)
        ids = [n.node.ref_doc_id for n in nodes]
        distinct = list(dict.fromkeys(ids))
        gold = set(q["gold_doc_ids"])
        hits_nodes.append(bool(gold & set(ids[:5])))  # its own top-5 nodes
        hits_docs.append(bool(gold & set(distinct[:5])))  # first 5 distinct documents, as Citebot counts
    ms = np.array(seconds) * 1000
    print(json.dumps({"documents": len(docs), "nodes": len(index.docstore.docs), "model_load_s": round(load_s, 2),
                      "build_s": round(build_s, 1), "questions": len(asked),
                      "recall_at_5_nodes": round(float(np.mean(hits_nodes)), 4),
                      "recall_at_5_documents": round(float(np.mean(hits_docs)), 4),
                      "retrieve_p50_ms": round(float(np.percentile(ms, 50)), 2),
                      "retrieve_p95_ms": round(float(np.percentile(ms, 95)), 2)}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
