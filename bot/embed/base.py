"""What the index needs from an embedding model: the `Embedder` protocol.

Every backend (sentence-transformers on torch, the int8 ONNX export, the test fake) takes a list of texts
and gives one unit-length float32 vector per text, so the store and the answer code never know which is
running. The protocol says nothing of how a model is found or loaded (see `choose`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

Progress = Callable[[int, int], None]  # (done, total)


class Embedder(Protocol):
    """`encode(texts)` → (len(texts), dim) float32, unit length; `name` is recorded in the index manifest."""

    name: str

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


def _batches(texts: Sequence[str], size: int) -> list[Sequence[str]]:
    return [texts[i:i + size] for i in range(0, len(texts), size)]




def batches(texts: Sequence[str], size: int) -> list[Sequence[str]]:
    """`texts` cut into consecutive slices of at most `size`."""
    return [texts[i:i + size] for i in range(0, len(texts), size)]
