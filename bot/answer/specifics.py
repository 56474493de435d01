"""A question's numbers and the words they qualify, and the sentences that give those words another number.

"How much is a 10 inch Victoria sponge?" asked of a price list whose Victoria sponge is "8 inch"; "Who is the
fire warden for the third floor?" of "… covers the first floor and … the second floor"; "How long is the
warranty on the D20?" of "Your D12 is covered …": the nearest sentence is about another size, floor or model,
and citing it answers a question nobody asked. `rescore.rescore` leaves such a sentence out, and abstains
when it was the best one and no sentence that gives the number as asked names as much of the question: the
documents give that detail for something else only. The answer then says so ("No passage found gives
“10 inch”; the closest gives “8 inch”.").

A qualified number is a number in digits or in words ("10", "4th", "third", "twelve", "7:45") with a content
word right beside it: "10 inch", "third floor", "Year 6", "15mm", a code's letters glued to its digits ("D20",
whatever the letters). A sentence, read under its heading and a table row with its column names ("6 inch:
£22; 8 inch: £30"), contradicts it when it has that word beside another number and the question's number
nowhere, not even inside a range ("Years 3–6" holds Year 4). A year is compared with years only; a year a
question gives needs no word beside it, and is `periods`' to check ("term dates for 2026"). Not numbers here:
"1"/"one" and "1st"/"first" ("no one", "Who was born first?"); a number beside stop words only qualifies
nothing ("prior to 2000", "the 4th to rule"). A yes/no question qualifies nothing: the sentence giving another
number answers it ("Do you deliver 15 miles away?" — "We do not deliver further than ten miles."). Words and
digits only: "before April" or "the bigger one" are not seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from num2words import num2words

from bot.store.folding import fold
from bot.store.lexical import QUESTION_STOP, stem_of

# A clock time ("7:45", "7.30pm"), an ordinal in digits, a number (decimals too), or a word. ASCII digits only:
# "²" or "١" are no quantity a question gives.
_TOKEN = re.compile(r"(?P<time>[0-9]{1,2}[:.][0-9]{2}(?=\s*[ap]\.?m\b)|[0-9]{1,2}:[0-9]{2})|"
                    r"(?P<ordinal>[0-9]+)(?:st|nd|rd|th)\b|"
                    r"(?P<number>[0-9]+(?:\.[0-9]+)?|(?<![0-9])\.[0-9]+)|"  # ".300" is 0.3
                    r"(?P<word>[^\W\d_]+)|"
                    r"(?P<cell>[|;])",  # a table cell's edge: "| 1.2kW | 2 years |" gives no "2kW"
                    re.IGNORECASE)
_RANGE = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(?:[-–—]|to|until|till)\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)
# Numbers in words that are one word: "twelve", "forty"; "third", "twelfth" ("twenty-one" is two tokens).
_IN_WORDS = {name: str(n) for n in range(2, 100) for name in (num2words(n, lang="en"),
                                                             num2words(n, lang="en", to="ordinal")) if "-" not in name}
# A yes/no question about a number is answered by the sentence that gives another ("Do you deliver 15 miles
# away?" — "We do not deliver further than ten miles."; "Is chess club open to Year 2?" — "… Years 3–6").
_YES_NO = re.compile(r"\s*(?:is|are|was|were|do|does|did|can|could|will|would|may|might|must|shall|should|has|have|"
                     r"had|am)\b", re.IGNORECASE)
SHOWN = 3  # the other numbers a note names ("the closest gives “6 inch”, “8 inch” and “10 inch”")
_GLUED = "#"  # marks a code's letters glued to its digits ("d20" → "#d", "20")


@dataclass(frozen=True)
class Qualified:
    """A number the question gives (canonical: "10", "1.7", "7:45"), the words beside it (stems), and how the
    question wrote it with each ("inch" → "10 inch"; "year" → "Year 6", "trip" → "6 trip")."""

    value: str
    words: frozenset[str]
    written: tuple[tuple[str, str], ...]

    def said(self, words: set[str]) -> str:
        """The question's words for the number beside `words` (the first, when there are two)."""
        return next(text for word, text in self.written if word in words)


@dataclass(frozen=True)
class _Token:
    text: str  # lower case
    value: str | None  # its number, canonical, or None for a word
    start: int  # in the folded text
    end: int


def qualified_numbers(question: str) -> tuple[Qualified, ...]:
    """The numbers `question` gives with the content words beside them: "How much is a 10 inch sponge?" →
    (Qualified("10", {"inch"}, "10 inch"),); () for most questions."""
    return _qualified(question)


@lru_cache(maxsize=1024)
def _qualified(question: str) -> tuple[Qualified, ...]:
    if _YES_NO.match(question):
        return ()
    folded, tokens = fold(question), _tokens(question)
    found = []
    for i, token in enumerate(tokens):
        if token.value is not None and (beside := _beside(tokens, i)):
            written = tuple((word, _said(folded, tokens, i, {word})) for word in beside)
            found.append(Qualified(token.value, frozenset(beside), written))
    return tuple(found)


def contradiction(found: tuple[Qualified, ...], text: str) -> tuple[str, tuple[str, ...]] | None:
    """How `text` gives a word the question qualifies other numbers, when it gives the question's number
    nowhere, as (the question's words, the text's, at most `SHOWN`): ("10 inch", ("8 inch",)) for "a 10 inch
    Victoria sponge" against "| Victoria sponge | 8 inch | £18.00 |"; else None."""
    if not found:
        return None
    folded, tokens = fold(text), _tokens(text)
    values = {t.value for t in tokens if t.value is not None}
    ranges = [(float(a), float(b)) for a, b in _RANGE.findall(folded)]
    for number in found:
        if number.value in values or (":" not in number.value
                                      and any(a <= float(number.value) <= b for a, b in ranges)):
            continue
        given: dict[str, str] = {}  # the text's words → the question's
        for i, token in enumerate(tokens):
            if token.value is None or _is_year(token.value) != _is_year(number.value):
                continue
            if shared := set(_beside(tokens, i)) & number.words:
                given.setdefault(_said(folded, tokens, i, shared), number.said(shared))
        if given:  # a column's name before its cell ("6 inch: £22") is named after the sizes themselves
            shown = sorted(given, key=lambda words: ":" in words)[:SHOWN]
            return given[shown[0]], tuple(shown)
    return None


def gives(found: tuple[Qualified, ...], text: str) -> bool:
    """Whether `text` gives one of the question's numbers beside a word it qualifies there: "2kW" for "the
    2kW radiator"."""
    tokens = _tokens(text)
    return any(t.value == number.value and set(_beside(tokens, i)) & number.words
               for number in found for i, t in enumerate(tokens))


def asks_yes_no(question: str) -> bool:
    """Whether `question` opens as a yes/no question does ("Is …", "Do you …", "Can I …")."""
    return bool(_YES_NO.match(question))


def _is_year(value: str) -> bool:
    """A year and a count are other scales: "the 18th Independent Spirit Awards" were "the 2002 Independent
    Spirit Awards"."""
    return value.isdigit() and 1000 <= int(value) <= 2999


def _beside(tokens: tuple[_Token, ...], i: int) -> dict[str, int]:
    """The content words right before and after the number `tokens[i]`: stem → position."""
    return {word: j for j in (i - 1, i + 1) if 0 <= j < len(tokens) and (word := _content(tokens[j]))}


def _said(folded: str, tokens: tuple[_Token, ...], i: int, words: set[str]) -> str:
    """The folded text from the number `tokens[i]` to the first of `words` beside it: "10 inch", "D12"."""
    at = [next(j for word, j in _beside(tokens, i).items() if word in words), i]
    return folded[tokens[min(at)].start:tokens[max(at)].end]


def _content(token: _Token) -> str | None:
    if token.text.startswith(_GLUED):
        return token.text
    if token.value is not None or not token.text[0].isalpha():
        return None  # a number, "1" (no number here, nor a word) or a cell's edge
    return None if token.text in QUESTION_STOP else stem_of(token.text)


@lru_cache(maxsize=2048)  # the top passages' sentences, asked again by `contradiction` and `gives`
def _tokens(text: str) -> tuple[_Token, ...]:
    out: list[_Token] = []
    for match in _TOKEN.finditer(fold(text)):
        kind, raw = match.lastgroup, match.group(match.lastgroup or 0).lower()
        start, end = match.start(), match.end()
        if kind in ("word", "cell"):
            out.append(_Token(raw, _IN_WORDS.get(raw), start, end))
            continue
        previous = out[-1] if out else None
        if previous and previous.value is None and previous.text.isalpha() and previous.end == start:
            out[-1] = _Token(_GLUED + previous.text, None, previous.start, previous.end)  # "d20": a model's letters
        if kind == "time":
            hours, minutes = re.split(r"[:.]", raw)
            value = f"{int(hours)}:{minutes}"
        else:
            value = str(float(raw)).removesuffix(".0") if kind == "number" else str(int(raw))
        out.append(_Token(raw, None if value == "1" else value, start, end))
    return tuple(out)
