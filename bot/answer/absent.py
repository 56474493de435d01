"""Names a question gives that no document of the library holds: "What time is the first bus from Westgate?"
asked of a timetable without Westgate, "How many 15mm elbows do we have?" of a stock list with only 22mm ones.

Then the documents cannot answer, however close the nearest passage comes (the Market Square row of the same
timetable), so the bot abstains (`rescore.rescore`) and says which name none holds. A name is a
capitalised word after the question's first (not an English word: pyspellchecker's list, so "Maple" or
"Park" never count; not the bot's own name), or a code mixing letters and digits ("15mm", "CHEM201",
"HX-1500"). It is held when the library has it in any case or accents ("renee" for "Renée"); is one slip
away from a word the library has (two for names of `TWO_EDITS_FROM` letters: a misspelt name is not an absent
one), in Latin letters or in anyascii's transliteration of another script ("Alexandros" for "Αλέξανδρος"); is
written with separators in a document's text, title or file name ("Van der Berg" for "Vanderberg",
"TX-460_manual.txt" for "TX460"), a code also in the plural ("HX-1500s"); or, when short, cuts a library word
short ("Intl"). Words in capitals ("NBA", "HR") are left
alone: a library may spell them out. Numbers alone, lower-case words and the first word are never names
here, and a name the question only mentions in passing ("Per Anneke's email, …") counts like any other; a
thing the library calls by another name is not found by this.
"""

from __future__ import annotations

import re

from anyascii import anyascii

from bot.answer.typos import near_any, plain_form, vocabulary_of
from bot.ingest.english import english_words
from bot.store.base import Store
from bot.store.folding import fold, words
from bot.store.lexical import QUESTION_STOP, stem_of

TWO_EDITS_FROM = 6
MAX_NAMES = 6
SHORT = 5  # a name this short may be a library word cut short ("Intl")
_SEPARATOR = r"[\s'’._-]?"
_START, _END = r"(?<![^\W_])", r"(?![^\W_])"  # word edges where "_" separates too ("TX-460_manual.txt")
_NOT_NAMES = QUESTION_STOP | {"citebot"}  # and the bot's own name, when a question greets it ("Hi Citebot, …")
_ORDINAL = re.compile(r"\d+(?:s|st|nd|rd|th|am|pm)", re.IGNORECASE)  # "1700s", "3rd", "9am": no names
# A code written with a hyphen ("HX-1500") is one name, though its parts are words of their own ("HX", "1500")
_HYPHENS = "[-‐‑]"
_HYPHENED = re.compile(rf"(?<![\w-])[^\W\d_]{{1,6}}{_HYPHENS}\d[^\W_]*(?![\w-])")


def absent_names(store: Store, question: str) -> list[str]:
    """The names `question` gives that no document holds, as written: [] for most questions. Only its first
    `MAX_NAMES` names are looked up: each may scan the library's text, and a question of many is no name."""
    found, _ = words(question)
    candidates = [w for i, w in enumerate(found) if _is_name(w, first=i == 0)] + _HYPHENED.findall(fold(question))
    return [w for w in list(dict.fromkeys(candidates))[:MAX_NAMES] if not _code_held(store, w)]


def _code_held(store: Store, word: str) -> bool:
    """`_held`, for a code also without its hyphen, or its plural's "s" ("TX-460s" for TX-460)."""
    if not _HYPHENED.fullmatch(word):
        return _held(store, word)
    code = re.sub(_HYPHENS, "", word)
    return _held(store, code) or (code.endswith("s") and code[-2].isdigit() and _held(store, code[:-1]))


def _is_name(word: str, first: bool) -> bool:
    has_digit, has_letter = any(c.isdigit() for c in word), any(c.isalpha() for c in word)
    if has_digit:
        return has_letter and not _ORDINAL.fullmatch(word)
    if first or not word[0].isupper() or word.isupper() or word.lower() in _NOT_NAMES:
        return False
    return word.lower() not in english_words()


def _held(store: Store, word: str) -> bool:
    unseen = store.lexical.idf("")  # the IDF of a term no passage holds; a held term's is lower
    if store.lexical.idf(stem_of(word)) < unseen:
        return True
    if any(c.isdigit() for c in word):
        return _written_apart(store, word, within=True)
    vocabulary = vocabulary_of(store)
    key = plain_form(word)
    if key in vocabulary.words:
        return True
    limit = 2 if len(key) >= TWO_EDITS_FROM else 1
    # names in other scripts, and letters no accent-stripping makes Latin, compared in anyascii's Latin
    # transliteration ("Alexandros" for "Αλέξανδρος", "Odegard" for "Ødegård")
    return (near_any(list(vocabulary.words), key, limit)
            or near_any([anyascii(w).lower() for w in vocabulary.words if not w.isascii()], anyascii(key).lower(),
                        limit)
            or _written_apart(store, word, within=False)
            or (len(key) <= SHORT and _abbreviates(vocabulary.by_initial.get(key[0], []), key)))


def _written_apart(store: Store, word: str, within: bool) -> bool:
    """Whether a document writes `word` with separators between its letters, in its text, title or file name:
    "Van der Berg" for "Vanderberg", "TX-460" for "TX460", "Harvest_Festival" for "HarvestFestival"; a code
    also inside a longer one ("A113B" holds "113B"). A scan of the text, made only for a word none holds."""
    # a code may stand in the plural ("Returned HX-1500s are checked …")
    apart = re.compile(("" if within else _START) + _SEPARATOR.join(map(re.escape, word)) + ("s?" if within else "")
                       + _END, re.IGNORECASE)
    return any(apart.search(text) for doc in store.documents.values() for text in (doc.text, doc.title, doc.source))


def _abbreviates(candidates: list[str], key: str) -> bool:
    """Whether `key` is a library word cut short, its letters in order ("intl" in "international")."""
    letters = re.compile(".*?".join(map(re.escape, key)))
    return any(len(c) > len(key) and letters.match(c) for c in candidates)
