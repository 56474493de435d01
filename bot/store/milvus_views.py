"""A Milvus store as the rest of the bot sees it, and what it fetches per question.

`MilvusStore` implements the `Store` protocol: the passage table and documents in memory (for offsets and
citations), dense search on the server once `milvus_store` attaches it. `RemoteVectors` stands in for
`Store.vectors` (an int, a slice or an array of rows, as numpy would) and `RemoteLexical` for `Store.lexical`
(`search`, `idf`): both fetch only what ranking and answer composition touch, through callables that
`milvus_store` gives them, and keep it in a bounded LRU cache shared by a web server's threads. Nothing here
knows pymilvus or how rows are laid out.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from bot.errors import BotError
from bot.store.base import Lexical, PassageTable, passage_maps
from bot.store.lexical import keyword_terms
from bot.store.milvus_rows import bm25_idf
from bot.types import Chunk, Document

CACHE_ROWS = 50_000  # sentence vectors kept (about 75 MB at 384 dimensions)
CACHE_TERMS = 100_000
FetchRows = Callable[[list[int]], Iterable[tuple[int, Any]]]  # rows → (row, vector) pairs
FetchTerms = Callable[[list[str]], dict[str, tuple[int, int]]]  # terms → (term id, document frequency)
SparseSearch = Callable[[dict[int, float], int], list[tuple[int, float]]]  # weights, k → (passage, score)
DenseSearch = Callable[[np.ndarray, int], list[tuple[int, float]]]  # vector, k → (sentence row, cosine)


class MilvusStore(PassageTable):
    """An index in Milvus; built in memory by `indexer` (via `milvus_store.make`), then saved, or loaded."""

    def __init__(self, manifest: dict[str, Any], documents: dict[str, Document], chunks: list[Chunk],
                 sentences: np.ndarray, vectors: Any, lexical: Lexical) -> None:
        self.manifest, self.documents, self.chunks, self.sentences = manifest, documents, chunks, sentences
        self.vectors, self.lexical = vectors, lexical
        self.baseline: tuple[float, ...] | None = None
        self.chunk_rows, self.doc_chunks, self.title_index, self.references = passage_maps(
            documents, chunks, sentences)
        self.dense_search: DenseSearch | None = None  # set when saved or loaded
        self.client: Any = None  # the connection it was saved or loaded on (`milvus_store.live_version` asks it)

    def search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine scores of the `k` nearest sentences, best first (ties by row, as FAISS)."""
        k = min(k, self.size)
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self.dense_search is None:  # built but not saved yet: exact search in memory
            scores = np.asarray(self.vectors, dtype=np.float32) @ query_vector
            rows = np.lexsort((np.arange(len(scores)), -scores))[:k]
            return rows.astype(np.int64), scores[rows].astype(np.float32)
        pairs = sorted((-score, row) for row, score in self.dense_search(query_vector, k))
        return (np.array([r for _, r in pairs], dtype=np.int64),
                np.array([-s for s, _ in pairs], dtype=np.float32))


class RemoteVectors:
    """`store.vectors`: rows fetched by id on first use, then kept (LRU)."""

    def __init__(self, fetch: FetchRows, n: int, dim: int) -> None:
        self._fetch, self.shape, self.dtype = fetch, (n, dim), np.dtype(np.float32)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            return self._rows([int(key)])[0]
        if isinstance(key, slice):
            return self._rows(list(range(*key.indices(self.shape[0]))))
        return self._rows([int(r) for r in np.asarray(key).reshape(-1)])

    def _rows(self, rows: list[int]) -> np.ndarray:
        with self._lock:
            found = {r: self._cache[r] for r in rows if r in self._cache}
        missing = sorted(set(rows) - found.keys())
        if missing:
            found.update((int(r), np.asarray(v, dtype=np.float32)) for r, v in self._fetch(missing))
            with self._lock:
                for r in missing:
                    self._cache[r] = found[r]
                while len(self._cache) > CACHE_ROWS:
                    self._cache.popitem(last=False)
        out = np.zeros((len(rows), self.shape[1]), dtype=np.float32)
        for i, r in enumerate(rows):
            out[i] = found[r]
        return out


class RemoteLexical:
    """`store.lexical`: BM25 as the inner product of sparse vectors; `sparse_search` None when the server
    has none (its message then says why)."""

    def __init__(self, fetch_terms: FetchTerms, sparse_search: SparseSearch | None, n_docs: int,
                 no_sparse: str = "") -> None:
        self._fetch, self._search, self._n, self._no_sparse = fetch_terms, sparse_search, n_docs, no_sparse
        self._terms: OrderedDict[str, tuple[int, int] | None] = OrderedDict()
        self._lock = threading.Lock()

    def _lookup(self, terms: Iterable[str]) -> dict[str, tuple[int, int] | None]:
        """term → (id, document frequency), None for a term no passage holds; fetched once, then kept."""
        wanted = set(terms)
        with self._lock:
            known = {t: self._terms[t] for t in wanted if t in self._terms}
        missing = sorted(wanted - known.keys())
        if missing:
            got = self._fetch(missing)
            with self._lock:
                for t in missing:
                    known[t] = self._terms[t] = got.get(t)
                while len(self._terms) > CACHE_TERMS:
                    self._terms.popitem(last=False)
        return known

    def idf(self, token: str) -> float:
        entry = self._lookup([token])[token]
        return bm25_idf(self._n, entry[1] if entry else 0)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Passage ids and BM25 scores, best first (ties by passage id, as bm25s)."""
        counts = Counter(keyword_terms(query))
        known = self._lookup(counts)
        weights = {entry[0]: float(n) for t, n in counts.items() if (entry := known[t]) is not None}
        if not weights or self._n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self._search is None:
            raise BotError(self._no_sparse)
        pairs = sorted((-score, chunk_id) for chunk_id, score in self._search(weights, min(k, self._n)) if score > 0)
        return (np.array([c for _, c in pairs], dtype=np.int64),
                np.array([-s for s, _ in pairs], dtype=np.float32))
