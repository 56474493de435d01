"""The int8 ONNX embedder against the torch one it replaces: same vectors (cosine ≥ 0.98), same order,
unit length; and a process that answers with an existing export never imports torch. The export (~15 s)
is made once per test session in a temporary folder."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.config import BUNDLED_MODEL
from bot.embed import onnx_export
from bot.embed.choose import make_embedder
from bot.embed.onnx_runtime import OnnxEmbedder
from bot.embed.sbert import SentenceEmbedder

pytestmark = pytest.mark.slow  # loads the real bundled model

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    "The Normans were the people who in the 10th and 11th centuries gave their name to Normandy.",
    "What is the capital city of France?",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "Who wrote the play Hamlet?",
    "The stock market fell sharply on Monday after the central bank raised interest rates by half a point, "
    "its largest increase in two decades, citing persistent inflation.",
]


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory):
    cache = tmp_path_factory.mktemp("onnx")
    handlers = list(logging.getLogger().handlers)
    embedder = make_embedder(BUNDLED_MODEL, "onnx", cache)
    assert isinstance(embedder, OnnxEmbedder)
    assert logging.getLogger().handlers == handlers  # quantising must not leave a root log handler behind
    return cache


@pytest.fixture(scope="session")
def onnx_embedder(onnx_cache):
    return make_embedder(BUNDLED_MODEL, "onnx", onnx_cache)


def test_export_is_cached_with_its_recipe(onnx_cache):
    (folder,) = [p for p in onnx_cache.iterdir() if not p.name.startswith(".")]
    meta = json.loads((folder / onnx_export.META_FILE).read_text())
    assert (folder / onnx_export.MODEL_FILE).stat().st_size < 35e6  # mostly int8: 33.5 MB of the 90 MB weights
    assert meta["recipe"] == onnx_export.quant_recipe() and meta["self_check_min_cosine"] >= 0.97
    assert folder.name.startswith(meta["model_hash"])
    # The six feed-forward widening MatMuls (384 → 1536) stay fp32, the other 24 weight MatMuls are int8.
    assert meta["fp32_matmuls"] == [f"/model/encoder/layer.{i}/intermediate/dense/MatMul" for i in range(6)]


def test_onnx_matches_torch(onnx_embedder):
    onnx = onnx_embedder.encode(SENTENCES)
    torch = SentenceEmbedder(BUNDLED_MODEL).encode(SENTENCES)
    assert onnx.dtype == np.float32 and onnx.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(onnx * torch, axis=1)
    assert cosines.min() >= 0.98, cosines
    # Order is kept although batches are sorted by length: each text is nearest its own torch vector.
    assert list(np.argmax(onnx @ torch.T, axis=1)) == list(range(len(SENTENCES)))


def test_batches_and_progress(onnx_embedder):
    seen = []
    alone = np.stack([onnx_embedder.encode([s])[0] for s in SENTENCES])
    onnx_embedder.batch_size = 2
    try:
        together = onnx_embedder.encode(SENTENCES, progress=lambda done, total: seen.append((done, total)))
    finally:
        onnx_embedder.batch_size = 32
    assert np.sum(alone * together, axis=1).min() > 0.98  # padding inside a batch barely moves a vector
    assert seen[-1] == (5, 5)
    assert onnx_embedder.encode([]).shape == (0, 384)


def test_answering_with_an_export_does_not_import_torch(onnx_cache):
    code = ("import sys; from pathlib import Path; from bot.embed.choose import make_embedder; "
            f"e = make_embedder('bundled', 'auto', Path({str(onnx_cache)!r})); e.encode(['hello']); "
            "print(type(e).__name__, sorted(m for m in ('torch', 'sentence_transformers', 'transformers') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "OnnxEmbedder []", out.stderr


def test_widening_and_narrowing_matmuls_are_found_by_weight_shape(tmp_path):
    from onnx import TensorProto, helper, numpy_helper, save

    weights = {"up": np.ones((4, 16), np.float32), "down": np.ones((16, 4), np.float32),
               "square": np.ones((4, 4), np.float32)}
    nodes = [helper.make_node("MatMul", ["x", "square"], ["a"], name="attention"),
             helper.make_node("MatMul", ["a", "up"], ["b"], name="ffn_in"),
             helper.make_node("MatMul", ["b", "down"], ["c"], name="ffn_out"),
             helper.make_node("MatMul", ["c", "c_t"], ["y"], name="two_activations")]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in ("x", "c_t")],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(w, name) for name, w in weights.items()])
    save(helper.make_model(graph), str(tmp_path / "m.onnx"))
    assert onnx_export.resizing_matmuls(tmp_path / "m.onnx", widening=True) == ["ffn_in"]
    assert onnx_export.resizing_matmuls(tmp_path / "m.onnx", widening=False) == ["ffn_out"]
