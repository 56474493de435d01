"""Re-scored sentences → an answer made of the documents' own sentences, each claim marked `[n]`, or an
honest "not in the documents".

The best one or two sentences (`rescore` ranks them) become the answer and each cites the passage it comes
from; one that points back is shown after the sentence it points at, and an FAQ's question line before its
answer, which it cites. A sentence that points at one of the document's own references (`…countries[2].`)
or names its authors also cites that reference entry. It does not score sentences (`rescore`) nor decide
whether to answer at all (`abstention`).
"""

from __future__ import annotations

import re

from bot.answer.arrange import arrange
from bot.answer.rescore import POINTS_BACK, Scored
from bot.ingest.tables import header_above
from bot.store.base import Store
from bot.types import Citation, Hit

NOT_FOUND = "I could not find this in the documents."
_FOOTNOTE = re.compile(r"\[(\d{1,4})\]")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")  # a capitalised word, as in an author list
_LEADING_MARKER = re.compile(r"^\[\d{1,4}\]\s+|^[-*•▪‣◦]\s+")
# Characters that only hint at line breaking or joining (soft hyphen, zero-width space, word joiner, BOM), and
# a zero-width (non-)joiner between Latin letters, where it joins nothing: in a document they are invisible,
# but copied out of an answer they split the word ("Wednes\u00adday" is not found by a search for Wednesday).
# Joiners elsewhere (Persian, Indic scripts, emoji) shape the text and stay.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b\u2060-\u2064\ufeff]|"
                        r"(?<=[0-9A-Za-z\u00c0-\u024f])[\u200c\u200d](?=[0-9A-Za-z\u00c0-\u024f])")

_QUESTION = re.compile(r"\?[\"'”’)*]*\s*$")  # a sentence that ends by asking
SECOND_WITHIN = 0.75  # a further sentence joins the answer when it scores within this share of the first
REDUNDANT = 0.8  # ... and is not a restatement (cosine to a chosen sentence above this), e.g. a summary bullet


def compose(store: Store, scored: list[Scored], max_sentences: int) -> tuple[str, tuple[Citation, ...]]:
    """The answer text with `[n]` markers, and the citations they refer to (numbered from 1)."""
    chosen = [scored[0]]
    for candidate in scored[1:]:
        if len(chosen) >= max_sentences or candidate.score < SECOND_WITHIN * scored[0].score:
            break
        if all(float(store.vectors[candidate.row] @ store.vectors[c.row]) <= REDUNDANT for c in chosen):
            chosen.append(candidate)
    citations: list[Citation] = []
    parts: list[str] = []
    for group in _with_context(store, scored, arrange(store, scored, chosen)):
        item = group[0]  # the best-scoring sentence of the group is the one its citation highlights
        n = _cite(store, citations, item.hit, item.row, item.score)
        text = " ".join(_sentence_text(store, s.row) for s in sorted(group, key=lambda s: s.row))
        parts.append(f"{_display(text)} [{n}]")
        for ref in _referenced_entries(store, item.hit, text):
            m = _cite(store, citations, ref, int(store.sentence_rows(ref.chunk_id)[0]), item.score)
            parts.append(f"(Reference {ref.chunk.ordinal}: {_display(ref.chunk.text)} [{m}])")
    return " ".join(parts), tuple(citations)


def antecedent(store: Store, scored: list[Scored], item: Scored) -> Scored | None:
    """The sentence before `item` in its passage when `item` points back to it ("She runs the diabetes
    clinic.", `POINTS_BACK`): the one it is read with."""
    before = _beside(scored, item, -1)
    _, start, end = (int(x) for x in store.sentences[item.row])
    if before is None or not POINTS_BACK.match(store.documents[item.hit.chunk.doc_id].text, start, end):
        return None
    return before


def _beside(scored: list[Scored], item: Scored, step: int) -> Scored | None:
    """The re-scored sentence `step` rows from `item` in the same passage, if there is one."""
    return next((s for s in scored if s.row == item.row + step and s.hit.chunk_id == item.hit.chunk_id), None)


def _with_context(store: Store, scored: list[Scored], groups: list[list[Scored]]) -> list[list[Scored]]:
    """Each group whose first sentence points back with its `antecedent`, which names what it points at, and
    each that ends with a question ("Q: Is there parking?") with the sentence after it, which answers it (and
    becomes the highlight); shown under the same marker."""
    shown = {s.row for group in groups for s in group}
    out = []
    for group in groups:
        before = antecedent(store, scored, min(group, key=lambda s: s.row))
        if before is not None and before.row not in shown:
            group = [*group, before]
            shown.add(before.row)
        last = max(group, key=lambda s: s.row)
        after = _beside(scored, last, 1)
        if after is not None and after.row not in shown and _asks(store, last) and not _asks(store, after):
            group = [after, *group]
            shown.add(after.row)
        out.append(group)
    return out


def _asks(store: Store, item: Scored) -> bool:
    """Whether a sentence is a question (an FAQ's "Q: Is there parking?"), which is no answer of its own."""
    return _QUESTION.search(_sentence_text(store, item.row)) is not None


def _cite(store: Store, citations: list[Citation], hit: Hit, row: int, score: float) -> int:
    for c in citations:
        if c.chunk == hit.chunk:
            return c.n
    _, start, end = (int(x) for x in store.sentences[row])
    doc = store.documents[hit.chunk.doc_id]
    citations.append(Citation(n=len(citations) + 1, doc_id=doc.doc_id, title=doc.title, source=doc.source,
                              chunk=hit.chunk, sentence_start=start, sentence_end=end,
                              sentence=doc.text[start:end], score=round(score, 4), boxes=doc.boxes_in(start, end),
                              page=doc.page_at(start),
                              also_in=hit.also_in,
                              header=header_above(doc.text, hit.chunk.start) if hit.chunk.kind == "row" else ""))
    return len(citations)


def _sentence_text(store: Store, row: int) -> str:
    chunk_id, start, end = (int(x) for x in store.sentences[row])
    return store.documents[store.chunks[chunk_id].doc_id].text[start:end]


def _display(text: str) -> str:
    """The sentence as shown in an answer: the document's own `[2]` markers and list bullets removed, so
    the only bracketed numbers in an answer are its citations, and the invisible characters inside words
    (`_INVISIBLE`). The citation keeps the document's text as it is, at its offsets."""
    shown = _FOOTNOTE.sub("", _LEADING_MARKER.sub("", _INVISIBLE.sub("", text).strip()))
    return shown.replace(" .", ".").strip()


def _referenced_entries(store: Store, hit: Hit, sentence: str) -> list[Hit]:
    """Reference entries of the same document that `sentence` cites: by number (`…countries[2].`), or by
    naming at least two of the entry's authors ("CNN's Kit Maher, Sophia Saifi … contributed")."""
    entries = store.references.get(hit.chunk.doc_id, {})
    if hit.chunk.kind == "reference" or not entries:
        return []
    wanted = [int(k) for k in _FOOTNOTE.findall(sentence)]
    words = set(_NAME.findall(sentence))
    for k, chunk_id in entries.items():
        authors = re.split(r"[\"“]", store.chunks[chunk_id].text, maxsplit=1)[0]
        if len(words & set(_NAME.findall(authors))) >= 2:
            wanted.append(k)
    return [Hit(entries[k], store.chunks[entries[k]], hit.score, 0.0, 0.0, 0)
            for k in dict.fromkeys(wanted) if k in entries]
