"""`Answer` → plain JSON-able dicts: the contract of `python -m bot ask --json` and of the `/chat` API.

One citation's `text` is exactly `document.text[start:end]` (the cited passage); `sentence` is the span
inside it that supports the claim. Nothing here formats for humans.
"""

from __future__ import annotations

from typing import Any

from bot.types import Answer, Citation, Hit


def citation_dict(c: Citation) -> dict[str, Any]:
    return {"n": c.n, "doc_id": c.doc_id, "title": c.title, "text": c.chunk.text, "start": c.chunk.start,
            "end": c.chunk.end, "score": c.score, "location": c.location, "page": c.page,
            "sentence": {"start": c.sentence_start, "end": c.sentence_end, "text": c.sentence}}


def hit_dict(h: Hit) -> dict[str, Any]:
    return {"doc_id": h.chunk.doc_id, "start": h.chunk.start, "end": h.chunk.end, "score": round(h.score, 6),
            "dense": round(h.dense, 4), "bm25": round(h.lexical, 4), "location": h.chunk.location}


def answer_dict(a: Answer) -> dict[str, Any]:
    return {"question": a.question, "answer": a.text, "abstained": a.abstained, "confidence": a.confidence,
            "citations": [citation_dict(c) for c in a.citations], "retrieved": [hit_dict(h) for h in a.retrieved],
            "query": a.query, "timings_ms": a.timings_ms}


def error_dict(question: object, message: str) -> dict[str, Any]:
    return {"question": question if isinstance(question, str) else None, "error": message}
