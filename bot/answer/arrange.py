"""The chosen sentences of an answer → the order they are shown in and which of them share one `[n]`.

Two cases where the order of scores is not the order a reader wants: sentences next to each other in one
passage are shown together in the document's order under one marker ("The branch opens at 8 am on
weekdays. On Saturdays it opens at 10 am. [1]"), and when the best sentence is a table row, the rows of
that table which match the question's words just as well are all answers to it ("Which rooms have a
projector?"), so they are listed in the table's order, each citing its own row. Scoring and choosing are
`compose`'s; this module only arranges what it chose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.base import Store

if TYPE_CHECKING:
    from bot.answer.rescore import Scored

ROWS_MAX = 5  # rows listed for one question
ROWS_WITHIN = 0.9  # a row as good as the best one: the same coverage and at least this share of its score


def arrange(store: Store, scored: list[Scored], chosen: list[Scored]) -> list[list[Scored]]:
    """Groups of sentences in answer order; the sentences of one group are adjacent in one passage, in
    document order, and share a citation (the first sentence of `chosen` among them is its highlight)."""
    rows = tied_rows(store, scored)
    if len(rows) > 1:
        return [[row] for row in rows]
    groups: list[list[Scored]] = []
    for item in chosen:
        group = next((g for g in groups if g[0].hit.chunk_id == item.hit.chunk_id
                      and min(abs(item.row - other.row) for other in g) == 1), None)
        if group is None:
            groups.append([item])
        else:
            group.append(item)
    return groups


def tied_rows(store: Store, scored: list[Scored]) -> list[Scored]:
    """When the best sentence is a table row: the rows of its table that match as well, in table order."""
    best = scored[0]
    if best.hit.chunk.kind != "row":
        return [best]
    tied = [s for s in scored if s.hit.chunk.kind == "row" and abs(s.coverage - best.coverage) < 1e-9
            and s.score >= ROWS_WITHIN * best.score and _same_table(store, best.hit.chunk_id, s.hit.chunk_id)]
    return sorted(tied[:ROWS_MAX], key=lambda s: s.hit.chunk_id)


def _same_table(store: Store, a: int, b: int) -> bool:
    """Rows `a` and `b` are in one table: nothing but rows of one document lies between them."""
    lo, hi = min(a, b), max(a, b)
    doc_id = store.chunks[a].doc_id
    return all(store.chunks[i].kind == "row" and store.chunks[i].doc_id == doc_id for i in range(lo, hi + 1))
