"""What the rest of the bot needs from an index: the `Store` protocol.

Retrieval, answer composition, the citation view and uploads read an index only through these members, so a
second backend (a server-side vector engine beside the local FAISS one) is a new module in this package, not
edits across the tree. Saving, loading and deciding what to (re)build stay with each backend and `indexer`.
The protocol says what is held and searched; it does not say how or where.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from bot.store.folding import same_text
from bot.store.links import title_index as make_title_index
from bot.types import Chunk, Document


class Lexical(Protocol):
    """BM25 over passages: `LexicalIndex` (bm25s, local) or the Milvus store's sparse-vector search."""

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Passage ids (int64) and BM25 scores (float32) of the best `k` passages sharing a term with `query`."""
        ...

    def idf(self, token: str) -> float: ...


class Store(Protocol):
    """A loaded index of sentence vectors over passages, with BM25 over the passages.

    `sentences[i] = (chunk_id, start, end)` (int64, shape (n, 3), character offsets into the chunk's
    document, stored in chunk order); `vectors[i]` is that sentence's embedding ((n, dim) float32, unit
    length). `chunk_rows[c]` is chunk `c`'s first sentence row (length len(chunks) + 1).
    """

    manifest: dict[str, Any]
    documents: dict[str, Document]
    chunks: list[Chunk]
    sentences: np.ndarray
    vectors: np.ndarray
    lexical: Lexical
    baseline: tuple[float, ...] | None  # abstention signals of unrelated questions, once known
    chunk_rows: np.ndarray
    doc_chunks: dict[str, list[int]]  # doc_id → its chunk ids, in order
    title_index: dict[str, str]  # normalised title → doc_id (see `links`)
    references: dict[str, dict[int, int]]  # doc_id → {k: chunk id of its reference entry "[k] …"}
    copies: dict[int, tuple[int, ...]]  # chunk id → every chunk with the same text (itself included), if any

    @property
    def size(self) -> int:
        """Number of sentence vectors."""
        ...

    def sentence_rows(self, chunk_id: int) -> range:
        """Rows of `sentences`/`vectors` that belong to passage `chunk_id`."""
        ...

    def search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows (int64) and cosine scores (float32) of the `k` nearest sentences, best first; fewer when
        the index holds fewer. `query_vector` is (dim,) float32, unit length."""
        ...


PassageMaps = tuple[np.ndarray, dict[str, list[int]], dict[str, str], dict[str, dict[int, int]]]


def passage_maps(documents: Mapping[str, Document], chunks: Sequence[Chunk], sentences: np.ndarray) -> PassageMaps:
    """`chunk_rows`, `doc_chunks`, `title_index` and `references`, derived the same way for every backend."""
    # chunk_id → first sentence row; sentences are stored in chunk order.
    chunk_rows = np.searchsorted(sentences[:, 0], np.arange(len(chunks) + 1)) if len(
        sentences) else np.zeros(len(chunks) + 1, dtype=np.int64)
    doc_chunks: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        doc_chunks.setdefault(c.doc_id, []).append(i)
    # doc_id → {k: passage of its reference entry "[k] …"}, so a sentence's "[k]" can be followed.
    references: dict[str, dict[int, int]] = {}
    for i, c in enumerate(chunks):
        if c.kind == "reference":
            references.setdefault(c.doc_id, {})[int(c.text[1:c.text.index("]")])] = i
    return chunk_rows, doc_chunks, make_title_index(documents.values()), references


class PassageTable:
    """What every backend derives the same way from its passages and sentence table (a base class, so the
    FAISS and Milvus stores share one copy): the size, a passage's sentence rows, and repeated passages."""

    chunks: list[Chunk]
    sentences: np.ndarray
    chunk_rows: np.ndarray

    @functools.cached_property
    def copies(self) -> dict[int, tuple[int, ...]]:
        """Passages whose text appears more than once, found on first use (a pass over the passage texts)."""
        return same_text(self.chunks)

    @property
    def size(self) -> int:
        return len(self.sentences)

    def sentence_rows(self, chunk_id: int) -> range:
        return range(int(self.chunk_rows[chunk_id]), int(self.chunk_rows[chunk_id + 1]))
