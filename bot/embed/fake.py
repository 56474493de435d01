"""A stand-in embedder for fast tests: hashed words, no model.

`FakeEmbedder` hashes words into a small vector so that texts sharing words are similar: deterministic,
instant, and good enough for ranking assertions in unit tests. Never used for real answers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from bot.embed.base import Progress

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
