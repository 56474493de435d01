"""The extractive answer → the language model's answer from the same evidence, each sentence checked; or the
extractive answer with a note saying why not (the model is down or slow, or nothing it wrote is supported).

The model gets the passages the extractive answer would quote first (`passages_max` of them, by their best
sentence). Writing and checking are `written`'s, reaching the model the `Writer`'s; whether to answer at all
is decided before this is asked (the assistant's abstention comes first).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Protocol

from bot.answer.rescore import Scored
from bot.answer.verify import Encode
from bot.answer.writer import Passage, Writer, passages_from_store
from bot.answer.written import Written, write
from bot.errors import WriterUnavailable
from bot.ingest.tables import header_above
from bot.store.base import Store
from bot.types import Answer, Citation, Draft


class Laps(Protocol):
    """The assistant's stage clock: when the question came (`time.perf_counter` seconds), each stage's ms."""

    start: float
    laps: dict[str, float]

    def lap(self, name: str) -> None: ...


def llm_answer(writer: Writer, store: Store, question: str, scored: Sequence[Scored], passages_max: int,
               encode: Encode, extractive: Answer, clock: Laps) -> Iterator[Draft | Answer]:
    """Yields `Draft`s while the model writes, then returns (the generator's value, for `yield from`) the
    model's checked answer, or `extractive` with a note; times the "write" stage and the first token."""
    hits = list({s.hit.chunk_id: s.hit for s in scored}.values())[:passages_max]
    passages = passages_from_store(store, hits)
    result: Written | None = None
    first_token = None
    try:
        for item in write(writer, question, passages, encode):
            if isinstance(item, Written):
                result = item
                continue
            if first_token is None and item.text:
                first_token = (time.perf_counter() - clock.start) * 1000
            yield item
    except WriterUnavailable as err:
        clock.lap("write")
        return replace(extractive, note=f"{err} This is the extractive answer.", timings_ms=clock.laps)
    clock.lap("write")
    if first_token is not None:
        clock.laps["first_token"] = round(first_token, 2)
    assert result is not None
    if result.fallback:
        return replace(extractive, note=f"{result.fallback} This is the extractive answer.", dropped=result.dropped,
                       timings_ms=clock.laps)
    by_n = {p.n: p for p in passages}
    citations = tuple(_citation(store, by_n[n], result.best_sentence.get(n, 0))
                      for n in sorted({n for s in result.shown for n in s.cites}))
    return replace(extractive, text=" ".join(s.text for s in result.shown), citations=citations, writer="llm",
                   sentences=result.shown, dropped=result.dropped, timings_ms=clock.laps)


def _citation(store: Store, passage: Passage, best: int) -> Citation:
    """Citation `[n]` for a passage the model cited, highlighting its sentence closest to what was said."""
    hit = passage.hit
    assert hit is not None
    doc = store.documents[hit.chunk.doc_id]
    start, end = passage.spans[best] if passage.spans else (hit.chunk.start, hit.chunk.end)
    return Citation(n=passage.n, doc_id=doc.doc_id, title=doc.title, source=doc.source, chunk=hit.chunk,
                    sentence_start=start, sentence_end=end, sentence=doc.text[start:end], score=round(hit.score, 4),
                    boxes=doc.boxes_in(start, end), also_in=hit.also_in,
                    header=header_above(doc.text, hit.chunk.start) if hit.chunk.kind == "row" else "")
