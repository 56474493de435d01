"""Ranked passages → an answer made of the documents' own sentences, each claim marked `[n]`, or an
honest "not in the documents".

Every sentence of the best passages is re-scored (its cosine to the question, how much of the question's
weighted vocabulary it contains, read with the sentence before it when it opens by pointing back ("It was
…"), its passage's rank score, and whether it holds the kind of thing the question asks for, `answer_type`;
weights fitted by `bench/fit.py`); the best one or two become the answer and each cites the passage it
comes from; one that points back is shown after the sentence it points at, and an FAQ's question line before
its answer, which it cites. A sentence that points at one of the document's own references (`…countries[2].`)
or names its authors also cites that reference entry. A sentence that gives a word the question qualifies by
a number another number ("8 inch" for "a 10 inch sponge", `specifics`) is no answer. Whether to answer at
all is decided by `abstention`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from bot.answer.absent import absent_names
from bot.answer.answer_type import expected_kind, holds_kind, holds_required, required_kind
from bot.answer.arrange import arrange
from bot.answer.retrieval import Ranking
from bot.answer.specifics import asks_year, contradiction, gives, other_year, qualified_numbers
from bot.answer.tuning import Tuning, load_tuning
from bot.ingest.tables import header_above
from bot.store.base import Store
from bot.store.folding import passage_for_keywords, sentence_for_matching
from bot.store.lexical import QUESTION_STOP, LexicalIndex, tokenize
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
RESCORE_PASSAGES = 5
NARROW_LEAD = 0.5  # share of the best score at which a sentence that could answer a narrow question leads


@dataclass(frozen=True)
class Scored:
    row: int  # sentence row in the store
    hit: Hit
    score: float
    dense: float
    coverage: float  # read with the sentence before it when it opens by pointing back (`_POINTS_BACK`)
    passage: float  # its passage's fused score / the best passage's
    kind: bool  # holds what the question asks for (`answer_type`)


# A verb that only says someone meant or managed to do what follows ("What was Rubio trying to negotiate?",
# "What did they hope to achieve?") names no topic: the verb after "to" does. Left out of the question's terms
# for coverage, so a sentence holding "try" but not "negotiate" does not outscore one holding "negotiate".
_CATENATIVE = re.compile(
    r"\b(?:try|tries|tried|trying|attempt(?:s|ed|ing)?|seek(?:s|ing)?|sought|want(?:s|ed|ing)?|wish(?:es|ed|ing)?|"
    r"hop(?:e|es|ed|ing)|plan(?:s|ned|ning)?|intend(?:s|ed|ing)?|aim(?:s|ed|ing)?|manag(?:e|es|ed|ing)|going|"
    r"able|need(?:s|ed|ing)?)\s+(?=to\s+\w)", re.IGNORECASE)


# A sentence that opens by pointing back ("It was commissioned by Odo.", "However, these engines …") is about
# what the sentence before it names, so its coverage counts that sentence's words too: otherwise the sentence
# naming the topic outscores the one holding the answer (`bench.ceiling` on SQuAD2 before this rule: 50 of the
# 188 top-sentence misses had the answer in the next sentence of the same passage; 44 of 175 after).
_POINTS_BACK = re.compile(
    r"\W*(?:(?:in|at|of|for|after|before|during|with|from|by|under|however|thus|then|also|but|and|yet)\b,?\s+)?"
    r"(?:it|its|they|their|them|these|this|those|he|she|his|her|such|the latter|the former)\b", re.IGNORECASE)


def question_terms(question: str) -> list[str]:
    """The question's terms that coverage counts: `tokenize`'s, less the words that ask rather than name
    (`lexical.QUESTION_STOP`: "can", "have", "she") and a verb that only introduces another ("trying to
    negotiate" counts "negotiate")."""
    return list(_question_terms(question))


@lru_cache(maxsize=1024)
def _question_terms(question: str) -> tuple[str, ...]:
    # Asked twice per question: by `score_sentences` and for the abstention's passage coverage.
    return tuple(tokenize(_CATENATIVE.sub(" ", question), QUESTION_STOP))


def coverage(lexical: LexicalIndex, query_terms: list[str], text: str) -> float:
    """The IDF-weighted share of the question's terms that `text` contains (0..1)."""
    if not query_terms:
        return 0.0
    present = _terms(text)
    weights = {t: lexical.idf(t) for t in set(query_terms)}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0


@lru_cache(maxsize=32768)
def _terms(text: str) -> frozenset[str]:
    # The same sentences come back question after question (the best passages of a library are few);
    # tokenizing them was most of the re-scoring time.
    return frozenset(tokenize(text))


@dataclass(frozen=True)
class Rescored:
    """`rescore`'s result: the sentences, best first, and when there are none because the documents cannot
    say, why, in words for the user (`Answer.note`): "No document mentions “Westgate”."."""

    sentences: list[Scored]
    why: str = ""


def score_sentences(store: Store, query: str, ranking: Ranking, tuning: Tuning | None = None) -> list[Scored]:
    """`rescore`'s sentences."""
    return rescore(store, query, ranking, tuning).sentences


def rescore(store: Store, query: str, ranking: Ranking, tuning: Tuning | None = None) -> Rescored:
    """Every sentence of the top passages, best first; none when the question asks for an email address, a
    phone number, a price or a weight that not one of them could hold (`answer_type.required_kind`), names
    something no document holds (`absent.absent_names`), qualifies a word by a number that the best
    sentence gives otherwise and none gives as asked (`specifics`: "10 inch" against "8 inch"), or gives a
    year no passage gives while the best sentence gives another (`specifics.other_year`): the documents do
    not say it, so the bot abstains. Sentences that give such a word another number are left out. For a
    narrow question, the sentences that could hold what it asks for come first (within `NARROW_LEAD`)."""
    tuning = tuning or load_tuning()
    hits = ranking.hits[:RESCORE_PASSAGES]
    if not hits:
        return Rescored([])
    if unknown := absent_names(store, query):
        return Rescored([], f"No document mentions {' or '.join(f'“{w}”' for w in unknown)}.")
    terms = question_terms(query)
    kind = expected_kind(query)
    required = required_kind(query)
    numbers = qualified_numbers(query)
    contradicted: dict[int, tuple[str, tuple[str, ...]]] = {}  # rows giving a word the question qualifies
    # another number: ("10 inch", ("8 inch",))
    given = -1.0  # the best coverage of a sentence giving the question's number beside the word it qualifies
    top = hits[0].score
    scored = []
    could_answer = required is None
    holders: set[int] = set()  # rows that could hold what a narrow question asks for
    for hit in hits:
        doc_text = store.documents[hit.chunk.doc_id].text
        previous = ""  # the sentence before, in the same passage
        for row in store.sentence_rows(hit.chunk_id):
            _, start, end = store.sentences[row]
            text = sentence_for_matching(doc_text, hit.chunk, start, end)
            dense = float(np.dot(store.vectors[row], ranking.query_vector))
            read_with = f"{previous} {text}" if previous and _POINTS_BACK.match(doc_text, start, end) else text
            cov = coverage(store.lexical, terms, read_with)
            previous = doc_text[start:end]
            passage = hit.score / top if top > 0 else 0.0
            holds = holds_kind(kind, doc_text[start:end], query)  # the sentence's own words, not its heading's
            score = dense + tuning.w_coverage * cov + tuning.w_passage * passage + tuning.w_type * holds
            scored.append(Scored(row, hit, score, dense, cov, passage, holds))
            if holds_required(required, text):
                could_answer = True
                holders.add(row)
            if numbers:  # read as matching reads it: under its heading; a table row with its column names
                if words := contradiction(numbers, text):  # ("6 inch: £22; 8 inch: £30"), `;` between cells
                    contradicted[row] = words
                if gives(numbers, text):
                    given = max(given, cov)
    scored.sort(key=lambda s: -s.score)
    if not could_answer:
        return Rescored([])
    if scored[0].row in contradicted and given < scored[0].coverage:
        # the best match gives the detail asked for of something else ("8 inch" for "10 inch"), and no
        # sentence that gives it as asked names as much of the question (the 10 inch lemon drizzle)
        asked, others = contradicted[scored[0].row]
        return Rescored([], f"No passage found gives “{asked}”; the closest gives {_listed(others)}.")
    scored = [s for s in scored if s.row not in contradicted]
    if not scored:  # a question of two numbers: the sentence giving one may contradict the other
        return Rescored([])
    if asks_year(query):  # the passages' text is read only then
        passages = [passage_for_keywords(store.documents[hit.chunk.doc_id].title, hit.chunk) for hit in hits]
        if years := other_year(query, passages, _matching(store, scored[0])):
            return Rescored([], f"No passage found gives “{years[0]}”; the closest gives “{years[1]}”.")
    if required is not None:
        # "phone number for lost property": a sentence that could hold a phone number ("Tel. 01632 960877")
        # leads before the one that only names the topic ("LOST PROPERTY"), when it scores at least
        # `NARROW_LEAD` of the best; the sort is stable, so each group keeps its order.
        floor = NARROW_LEAD * scored[0].score
        scored.sort(key=lambda s: not (s.row in holders and s.score >= floor))
    return Rescored(scored)


def by_best_sentence(ranking: Ranking, scored: list[Scored]) -> Ranking:
    """The re-scored passages re-ordered by their best sentence, as `scored` ranks it (the rest keep their
    rank): the passage the answer cites first is the first one retrieved, and sentence-level evidence (terms,
    answer kind, a narrow question's lead) corrects the fused passage order."""
    first: dict[int, int] = {}  # passage → where its best sentence stands in `scored`
    for i, s in enumerate(scored):
        first.setdefault(s.hit.chunk_id, i)
    head = sorted(ranking.hits[:RESCORE_PASSAGES], key=lambda h: first.get(h.chunk_id, len(scored)))
    hits = tuple(replace(h, rank=r + 1) for r, h in enumerate([*head, *ranking.hits[RESCORE_PASSAGES:]]))
    return Ranking(hits=hits, query_vector=ranking.query_vector)


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
    clinic.", `_POINTS_BACK`): the one it is read with."""
    before = _beside(scored, item, -1)
    _, start, end = (int(x) for x in store.sentences[item.row])
    if before is None or not _POINTS_BACK.match(store.documents[item.hit.chunk.doc_id].text, start, end):
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


def _listed(words: tuple[str, ...]) -> str:
    """“a”, “b” and “c”."""
    quoted = [f"“{w}”" for w in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _matching(store: Store, item: Scored) -> str:
    _, start, end = (int(x) for x in store.sentences[item.row])
    return sentence_for_matching(store.documents[item.hit.chunk.doc_id].text, item.hit.chunk, start, end)


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
