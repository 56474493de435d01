"""The embedding backend rule: torch, onnx or auto; auto falls back to torch and says why, once; an index
records its backend and is rebuilt, with a reason, when the backend changes. No model is loaded here."""

import json
import logging

import numpy as np
import pytest

from bot.config import BUNDLED_MODEL, Settings, load_settings
from bot.embed import choose as embedding
from bot.embed import onnx_export
from bot.embed.choose import make_embedder
from bot.embed.fake import FakeEmbedder
from bot.embed.onnx_runtime import OnnxEmbedder
from bot.embed.sbert import SentenceEmbedder
from bot.errors import BotError
from bot.store.indexer import build, stale_reason
from bot.types import Document


@pytest.fixture(autouse=True)
def fresh_reports(monkeypatch):
    monkeypatch.setattr(embedding, "_reported", set())


def _without(monkeypatch, *modules):
    real = embedding.importlib.util.find_spec
    monkeypatch.setattr(embedding.importlib.util, "find_spec", lambda name, *a: None if name in modules
                        else real(name, *a))


def test_settings_take_backend_from_env():
    assert Settings().backend == "auto"
    assert load_settings(env={"BOT_BACKEND": "torch"}).backend == "torch"
    with pytest.raises(ValueError, match="backend must be auto, torch or onnx, got 'gpu'"):
        Settings(backend="gpu")
    with pytest.raises(ValueError, match="backend must be one of"):
        make_embedder(BUNDLED_MODEL, "gpu")


def test_fake_model_ignores_backend(tmp_path):
    assert isinstance(make_embedder("fake", "onnx", tmp_path), FakeEmbedder)


def test_torch_backend_is_sentence_transformers(tmp_path):
    e = make_embedder(BUNDLED_MODEL, "torch", tmp_path)
    assert isinstance(e, SentenceEmbedder) and e.name == embedding.BUNDLED_NAME


def test_existing_export_is_used_without_exporting(tmp_path, monkeypatch):
    folder = onnx_export.export_folder(embedding._model_dir(BUNDLED_MODEL), tmp_path)
    folder.mkdir(parents=True)
    (folder / onnx_export.MODEL_FILE).write_bytes(b"")  # sessions open lazily, so a placeholder will do
    monkeypatch.setattr(onnx_export, "export_int8", lambda *a: pytest.fail("must not export again"))
    for backend in ("auto", "onnx"):
        e = make_embedder(BUNDLED_MODEL, backend, tmp_path)
        assert isinstance(e, OnnxEmbedder)
        assert e.name == f"sentence-transformers/all-MiniLM-L6-v2+onnx-int8-v{onnx_export.EXPORT_VERSION}"
        assert e.dim == 384


def test_auto_falls_back_to_torch_and_says_why_once(tmp_path, monkeypatch, caplog):
    _without(monkeypatch, "onnxruntime")
    with caplog.at_level(logging.WARNING, logger="bot.embed.choose"):
        first = make_embedder(BUNDLED_MODEL, "auto", tmp_path)
        second = make_embedder(BUNDLED_MODEL, "auto", tmp_path)
    assert isinstance(first, SentenceEmbedder) and isinstance(second, SentenceEmbedder)
    assert [r.getMessage() for r in caplog.records] == [
        "Using the torch backend: onnxruntime is not installed (pip install -r requirements.txt)."]


def test_export_needs_torch_but_answering_does_not(tmp_path, monkeypatch):
    _without(monkeypatch, "torch")
    with pytest.raises(BotError, match="exporting the model to ONNX needs the onnx, torch and transformers"):
        make_embedder(BUNDLED_MODEL, "onnx", tmp_path)
    folder = onnx_export.export_folder(embedding._model_dir(BUNDLED_MODEL), tmp_path)
    folder.mkdir(parents=True)
    (folder / onnx_export.MODEL_FILE).write_bytes(b"")
    assert isinstance(make_embedder(BUNDLED_MODEL, "onnx", tmp_path), OnnxEmbedder)


def test_onnx_backend_refuses_instead_of_falling_back(tmp_path, monkeypatch):
    _without(monkeypatch, "onnxruntime")
    with pytest.raises(BotError, match=r"ONNX backend cannot be used: onnxruntime is not installed.*"
                                       r"BOT_BACKEND=torch"):
        make_embedder(BUNDLED_MODEL, "onnx", tmp_path)


def test_failed_export_falls_back_under_auto(tmp_path, monkeypatch, caplog):
    def broken(*_a):
        raise RuntimeError("tracing failed")
    monkeypatch.setattr(onnx_export, "export_int8", broken)
    with caplog.at_level(logging.WARNING, logger="bot.embed.choose"):
        assert isinstance(make_embedder(BUNDLED_MODEL, "auto", tmp_path), SentenceEmbedder)
    assert "the ONNX export failed (tracing failed)" in caplog.text
    with pytest.raises(BotError, match=r"the ONNX export failed \(tracing failed\)"):
        make_embedder(BUNDLED_MODEL, "onnx", tmp_path)


def test_unsupported_model_folder(tmp_path):
    model = tmp_path / "cls-model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]))
    (model / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    (model / "config.json").write_text(json.dumps({"model_type": "bert"}))
    assert onnx_export.onnx_support(model) == "the ONNX backend supports mean pooling only"
    assert onnx_export.onnx_support(tmp_path / "nowhere") == "the ONNX backend needs the model as a local folder"
    assert onnx_export.onnx_support(embedding._model_dir(BUNDLED_MODEL)) == ""
    with pytest.raises(BotError, match="supports mean pooling only"):
        make_embedder(str(model), "onnx", tmp_path)


def test_quantization_follows_the_cpu():
    assert onnx_export.quant_recipe({"avx2", "avx512_vnni"}) == "s8-perchannel"
    assert onnx_export.quant_recipe({"avx2", "avx_vnni"}) == "s8-perchannel"
    assert onnx_export.quant_recipe({"avx2"}) == "s8-perchannel-7bit"
    assert onnx_export.quant_recipe(set()) == "s8-perchannel-7bit"


class _Named(FakeEmbedder):
    def __init__(self, name):
        super().__init__()
        self.name = name


def test_switching_backend_rebuilds_with_a_reason():
    docs = [Document(doc_id="a", title="A", text="Alpha beta gamma. Delta epsilon.", source="a")]
    store, _ = build(docs, _Named("m/x"), Settings())
    assert stale_reason(store, docs, _Named("m/x"), Settings()) == ""
    assert stale_reason(store, docs, _Named("m/x+onnx-int8"), Settings()) == \
        "the embedding backend changed from torch to onnx-int8"
    assert stale_reason(store, docs, _Named("m/y"), Settings()) == "the model changed from m/x to m/y"
    assert np.allclose(np.linalg.norm(store.vectors, axis=1), 1.0)
