"""Does the passage a written sentence cites support it? A verdict from measured signals, with the reason.

For each passage the sentence cites, three signals are measured:
- exact terms: every number (digits, "1,200" = "1200") and every name (a capitalised word; a sentence's first
  word only when the given passages spell it capitalised, or it is not an ordinary lower-case word there)
  must appear in the passage as written (case aside, not stemmed), so an invented figure, date or person fails;
- word share: the share of the sentence's content words (`tokenize`: stop words out, stemmed) in the passage;
- cosine: the embedder's cosine between the sentence and the passage's best-matching sentence.
A sentence is supported when one cited passage passes all three (`WORD_SHARE`, `COSINE`, chosen by
bench/fit_verifier.py on the labelled sentences in tests/data/verify_labelled.jsonl, held-out figures in its
output); it then keeps only the markers of the passages that support it. No citation, or a citation to a passage
that was not given, is unsupported outright.

What it does not promise: it reads words, not logic. A sentence that reuses the passage's words in another
relation ("Modi called Vance" when Vance called Modi), negates it, or chains two passages into a claim
neither makes can pass; numbers spelled as words are not checked as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from bot.answer.writer import Passage
from bot.store.lexical import tokenize
from bot.types import Sentence, Support

WORD_SHARE = 0.85  # fitted by bench/fit_verifier.py (ties broken towards the stricter pair)
COSINE = 0.4

MARKER = re.compile(r"\s*\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")
_WORD = re.compile(r"\w+")
_MID_SENTENCE_NAME = re.compile(r"(?<=[\w,;:)] )[A-Z][\w’'-]*")
_OPENERS = frozenset("however meanwhile according also additionally overall finally first second third then "
                     "yes instead therefore thus later earlier today currently both while although after before "
                     "during since when where who what which here in on at he she they it we you his her their its "
                     "this that these those there".split())

Encode = Callable[[list[str]], np.ndarray]


def cites_of(text: str) -> tuple[int, ...]:
    """The passage numbers a sentence's `[n]` / `[n, m]` markers name, in order, without repeats."""
    found = [int(n) for group in MARKER.findall(text) for n in re.split(r"\s*,\s*", group)]
    return tuple(dict.fromkeys(found))


def plain(text: str) -> str:
    """The sentence without its markers."""
    return " ".join(MARKER.sub("", text).split())


def exact_terms(sentence: str, passages: Sequence[Passage]) -> set[str]:
    """Numbers and names in `sentence`, lower-cased, that must appear in a supporting passage."""
    terms = {_number(n) for n in _NUMBER.findall(sentence)}
    given = " ".join(p.text for p in passages)
    named_there = {w.lower() for w in _MID_SENTENCE_NAME.findall(given)}
    lower_there = {w for w in _WORD.findall(given) if w.islower()}
    first = len(sentence) - len(sentence.lstrip())
    for match in _CAPITALISED.finditer(sentence):
        word = match.group(0).removesuffix("’s").removesuffix("'s").rstrip("’'").lower()
        if len(word) < 2 or not tokenize(word):
            continue  # "I", "A", or a stop word such as "The"
        if match.start() == first and (word in _OPENERS or (word in lower_there and word not in named_there)):
            continue  # a sentence's first word is capitalised anyway; a name only if the passages treat it so
        terms.add(word)
    return terms


def _number(text: str) -> str:
    return text.replace(",", "")


def _words_of(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text)}
    return words | {_number(n) for n in _NUMBER.findall(text)}


def measure(sentence: str, passage: Passage, vector: np.ndarray, needed: set[str]) -> tuple[Support, int]:
    """The signals of `sentence` (markers removed) against one passage, and its best-matching sentence."""
    words = tokenize(sentence)
    held = set(tokenize(passage.text))
    share = len({w for w in words if w in held}) / len(set(words)) if words else 0.0
    if len(passage.vectors):
        cosines = passage.vectors @ vector
        best = int(np.argmax(cosines))
        cosine = float(cosines[best])
    else:
        best, cosine = 0, 0.0
    missing = tuple(sorted(needed - _words_of(passage.text)))
    return Support(passage.n, round(share, 4), round(cosine, 4), missing), best


def check(text: str, passages: Mapping[int, Passage], encode: Encode) -> tuple[Sentence, dict[int, int]]:
    """The verdict on one written sentence, and for each supporting passage the index of its best-matching
    sentence (what a citation highlights)."""
    cites = cites_of(text)
    if not cites:
        return Sentence(text, (), False, "it cites no passage"), {}
    known = [n for n in cites if n in passages]
    if not known:
        given = ", ".join(f"[{n}]" for n in cites)
        return Sentence(text, cites, False, f"it cites {given}, which the model was not given"), {}
    claim = plain(text)
    needed = exact_terms(claim, list(passages.values()))
    vector = np.asarray(encode([claim]), dtype=np.float32)[0]
    measured = {n: measure(claim, passages[n], vector, needed) for n in known}
    passing = [n for n in known if _passes(measured[n][0])]
    if not passing:
        best = max(measured.values(), key=lambda m: (not m[0].missing, m[0].word_share + m[0].cosine))[0]
        return Sentence(text, cites, False, _reason(best), best), {}
    kept = _keep_markers(text, set(passing))
    support = max((measured[n][0] for n in passing), key=lambda s: s.word_share + s.cosine)
    return Sentence(kept, tuple(passing), True, "", support), {n: measured[n][1] for n in passing}


def _passes(s: Support) -> bool:
    return not s.missing and s.word_share >= WORD_SHARE and s.cosine >= COSINE


def _reason(s: Support) -> str:
    if s.missing:
        return f"[{s.passage}] does not mention {', '.join(s.missing)}"
    if s.word_share < WORD_SHARE:
        return f"[{s.passage}] holds only {s.word_share:.0%} of its words"
    return f"it says something else than its closest sentence in [{s.passage}] (cosine {s.cosine:.2f})"


def _keep_markers(text: str, keep: set[int]) -> str:
    """`text` with only the markers of passages in `keep` (a marker naming none of them is removed)."""
    def one(match: re.Match[str]) -> str:
        numbers = [n for n in cites_of(match.group(0)) if n in keep]
        return " " + "".join(f"[{n}]" for n in numbers) if numbers else ""
    return MARKER.sub(one, text).strip()
