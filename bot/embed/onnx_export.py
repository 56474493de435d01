"""Make the int8 ONNX copy of a local sentence-transformers model, once, from its own weights on disk.

`onnx_support` says whether a model folder can be exported (a BERT encoder followed by mean pooling and
normalisation, the shape of the bundled all-MiniLM-L6-v2) and `export_folder` names the cache folder that
an export of it would live in: `<cache>/<model hash>-<recipe>/`, keyed by the weights' content and by the
quantisation recipe chosen for this CPU. `export_int8` traces the transformer with torch (imported here
and only here, so answering with an existing export never loads torch), quantises its weights with
onnxruntime's dynamic quantisation, checks the result against torch on a few sentences, and moves the
folder into place atomically. The cache is shared by every index of a user (`Settings.onnx_cache`), so
exports are serialised by a lock in it: a second process waits for the first one's export and uses it.
Nothing is downloaded. Running the export is `onnx_runtime`'s job.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bot.embed.onnx_runtime import load_tokenizer, mean_pool, new_session, tokenize
from bot.errors import BotError

MODEL_FILE = "model-int8.onnx"
META_FILE = "export.json"
EXPORT_VERSION = 2  # bump when the export recipe changes, so old exports (and indexes) are not reused
MAX_SEQ_LENGTH = 256  # the bundled model's sentence_bert_config.json
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_HASHED = ("config.json", "tokenizer.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json",
           "model.safetensors", "pytorch_model.bin")
# Real sentences and questions: one- or two-word texts in a batch of longer ones lose more to int8
# (cosine ~0.96, since activations are scaled per batch), which says nothing about the export.
_CHECK_SENTENCES = ("The quick brown fox jumps over the lazy dog.",
                    "Normans were the people who in the 10th and 11th centuries gave their name to Normandy.",
                    "What is the capital of France?", "Who wrote Hamlet?")
_TMP_PREFIX = ".tmp-export-"
_log = logging.getLogger(__name__)
MIN_CHECK_COSINE = 0.97  # measured int8 vs fp32 on this model: mean 0.995, worst of 2,000 sentences 0.98


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def quant_recipe(flags: set[str] | None = None) -> str:
    """int8 weights, one scale per output channel. Without VNNI, x86 int8 kernels add u8×s8 pairs in 16
    bits and can saturate, so weights then use 7 bits (`reduce_range`), as onnxruntime advises."""
    flags = cpu_flags() if flags is None else flags
    return "s8-perchannel" if {"avx512_vnni", "avx_vnni"} & flags else "s8-perchannel-7bit"


def onnx_support(model_dir: Path) -> str:
    """"" when `model_dir` can be exported, else why not (shown to the user)."""
    if not model_dir.is_dir():
        return "the ONNX backend needs the model as a local folder"
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        model_type = json.loads((model_dir / "config.json").read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return "the model folder has no readable sentence-transformers configuration"
    if kinds != ["Transformer", "Pooling", "Normalize"]:
        return f"the ONNX backend supports Transformer → Pooling → Normalize models, not {' → '.join(kinds)}"
    if not pooling.get("pooling_mode_mean_tokens") or sum(bool(v) for k, v in pooling.items()
                                                          if k.startswith("pooling_mode")) != 1:
        return "the ONNX backend supports mean pooling only"
    if model_type != "bert":
        return f"the ONNX backend supports BERT encoders, not {model_type}"
    if not (model_dir / "tokenizer.json").is_file():
        return "the model folder has no tokenizer.json"
    return ""


def model_hash(model_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in _HASHED:
        path = model_dir / name
        if path.is_file():
            with open(path, "rb") as handle:
                digest.update(name.encode() + b"\0" + hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()[:16]


def export_folder(model_dir: Path, cache_dir: Path, recipe: str | None = None) -> Path:
    return cache_dir / f"{model_hash(model_dir)}-{recipe or quant_recipe()}-v{EXPORT_VERSION}"


def export_int8(model_dir: Path, folder: Path, recipe: str | None = None) -> Path:
    """Write `folder/model-int8.onnx` (and `export.json`) unless it is already there; returns the model path."""
    if (folder / MODEL_FILE).is_file():
        return folder / MODEL_FILE
    with export_lock(folder.parent):
        if (folder / MODEL_FILE).is_file():  # another process made it while this one waited
            return folder / MODEL_FILE
        for left in folder.parent.glob(f"{_TMP_PREFIX}*"):  # a killed export's; nobody else writes while locked
            shutil.rmtree(left, ignore_errors=True)
        _log.info("Exporting the embedding model to int8 ONNX (once, into %s; about 15 s)…", folder.parent)
        _export_into(model_dir, folder, recipe or quant_recipe())
    return folder / MODEL_FILE


@contextlib.contextmanager
def export_lock(cache_dir: Path) -> Iterator[None]:
    """Hold the cache's export lock (an advisory `flock`, released when the holder exits or is killed)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".export.lock", "a") as handle:  # closing it releases the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _log.info("Waiting for another process's export of the embedding model to %s…", cache_dir)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _export_into(model_dir: Path, folder: Path, recipe: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=folder.parent))
    try:
        reference = _export_fp32(model_dir, tmp / "model-fp32.onnx")
        kept = resizing_matmuls(tmp / "model-fp32.onnx", widening=True)
        quantize(tmp / "model-fp32.onnx", tmp / MODEL_FILE, recipe, kept)
        (tmp / "model-fp32.onnx").unlink()
        worst = _self_check(tmp / MODEL_FILE, model_dir, reference)
        meta = {"export_version": EXPORT_VERSION, "recipe": recipe, "model_hash": folder.name.split("-")[0],
                "max_seq_length": MAX_SEQ_LENGTH, "fp32_matmuls": kept, "self_check_min_cosine": round(worst, 5)}
        (tmp / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        for path in tmp.iterdir():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        try:
            os.rename(tmp, folder)  # atomic: readers, who take no lock, see the whole folder or none
        except OSError:
            if not (folder / MODEL_FILE).is_file():  # put there meanwhile by a writer that took no lock
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _export_fp32(model_dir: Path, out: Path) -> np.ndarray:
    """Trace the transformer to ONNX; returns torch's mean-pooled embeddings of the check sentences."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from transformers import AutoModel

    # Eager attention traces to plain ONNX ops; the SDPA path branches on Python values while tracing.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    # A padded row in the example, so the trace keeps the attention mask on its real path.
    ids = torch.randint(1000, 2000, (2, 16))
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    feeds = _tokenize(model_dir, list(_CHECK_SENTENCES))
    with warnings.catch_warnings(), torch.no_grad():
        # The reference comes first: after tracing, the eager model's padded rows no longer match
        # sentence-transformers (measured: cosine 0.80 on a short padded sentence), the export's do.
        hidden = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).last_hidden_state.numpy()
        # The TorchScript exporter is deprecated but still the one that handles this model in one step;
        # its tracer warnings are about branches on shapes that do not change the graph here.
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHidden(), (ids, mask, torch.zeros_like(ids)), str(out), dynamo=False,
                          input_names=list(INPUTS), output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=17, do_constant_folding=True)
    return mean_pool(hidden, feeds["attention_mask"])


def resizing_matmuls(fp32: Path, widening: bool) -> list[str]:
    """The MatMuls whose weight changes the hidden size: with `widening`, each layer's feed-forward input
    (384 → 1536 here); without, the feed-forward output that narrows it back.

    The widening ones are kept fp32: measured with `bench/export_recipe.py` and `bot eval`
    (docs/notes/speed.md), that wins back most of what int8 loses for the least speed."""
    import onnx

    model = onnx.load(str(fp32))
    shapes = {init.name: tuple(init.dims) for init in model.graph.initializer}
    return [node.name for node in model.graph.node if node.op_type == "MatMul" and len(node.input) == 2
            and len(shape := shapes.get(node.input[1], ())) == 2 and shape[0] != shape[1]
            and (shape[1] > shape[0]) == widening]


def quantize(fp32: Path, int8: Path, recipe: str, kept: list[str]) -> None:
    """Quantise `fp32` into `int8`, leaving the nodes named in `kept` in fp32."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Quantising logs advice on the root logger (shape pre-processing, which fails on this graph and gains
    # nothing) and, via a module it imports, calls logging.basicConfig; the root logger is put back as it was.
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=recipe.endswith("7bit"), nodes_to_exclude=kept)
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


def _self_check(int8: Path, model_dir: Path, reference: np.ndarray) -> float:
    feeds = _tokenize(model_dir, list(_CHECK_SENTENCES))
    hidden = new_session(int8).run(None, feeds)[0]
    worst = float(np.min(np.sum(mean_pool(hidden, feeds["attention_mask"]) * reference, axis=1)))
    if worst < MIN_CHECK_COSINE:
        raise BotError(f"The int8 ONNX export of the model drifted too far from it (cosine {worst:.3f}); use "
                       "BOT_BACKEND=torch.")
    return worst


def _tokenize(model_dir: Path, texts: list[str]) -> dict[str, np.ndarray]:
    return tokenize(load_tokenizer(model_dir), texts)

