"""Which MatMuls of the int8 export to keep in fp32: each recipe's cosine to the torch model and its speed.

Exports the bundled model to fp32 ONNX once (in a scratch folder), quantises it three ways — every weight
MatMul int8 (the first recipe), the feed-forward widening MatMuls kept fp32 (the shipped one), the
feed-forward narrowing MatMuls kept fp32 — and embeds the same 2,000 real sentences (SQuAD2 and HotpotQA
paragraphs split at sentence ends) with each and with sentence-transformers fp32, side by side in one run.
Retrieval quality of the shipped recipe is `python -m bot eval` (README, "Quality").

    .venv/bin/python -m bench.export_recipe
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import measure
from bot.config import BUNDLED_MODEL
from bot.embed import onnx_export
from bot.embed.choose import _model_dir
from bot.embed.onnx_runtime import OnnxEmbedder
from bot.embed.sbert import SentenceEmbedder
from bot.evaluate import load_corpus

SENTENCES = 2_000


def sentences() -> list[str]:
    texts = [d.text for path in (measure.SQUAD_CORPUS, measure.HOTPOT_CORPUS) for d in load_corpus(path)]
    found = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s) > 3]
    return random.Random(0).sample(found, SENTENCES)


def main() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    model_dir = _model_dir(BUNDLED_MODEL)
    texts = sentences()
    reference = SentenceEmbedder(BUNDLED_MODEL).encode(texts)
    result: dict[str, object] = {"sentences": len(texts), "recipe": onnx_export.quant_recipe()}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        onnx_export._export_fp32(model_dir, fp32)
        widening = onnx_export.resizing_matmuls(fp32, widening=True)
        narrowing = onnx_export.resizing_matmuls(fp32, widening=False)
        for name, kept in (("all int8", []), ("widening fp32 (shipped)", widening),
                           ("narrowing fp32", narrowing)):
            path = Path(tmp) / f"{len(kept)}-{name[:3]}.onnx"
            onnx_export.quantize(fp32, path, onnx_export.quant_recipe(), kept)
            embedder = OnnxEmbedder(path, model_dir, name)
            embedder.encode(["warm up"])
            started = time.perf_counter()
            vectors = embedder.encode(texts)
            seconds = time.perf_counter() - started
            cosines = np.sum(vectors * reference, axis=1)
            result[name] = {"cosine_mean": round(float(cosines.mean()), 4),
                            "cosine_p1": round(float(np.percentile(cosines, 1)), 4),
                            "cosine_min": round(float(cosines.min()), 4),
                            "sentences_per_s": round(len(texts) / seconds, 1),
                            "file_mb": round(path.stat().st_size / 1e6, 1)}
            print(f"{name:<26} {result[name]}", flush=True)
    measure.write("export_recipe", result)


if __name__ == "__main__":
    main()
