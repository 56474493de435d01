"""Question words that no document holds → the library's nearest word, when it is one slip of the keyboard away
("Frensh" → "French", "gradiient" → "gradient", "Celeron" → "Céloron").

A misspelt word matches nothing: BM25 and term coverage never see it, and the question looks less answered
than it is. A word is corrected only when it is no English word (pyspellchecker's English word list, 160,000
words with their inflections: "stain", "fiction" or "predicated" are never "corrected" to a library's
"Spain", "friction" or "predicted"), its stem is in no passage (a word the library holds is never touched),
it has at least `MIN_LENGTH` letters, and exactly one of the library's words, starting with the same letter,
is nearest to it: within one edit (insertion, deletion, substitution or swap of neighbours; two for
words of `TWO_EDITS_FROM` letters), accents aside. Of equally near words the one the library uses most wins,
unless another is as common (then the word is left as it was). The vocabulary is every word of the library's
documents, counted once per store and kept while the store lives. Edit distances are rapidfuzz's (optimal
string alignment). It does not correct grammar, split or join words, or know any word the library lacks: a
question about something absent stays absent.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass
from threading import Lock

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.ingest.english import english_words
from bot.store.base import Store
from bot.store.folding import fold
from bot.store.lexical import QUESTION_STOP, stem_of

MIN_LENGTH = 5  # shorter words have too many neighbours one edit away ("cat" → "bat", "car", "cut")
TWO_EDITS_FROM = 9
_WORD = re.compile(r"[^\W\d_]+")  # letters only: "Celeron's" is "Celeron" and "s", found whether or not the
# library writes the possessive


@dataclass(frozen=True)
class Known:
    """One word of the library, however it is capitalised or accented."""

    written: str  # its most used written form
    count: int  # how often it is written, in every form
    lower: bool  # it is written in lower case somewhere (a name never is)


@dataclass(frozen=True)
class Vocabulary:
    """The library's words: each spelling (lower case, accents stripped) → `Known`, the stems the words make,
    and the spellings grouped by first letter for the nearest-word search."""

    words: dict[str, Known]
    stems: frozenset[str]
    by_initial: dict[str, list[str]]


# By the store's identity (stores compare by value, so they are no dictionary keys), dropped with the store.
_CACHE: dict[int, Vocabulary] = {}
_LOCK = Lock()


def correct(store: Store, text: str) -> str:
    """`text` with each misspelt word replaced by the library's word (`text` itself when none is)."""
    words = [m for m in _WORD.finditer(text) if len(m.group()) >= MIN_LENGTH]
    if not words:
        return text
    vocabulary = vocabulary_of(store)
    out, last = [], 0
    for m in words:
        fixed = _nearest(vocabulary, m.group())
        if fixed is not None:
            out.append(text[last:m.start()])
            out.append(fixed)
            last = m.end()
    return "".join(out) + text[last:] if out else text


def vocabulary_of(store: Store) -> Vocabulary:
    """The store's `Vocabulary`, counted on first use (about 0.1 s per million characters of text)."""
    with _LOCK:
        found = _CACHE.get(id(store))
    if found is not None:
        return found
    counts: Counter[str] = Counter()
    for doc in store.documents.values():
        # a title taken from the file name is searched (BM25) though the text lacks it; a title line is in the text
        counts.update(_WORD.findall(fold(doc.text if doc.title in doc.text else f"{doc.title}\n{doc.text}")))
    words: dict[str, Known] = {}
    for written, n in counts.most_common():  # the most used written form first
        key = plain_form(written)
        seen = words.get(key)
        words[key] = (Known(seen.written, seen.count + n, seen.lower or written.islower()) if seen
                      else Known(written, n, written.islower()))
    by_initial: dict[str, list[str]] = {}
    for key in words:
        by_initial.setdefault(key[0], []).append(key)
    vocabulary = Vocabulary(words, frozenset(stem_of(w) for w in counts), by_initial)
    with _LOCK:
        if id(store) not in _CACHE:
            _CACHE[id(store)] = vocabulary
            weakref.finalize(store, _forget, id(store))
    return vocabulary


def near_any(words: list[str], key: str, limit: int) -> bool:
    """Whether one of `words` (of any initial) is within `limit` edits of `key`: for `absent`, which asks
    whether a name is misspelt rather than which word was meant."""
    return process.extractOne(key, words, scorer=OSA.distance, score_cutoff=limit) is not None


def _forget(key: int) -> None:
    with _LOCK:
        _CACHE.pop(key, None)


def _nearest(vocabulary: Vocabulary, word: str) -> str | None:
    lower = word.lower()
    if lower in QUESTION_STOP or stem_of(lower) in vocabulary.stems or lower in english_words():
        return None
    key = plain_form(word)
    if not key:
        return None
    if key in vocabulary.words:  # the same word but for its accents ("Celoron")
        return _cased(vocabulary.words[key], word)
    limit = 2 if len(key) >= TWO_EDITS_FROM else 1
    found = process.extract(key, vocabulary.by_initial.get(key[0], []), scorer=OSA.distance,
                            score_cutoff=limit, limit=None)
    if not found:
        return None
    best = min(d for _, d, _ in found)
    near = sorted((vocabulary.words[c].count, c) for c, d, _ in found if d == best)
    if len(near) > 1 and near[-1][0] == near[-2][0]:
        return None  # two words as near and as common: no way to tell which was meant
    return _cased(vocabulary.words[near[-1][1]], word)


def _cased(known: Known, word: str) -> str:
    """The library's form of a word, in the question's case where the library writes it so too: 'forklift'
    for 'forklfit' though a heading says 'Forklift'; a name keeps its capital ('Céloron')."""
    if word.islower() and known.lower:
        return known.written.lower()
    if word[:1].isupper() and known.written.islower():
        return known.written.capitalize()
    return known.written


def plain_form(word: str) -> str:
    """Lower case without accents: 'Céloron' → 'celoron'."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
