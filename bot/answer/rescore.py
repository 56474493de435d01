"""Ranked passages → their sentences re-scored, best first, or none and why: the answer stage's judgement.

Every sentence of the best passages is re-scored: its cosine to the question, how much of the question's
weighted vocabulary it contains (read with the sentence before it when it opens by pointing back: "It was
…"), its passage's rank score, and whether it holds the kind of thing the question asks for (`answer_type`);
weights fitted by `bench/fit.py`. No sentence is left when the documents cannot say: a narrow question's
email, phone number, price or weight none could hold, or the best of them cannot (`answer_type`), a name
no document holds (`absent`), a number or a name the best sentence gives for something else (`specifics`,
`scopes`), or a year or past period no passage gives (`periods`); `Rescored.why` says which, for the user.
The passages are then re-ordered by their best sentence. Turning sentences into the cited answer is
`compose`'s job; whether to answer at all, `abstention`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from bot.answer.absent import absent_names
from bot.answer.answer_type import REQUIRED_NAMES, expected_kind, holds_kind, holds_required, required_kind
from bot.answer.periods import asks_period, missing_period, period_note
from bot.answer.retrieval import Ranking
from bot.answer.scopes import other_scope, scopes
from bot.answer.specifics import contradiction, gives, qualified_numbers
from bot.answer.tuning import Tuning, load_tuning
from bot.store.base import Store
from bot.store.folding import own_words, passage_for_keywords, sentence_for_matching
from bot.store.lexical import QUESTION_STOP, LexicalIndex, tokenize
from bot.types import Hit

RESCORE_PASSAGES = 5
NARROW_LEAD = 0.5  # share of the best score at which a sentence that could answer a narrow question leads


@dataclass(frozen=True)
class Scored:
    row: int  # sentence row in the store
    hit: Hit
    score: float
    dense: float
    coverage: float  # read with the sentence before it when it opens by pointing back (`POINTS_BACK`)
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
POINTS_BACK = re.compile(
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
    """Every sentence of the top passages, best first; none when the documents do not say what is asked, and
    the bot abstains:
      - a narrow question's email address, phone number, price or weight that not one of them could hold
        (`answer_type.required_kind`), or that the sentence leading the answer cannot ("The council discussed
        resurfacing the car park." for "How much will resurfacing the car park cost?");
      - a name no document holds (`absent.absent_names`);
      - a word the question qualifies by a number that the best sentence gives another and none gives as
        asked (`specifics`: "10 inch" against "8 inch");
      - a word the question scopes to a name that the best sentence scopes to another, in a passage that never
        names the question's (`scopes`: "the longest river in Africa" against "… in Germany");
      - a year or a past period ("last year") no passage gives (`periods`).
    Sentences that give such a word another number are left out. For a narrow question, the sentences that
    could hold what it asks for come first (within `NARROW_LEAD`)."""
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
    matching: dict[int, str] = {}  # row → the text matching reads (`sentence_for_matching`)
    for hit in hits:
        doc_text = store.documents[hit.chunk.doc_id].text
        previous = ""  # the sentence before, in the same passage
        for row in store.sentence_rows(hit.chunk_id):
            _, start, end = store.sentences[row]
            text = matching[row] = sentence_for_matching(doc_text, hit.chunk, start, end)
            dense = float(np.dot(store.vectors[row], ranking.query_vector))
            read_with = f"{previous} {text}" if previous and POINTS_BACK.match(doc_text, start, end) else text
            cov = coverage(store.lexical, terms, read_with)
            previous = doc_text[start:end]
            passage = hit.score / top if top > 0 else 0.0
            holds = holds_kind(kind, doc_text[start:end], query)  # the sentence's own words, not its heading's
            score = dense + tuning.w_coverage * cov + tuning.w_passage * passage + tuning.w_type * holds
            scored.append(Scored(row, hit, score, dense, cov, passage, holds))
            # not its heading's words: "Staff Directory (2024)" holds no phone number for every sentence under it
            if holds_required(required, own_words(doc_text, hit.chunk, start, end)):
                could_answer = True
                holders.add(row)
            if numbers:  # read as matching reads it: under its heading; a table row with its column names
                if words := contradiction(numbers, text):  # ("6 inch: £22; 8 inch: £30"), `;` between cells
                    contradicted[row] = words
                if gives(numbers, text):
                    given = max(given, cov)
    scored.sort(key=lambda s: -s.score)
    if not could_answer:
        return Rescored([], f"No passage found gives any {REQUIRED_NAMES[required]}.")
    if scored[0].row in contradicted and given < scored[0].coverage:
        # the best match gives the detail asked for of something else ("8 inch" for "10 inch"), and no
        # sentence that gives it as asked names as much of the question (the 10 inch lemon drizzle)
        asked, others = contradicted[scored[0].row]
        return Rescored([], f"No passage found gives “{asked}”; the closest gives {_listed(others)}.")
    scored = [s for s in scored if s.row not in contradicted]
    if not scored:  # a question of two numbers: the sentence giving one may contradict the other
        return Rescored([])
    best = scored[0].hit.chunk
    if (scoped := scopes(query)) and (other := other_scope(scoped, matching[scored[0].row], passage_for_keywords(
            store.documents[best.doc_id].title, best))):
        return Rescored([], f"No passage found gives “{other[0]}”; the closest gives “{other[1]}”.")
    if asks_period(query):  # the passages' text is read only then
        passages = [passage_for_keywords(store.documents[hit.chunk.doc_id].title, hit.chunk) for hit in hits]
        if missing := missing_period(query, passages, matching[scored[0].row]):
            return Rescored([], period_note(missing))
    if required is not None:
        # "phone number for lost property": a sentence that could hold a phone number ("Tel. 01632 960877")
        # leads before the one that only names the topic ("LOST PROPERTY"), when it scores at least
        # `NARROW_LEAD` of the best; the sort is stable, so each group keeps its order.
        floor = NARROW_LEAD * scored[0].score
        scored.sort(key=lambda s: not (s.row in holders and s.score >= floor))
        if scored[0].row not in holders:  # none that could scores near the best: what leads would not say it
            return Rescored([], f"The sentence that matches best gives no {REQUIRED_NAMES[required]}.")
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


def _listed(words: tuple[str, ...]) -> str:
    """“a”, “b” and “c”."""
    quoted = [f"“{w}”" for w in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"

