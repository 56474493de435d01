"""Whether a hyphen at the end of a printed line splits one word ("interoper-/ability") or joins two
("price-/determining").

The document decides first: if it writes the hyphenated form elsewhere, the hyphen stays; if it writes
the joined form elsewhere, the hyphen goes. Otherwise the English word list shipped with pyspellchecker
(a maintained package, loaded only when a document needs it) decides: a known joined word is joined, two
known halves keep their hyphen, anything else is joined, since a typesetter's break is far more common
than a compound that happens to fall at a line end; but when the next line's word goes on with another
hyphen ("Trinité-/du-Mont"), halves that make no known word keep theirs. A soft hyphen (U+00AD) always
goes. Other languages fall to the document's own evidence and then to joining.
"""

from __future__ import annotations

import re

from bot.ingest.english import english_words

_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")
_TAIL = re.compile(r"([^\W\d_]+(?:[-‐][^\W\d_]+)*)[-‐\u00ad]$")
_HEAD = re.compile(r"[^\W\d_]+")
_COMPOUND_GOES_ON = re.compile(r"[-‐][^\W\d_]")


class Hyphens:
    """Knows the words and hyphenated compounds a document writes, to join its broken lines."""

    def __init__(self, text: str) -> None:
        self.words: set[str] = set()
        self.compounds: set[str] = set()
        for match in _WORD.finditer(text):
            word = match.group().lower().replace("‐", "-")
            if "-" in word:
                self.compounds.add(word)
                self.words.update(word.split("-"))
            else:
                self.words.add(word)

    def join(self, text: str, line: str) -> str:
        """`text` (ending in a hyphen) followed by the next printed `line`, hyphen kept or removed."""
        if text.endswith("\u00ad"):
            return text[:-1] + line
        if line[:1] in "-‐":  # "power-/-hungry": some typesetters repeat the hyphen on the next line
            return text + line[1:]
        tail, head = _TAIL.search(text), _HEAD.match(line)
        if tail is None or head is None:  # "COVID-/19"
            return text + line
        left = tail.group(1).lower().replace("‐", "-")
        right = head.group().lower()
        goes_on = _COMPOUND_GOES_ON.match(line, head.end()) is not None  # "Trinité-/du-Mont"
        if self.keeps_hyphen(left, right, capital=not line[:1].islower(), compound=goes_on):
            return text + line
        return text[:-1] + line

    def keeps_hyphen(self, left: str, right: str, capital: bool = False, compound: bool = False) -> bool:
        """True when `left-right` is a compound rather than one word broken by the typesetter; in
        "self-in-/terest" only the last part ("in") is weighed; `capital`: the next line starts with one;
        `compound`: the next line's word goes on with another hyphen, so unless the halves make a known word
        ("wor-/st-case"), the break fell at one of the compound's hyphens ("Trinité-/du-Mont")."""
        if f"{left}-{right}" in self.compounds:
            return True
        left = left.rsplit("-", 1)[-1]
        joined = left + right
        if joined in self.words:
            return False
        if capital:  # "Anglo-/Norman": a typesetter does not break a word before a capital
            return True
        words = english_words()  # read only when a document's own words cannot decide
        if joined in words:
            return False
        return compound or (left in words and right in words)
