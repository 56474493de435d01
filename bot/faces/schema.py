"""`Answer` → plain JSON-able dicts: the contract of `python -m bot ask --json` and of the `/chat` API.

One citation's `text` is exactly `document.text[start:end]` (the cited passage); `sentence` is the span
inside it that supports the claim; `header` is the header line of the table a cited row belongs to ("" for
other passages); `also_in` names other documents holding the same passage. For PDFs and images, `page` is the
1-based page and `boxes` the sentence's words on it, in PDF points from the page's top-left corner (see
`bot.types.WordBox`); `ocr` is null for text the file holds, else the sentence's mean OCR confidence (0–100),
whether it is low and the note the UI shows. `writer` says who wrote the answer ("extractive" or "llm");
`sentences` are the shown ones and `dropped` the language model's sentences that are not shown, each with
`supported` and, for a written one, the signals it was judged on; `note` says why the answer is not the one
asked for. `dumps` is the one way JSON leaves the bot: strict JSON, so a metric with nothing to measure is
`null`, never `NaN` (which jq and browsers reject). Nothing here formats for humans.
"""

from __future__ import annotations

import json
import math
from typing import Any

from bot.types import LOW_OCR_CONFIDENCE, Answer, Citation, Hit, Sentence


def citation_dict(c: Citation) -> dict[str, Any]:
    return {"n": c.n, "doc_id": c.doc_id, "title": c.title, "text": c.chunk.text, "start": c.chunk.start,
            "end": c.chunk.end, "score": c.score, "location": c.location, "page": c.page,
            "sentence": {"start": c.sentence_start, "end": c.sentence_end, "text": c.sentence},
            "boxes": [{"page": b.page, "x0": b.x0, "y0": b.y0, "x1": b.x1, "y1": b.y1} for b in c.boxes],
            "ocr": _ocr(c), "also_in": list(c.also_in), "header": c.header}


def _ocr(c: Citation) -> dict[str, Any] | None:
    """None for text the file itself holds; else the sentence's mean OCR confidence and whether it is low."""
    confidence = c.ocr_confidence
    if confidence is None:
        return None
    return {"confidence": round(confidence, 1), "low": confidence < LOW_OCR_CONFIDENCE, "note": c.ocr_note}


def hit_dict(h: Hit) -> dict[str, Any]:
    return {"doc_id": h.chunk.doc_id, "start": h.chunk.start, "end": h.chunk.end, "score": round(h.score, 6),
            "dense": round(h.dense, 4), "bm25": round(h.lexical, 4), "location": h.chunk.location}


def sentence_dict(s: Sentence) -> dict[str, Any]:
    signals = None if s.support is None else {
        "passage": s.support.passage, "word_share": s.support.word_share, "cosine": s.support.cosine,
        "missing": list(s.support.missing)}
    return {"text": s.text, "citations": list(s.cites), "supported": s.supported, "reason": s.reason,
            "signals": signals}


def answer_dict(a: Answer) -> dict[str, Any]:
    return finite({"question": a.question, "answer": a.text, "abstained": a.abstained, "confidence": a.confidence,
                   "writer": a.writer, "note": a.note, "sentences": [sentence_dict(s) for s in a.sentences],
                   "dropped": [sentence_dict(s) for s in a.dropped],
                   "citations": [citation_dict(c) for c in a.citations],
                   "retrieved": [hit_dict(h) for h in a.retrieved], "query": a.query, "timings_ms": a.timings_ms})


def error_dict(question: object, message: str) -> dict[str, Any]:
    return {"question": question if isinstance(question, str) else None, "error": message}


def finite(value: Any) -> Any:
    """`value` with every NaN or infinite float inside it (dicts, lists, tuples) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def dumps(value: Any, **options: Any) -> str:
    """Strict JSON of `value` (non-finite floats become null); raises ValueError rather than write `NaN`."""
    return json.dumps(finite(value), ensure_ascii=False, allow_nan=False, **options)
