"""Question → ranked passages: dense search over sentence vectors and BM25 over passages, fused by score,
then passages of documents that the best passages mention by title.

A passage's dense score is its best sentence's cosine plus a little of its whole-passage (mean-vector)
cosine, computed exactly for every candidate that either search found; BM25 is scaled by the query's best
BM25 score and added, with weights fitted by `bench/fit.py` (`tuning`). Documents mentioned by title in
the top passages (as a wiki page names another) are brought in next: they are how multi-hop questions find
their second document. A passage whose text an earlier-ranked one has word for word (a copy of a file in
another folder) is left out, and the hit kept says where else the text is (`Hit.also_in`). Choosing
sentences for the answer is `compose`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.answer.tuning import Tuning, load_tuning
from bot.store.base import Store
from bot.store.links import mentioned_documents
from bot.types import Hit

LEXICAL_K = 100
LINK_FROM = 3  # passages whose title mentions are followed
LINKED_MAX = 4


@dataclass(frozen=True)
class Ranking:
    hits: tuple[Hit, ...]
    query_vector: np.ndarray


def rank(store: Store, query: str, query_vector: np.ndarray, limit: int, dense_k: int,
         mode: str = "hybrid", tuning: Tuning | None = None) -> Ranking:
    """The best `limit` passages for `query`; `mode` is "hybrid", "dense" or "bm25" (for comparisons)."""
    tuning = tuning or load_tuning()
    if mode not in ("hybrid", "dense", "bm25"):
        raise ValueError(f"mode must be hybrid, dense or bm25, got {mode!r}")
    candidates: set[int] = set()
    if mode != "bm25":
        rows, _ = store.search(query_vector, dense_k)
        candidates.update(int(c) for c in store.sentences[rows, 0])
    lexical: dict[int, float] = {}
    if mode != "dense":
        ids, scores = store.lexical.search(query, max(limit, LEXICAL_K))
        lexical = dict(zip(ids.tolist(), scores.tolist(), strict=True))
        candidates.update(lexical)
    top_bm25 = max(lexical.values(), default=0.0) or 1.0

    def score(ids: set[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        chunk_ids = np.array(sorted(ids), dtype=np.int64)
        best, mean = _dense_scores(store, chunk_ids, query_vector)
        bm25 = np.array([lexical.get(int(c), 0.0) / top_bm25 for c in chunk_ids])
        dense = best + tuning.w_mean * mean
        fused = {"hybrid": dense + tuning.w_bm25 * bm25, "dense": dense, "bm25": bm25}
        return chunk_ids, best, fused[mode]

    chunk_ids, best, fused = score(candidates)
    order = [int(i) for i in np.lexsort((chunk_ids, -fused))]
    if mode == "hybrid":
        linked = _linked_chunks(store, [int(chunk_ids[i]) for i in order[:LINK_FROM]])
        if linked - candidates:
            chunk_ids, best, fused = score(candidates | linked)
            order = [int(i) for i in np.lexsort((chunk_ids, -fused))]
        order = _promote(store, chunk_ids, order, linked)
    order = _first_copies(store, chunk_ids, order)
    hits = tuple(Hit(chunk_id=int(chunk_ids[i]), chunk=store.chunks[int(chunk_ids[i])], score=float(fused[i]),
                     dense=float(best[i]), lexical=lexical.get(int(chunk_ids[i]), 0.0), rank=r + 1,
                     also_in=_also_in(store, int(chunk_ids[i])))
                 for r, i in enumerate(order[:limit]))
    return Ranking(hits=hits, query_vector=query_vector)


def _first_copies(store: Store, chunk_ids: np.ndarray, order: list[int]) -> list[int]:
    """`order` with every passage whose text an earlier one has word for word left out: five copies of a
    file count once (the citation names the other places, see `_also_in`)."""
    copies = store.copies
    if not copies:
        return order
    seen: set[int] = set()
    kept = []
    for i in order:
        chunk_id = int(chunk_ids[i])
        if chunk_id in seen:
            continue
        seen.update(copies.get(chunk_id, ()))
        kept.append(i)
    return kept


def _also_in(store: Store, chunk_id: int) -> tuple[str, ...]:
    """The other documents holding this passage's text (by the names users know them by)."""
    own = store.chunks[chunk_id].doc_id
    names = {store.chunks[c].doc_id for c in store.copies.get(chunk_id, ())} - {own}
    return tuple(sorted(store.documents[d].source or d for d in names))


def _dense_scores(store: Store, chunk_ids: np.ndarray, query_vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per passage: the best sentence cosine, and the cosine of the mean of its sentence vectors."""
    if len(chunk_ids) == 0:
        return np.zeros(0), np.zeros(0)
    starts, stops = store.chunk_rows[chunk_ids], store.chunk_rows[chunk_ids + 1]
    rows = np.concatenate([np.arange(a, b) for a, b in zip(starts, stops, strict=True)])
    vectors = np.asarray(store.vectors[rows], dtype=np.float32)
    offsets = np.concatenate([[0], np.cumsum(stops - starts)[:-1]])
    best = np.maximum.reduceat(vectors @ query_vector, offsets)
    sums = np.add.reduceat(vectors, offsets, axis=0)
    norms = np.linalg.norm(sums, axis=1)
    mean = (sums @ query_vector) / np.where(norms == 0, 1.0, norms)
    return best.astype(np.float64), mean.astype(np.float64)


def _linked_chunks(store: Store, head: list[int]) -> set[int]:
    """Passages of the documents that the `head` passages mention by title (their own documents aside)."""
    head_docs = {store.chunks[c].doc_id for c in head}
    return {c for h in head for doc_id in mentioned_documents(store, store.chunks[h].text)
            if doc_id not in head_docs for c in store.doc_chunks.get(doc_id, ())}


def _promote(store: Store, chunk_ids: np.ndarray, order: list[int], linked: set[int]) -> list[int]:
    """Put the best passage of each linked document right after the first `LINK_FROM` passages."""
    head = order[:LINK_FROM]
    best_of_doc: dict[str, int] = {}
    for i in order[LINK_FROM:]:
        chunk_id = int(chunk_ids[i])
        if chunk_id in linked:  # `order` is best first, so the first passage seen is its document's best
            best_of_doc.setdefault(store.chunks[chunk_id].doc_id, i)
    promoted = list(best_of_doc.values())[:LINKED_MAX]
    chosen = set(promoted)
    return head + promoted + [i for i in order[LINK_FROM:] if i not in chosen]
