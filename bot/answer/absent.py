"""Names a question gives that no document of the library holds: "What time is the first bus from Westgate?"
asked of a timetable without Westgate, "How many 15mm elbows do we have?" of a stock list with only 22mm ones.

Then the documents cannot answer, however close the nearest passage comes (the Market Square row of the same
timetable), so the bot abstains (`compose.score_sentences`) and says which name none holds. A name is a
capitalised word after the question's first (not an English word: pyspellchecker's list, so "Maple" or
"Park" never count), or a word mixing letters and digits ("15mm", "CHEM201"). It is held when the library
has it in any case or accents ("renee" for "Renée"); is one slip away from a word the library has (two for
names of `TWO_EDITS_FROM` letters: a misspelt name is not an absent one); is written apart in a document
("Vanderberg" for "Van der Berg"); or, for a code, when each run of letters and of digits is a library term
("TX460" against "TX-460"). Words in capitals ("NBA", "HR") are left alone: a library may spell them out.
Numbers alone, lower-case words and the first word are never names here; a thing the library calls by
another name is not found by this.
"""

from __future__ import annotations

import re

from bot.answer.typos import near_any, plain_form, vocabulary_of
from bot.ingest.english import english_words
from bot.store.base import Store
from bot.store.folding import words
from bot.store.lexical import QUESTION_STOP, stem_of

TWO_EDITS_FROM = 6
_RUNS = re.compile(r"[^\W\d_]+|\d+")
_ORDINAL = re.compile(r"\d+(?:s|st|nd|rd|th|am|pm)", re.IGNORECASE)  # "1700s", "3rd", "9am": no names


def absent_names(store: Store, question: str) -> list[str]:
    """The names `question` gives that no document holds, as written: [] for most questions."""
    found, _ = words(question)
    candidates = [w for i, w in enumerate(found) if _is_name(w, first=i == 0)]
    return [w for w in candidates if not _held(store, w)]


def _is_name(word: str, first: bool) -> bool:
    has_digit, has_letter = any(c.isdigit() for c in word), any(c.isalpha() for c in word)
    if has_digit:
        return has_letter and not _ORDINAL.fullmatch(word)
    if first or not word[0].isupper() or word.isupper() or word.lower() in QUESTION_STOP:
        return False
    return word.lower() not in english_words()


def _held(store: Store, word: str) -> bool:
    unseen = store.lexical.idf("")  # the IDF of a term no passage holds; a held term's is lower

    def indexed(term: str) -> bool:
        return store.lexical.idf(stem_of(term)) < unseen
    if any(c.isdigit() for c in word):
        return indexed(word) or all(indexed(run) for run in _RUNS.findall(word))
    vocabulary = vocabulary_of(store)
    key = plain_form(word)
    if indexed(word) or key in vocabulary.words:
        return True
    limit = 2 if len(key) >= TWO_EDITS_FROM else 1
    return near_any(vocabulary, key, limit) or _written_apart(store, word)


def _written_apart(store: Store, word: str) -> bool:
    """Whether a document writes `word` as words apart: "Van der Berg" for "Vanderberg", "User Datagram" for
    "UserDatagram" (a scan of the text, made only for a name the library's words do not hold)."""
    apart = re.compile(r"\b" + r"[\s'’.-]?".join(map(re.escape, word)) + r"\b", re.IGNORECASE)
    return any(apart.search(doc.text) for doc in store.documents.values())
