"""How an index becomes Milvus rows and comes back: BM25 sparse vectors, passage rows, records in parts.

BM25 is Lucene's (bm25s's k1, b and idf) computed from the terms of `lexical.keyword_terms` (words and word
pairs) and baked into each passage's sparse vector (term id → idf · tf / (tf + k1 · (1 − b + b · length /
average length))), so the server's inner product with a query's term counts is the local store's score.
Records are ASCII JSON cut into parts that fit a VARCHAR, keyed "<kind>:<key>:<part>" ("m:manifest",
"d:<doc_id>", and "t:<term>" → "<id> <df>"). No pymilvus here: `milvus_store` sends and fetches these rows.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

import numpy as np

from bot.store.folding import passage_for_keywords
from bot.store.lexical import keyword_terms
from bot.types import Chunk, Document, WordBox

K1, B = 1.5, 0.75  # bm25s's defaults (Lucene variant), so scores equal the local store's
PART = 60_000  # characters of ASCII JSON per record row (VARCHAR holds 65,535 bytes)


def bm25_idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


class Terms:
    """Every passage's term counts (title + matching text, as `indexer` gives the local store), ids and df."""

    def __init__(self, documents: dict[str, Document], chunks: list[Chunk]) -> None:
        self.counts = [Counter(keyword_terms(passage_for_keywords(documents[c.doc_id].title, c))) for c in chunks]
        self.df = Counter(t for doc in self.counts for t in doc)
        self.ids = {t: i for i, t in enumerate(sorted(self.df))}
        self.avgdl = sum(sum(c.values()) for c in self.counts) / max(len(self.counts), 1)

    def sparse(self, i: int) -> dict[int, float]:
        tokens, n = self.counts[i], len(self.counts)
        length = sum(tokens.values())
        return {self.ids[t]: bm25_idf(n, self.df[t]) * tf / (tf + K1 * (1 - B + B * length / self.avgdl))
                for t, tf in tokens.items()}


def passage_row(i: int, chunk: Chunk, vectors: np.ndarray, terms: Terms | None) -> dict[str, Any]:
    """Passage `i`: offsets and spans as JSON (its text is sliced from the document), mean vector, BM25."""
    info = {k: v for k, v in asdict(chunk).items() if k != "text"}
    mean = np.asarray(vectors, dtype=np.float32).sum(axis=0)
    norm = float(np.linalg.norm(mean))
    row: dict[str, Any] = {"chunk_id": i, "info": json.dumps(info, ensure_ascii=True),
                           "mean": (mean / norm if norm else mean).tolist()}
    if terms is not None:
        row["bm25"] = terms.sparse(i)
    return row


def chunk_of(info: str, documents: dict[str, Document]) -> Chunk:
    c = json.loads(info)
    return Chunk(**{**c, "text": documents[c["doc_id"]].text[c["start"]:c["end"]],
                    "sentences": tuple(tuple(s) for s in c["sentences"])})


def record_rows(manifest: dict[str, Any], documents: Iterable[Document], terms: Terms) -> Iterator[dict[str, Any]]:
    def parts(key: str, text: str) -> Iterator[dict[str, Any]]:
        for n, start in enumerate(range(0, max(len(text), 1), PART)):
            yield {"key": f"{key}:{n}", "value": text[start:start + PART], "unused": [0.0, 0.0]}
    yield from parts("m:manifest", json.dumps(manifest, ensure_ascii=True))
    for doc in documents:  # ASCII JSON: any text (lone surrogates too) fits VARCHAR, one byte a character
        row = asdict(doc)  # word boxes as plain lists, as `faiss_store` writes them
        row["boxes"] = [[b.start, b.end, b.page, b.x0, b.y0, b.x1, b.y1, b.confidence] for b in doc.boxes]
        yield from parts(f"d:{doc.doc_id}", json.dumps(row, ensure_ascii=True))
    for term, ident in terms.ids.items():
        yield {"key": f"t:{term}", "value": f"{ident} {terms.df[term]}", "unused": [0.0, 0.0]}


def joined(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Records "<kind>:<key>:<part>" → their parts joined in order, keyed "<kind>:<key>"."""
    parts: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        key, _, n = row["key"].rpartition(":")
        parts.setdefault(key, []).append((int(n), row["value"]))
    return {key: "".join(v for _, v in sorted(p)) for key, p in parts.items()}


def document_of(text: str) -> Document:
    """A `Document` from its JSON record (tuples and word boxes restored, as `faiss_store.load` does)."""
    d = json.loads(text)
    return Document(**{**d, "pages": tuple(d["pages"]), "notes": tuple(d.get("notes", ())),
                       "marks": tuple((int(s), str(m)) for s, m in d.get("marks", ())),
                       "boxes": tuple(WordBox(*b) for b in d.get("boxes", ()))})


def term_of(value: str) -> tuple[int, int]:
    ident, df = value.split()
    return int(ident), int(df)
