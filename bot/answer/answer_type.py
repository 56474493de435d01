"""What kind of thing a question asks for, and whether a sentence holds one: a *when* question wants a date
or time, *how many/much* a number or amount, *who* a person or organisation, *where* a place, *why* a cause.

Regular expressions, no model. The question's kind comes from its first question word ("what year" and
"which country" count as when and where). In a sentence, a date is a year, a month or weekday name, a clock
time or a relative time ("the previous month", "Friday night"); an amount is digits or a number word; a
person or organisation is a capitalised name the question does not already use; a place is such a name
after in/at/from/near; a cause is a causal phrase ("because", "due to", "based on", "in order to" …).
It is one signal of the sentence score, weighted by `bench/fit.py` (`tuning.w_type`); it never picks a
sentence on its own, and questions of no recognised kind get no signal.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FOOTNOTE = re.compile(r"\[\d{1,4}\]")
_FIRST_WH = re.compile(r"\b(who|whom|whose|when|where|why|how|what|which)\b", re.IGNORECASE)
_KIND_AFTER_WHAT = {
    "time": re.compile(r"^(year|years|date|day|month|decade|century|time|period|era|season)\b"),
    "number": re.compile(r"^(number|amount|percentage|percent|share|proportion|size|population|price|cost)\b"),
    "place": re.compile(r"^(country|countries|city|cities|state|place|region|river|continent|town|location|"
                        r"island|area|province|county|nation)\b"),
    "person": re.compile(r"^(person|people|company|organi[sz]ation|group|team|official|officials|party|band|"
                         r"newspaper|outlet|author|leader|king|queen|president|agency)\b"),
}
_HOW = re.compile(r"^how (many|much|long|old|far|large|big|tall|high|often|deep|wide|heavy)\b", re.IGNORECASE)
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.")
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DETECT = {
    "time": re.compile(
        rf"\b(1\d{{3}}|20\d{{2}})s?\b|\b({_MONTHS})|\b({_DAYS})\b|\b\d{{1,2}}:\d{{2}}\b|\b\d{{1,2}}(st|nd|rd|th)? "
        r"centur(y|ies)\b|\b(previous|last|next|following|same|earlier|later) (week|month|year|day|decade|"
        r"morning|night|weekend|spring|summer|autumn|fall|winter)\b|\b(ago|yesterday|today|tomorrow|"
        r"annually|recently|since|until)\b|\b(morning|evening|night|afternoon|dawn|midnight|noon)\b",
        re.IGNORECASE),
    "number": re.compile(
        r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
        r"sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|"
        r"twice|double|triple|several|percent|single|couple)\b", re.IGNORECASE),
    "cause": re.compile(
        r"\b(because|due to|owing to|thanks to|as a result|result(ed|s)? (of|in|from)|so that|in order to|"
        r"so as to|led to|lead(s|ing)? to|caus\w*|reasons?|based on|aim(ed|ing)? (to|at)|therefore|thus|"
        r"hence|convinc\w*|prompt\w*|spurr?\w*|driven by|motivat\w*|need(ed|s)? to|necessary|importance|"
        r"concern\w*|fear\w*|since)\b", re.IGNORECASE),
}
_NAME = re.compile(r"\b[A-Z][\w'’-]*[a-z][\w'’-]*\b|\b[A-Z]{2,}\b")  # "Modi", "McDonald's", "CNN"
_PLACE = re.compile(r"\b(in|at|from|near|to|into|across|outside|inside|throughout|within|of) (the )?"
                    r"([A-Z][\w'’-]+)")


@lru_cache(maxsize=4096)
def expected_kind(question: str) -> str | None:
    """"time", "number", "person", "place", "cause", or None when the question asks for none of them."""
    text = question.strip()
    if _HOW.match(text):
        return "number"
    found = _FIRST_WH.search(text)
    if not found:
        return None
    word, rest = found.group(1).lower(), text[found.end():].strip().lower()
    if word in ("who", "whom", "whose"):
        return "person"
    if word in ("when", "where", "why"):
        return {"when": "time", "where": "place", "why": "cause"}[word]
    if word == "how":
        return "number" if _HOW.match(text[found.start():]) else None
    for kind, pattern in _KIND_AFTER_WHAT.items():  # "what year", "which country", "what percentage"
        if pattern.match(rest):
            return kind
    return None


def holds_kind(kind: str | None, sentence: str, question: str) -> bool:
    """Whether `sentence` holds something of `kind` that the question does not already name."""
    if kind is None:
        return False
    text = _FOOTNOTE.sub(" ", sentence)  # a document's own [2] markers are not numbers
    if kind in _DETECT:
        return any(m.group(0).lower() not in _words(question) for m in _DETECT[kind].finditer(text)) \
            if kind != "cause" else bool(_DETECT[kind].search(text))
    asked = _words(question)
    if kind == "place":
        return any(m.group(3).lower() not in asked for m in _PLACE.finditer(text))
    first = len(text) - len(text.lstrip())  # the sentence's first word is capitalised anyway: not a name
    return any(m.group(0).lower() not in asked for m in _NAME.finditer(text) if m.start() != first)


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[\w'’-]+", text.lower()))
