"""What kind of thing a question asks for, and whether a sentence holds one: a *when* question wants a date
or time, *how many/much* a number or amount, *who* a person or organisation, *where* a place, *why* a cause.

Regular expressions, no model. The question's kind comes from its first question word ("what year" and
"which country" count as when and where). In a sentence, a date is a year, a month or weekday name, a clock
time or a relative time ("the previous month", "Friday night"); an amount is digits or a number word; a
person or organisation is a capitalised name the question does not already use; a place is such a name
after in/at/from/near; a cause is a causal phrase ("because", "due to", "based on", "in order to" …).
It is one signal of the sentence score, weighted by `bench/fit.py` (`tuning.w_type`); it never picks a
sentence on its own, and questions of no recognised kind get no signal.

A question that asks for an email address, a phone number, a price or a weight is narrower
(`required_kind`): a sentence that holds none cannot answer it, however close its words ("What is Aoife
Brennan's email address?" beside her directory row, which lists an extension), so such sentences are not
cited at all (`holds_required`). Lenient on purpose: any three digits count as a phone number (an
extension can answer), "free", a bare "3.20" or a table's "Cost: 30" as a price.
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


_REQUIRED_ASK = {
    "email": re.compile(r"\be-?mail\b", re.IGNORECASE),
    "phone": re.compile(r"\b(phone|telephone|mobile|landline)\b|\bcontact number\b", re.IGNORECASE),
    "weight": re.compile(r"\b(how much|what) (does|do|did) .* weigh\b|\bhow heavy\b|\bwhat is the weight of\b",
                         re.IGNORECASE),
    "price": re.compile(  # "How much is a large flat white?", "What does a chai latte cost?", "Price of …?"
        r"^how much (is|are|was|were)\b(?!.*\bweigh)|^how much\b.*\b(cost|costs|charged?|charges|pay|paid|spend|"
        r"spent|worth)\b|\b(what|which) (is|are|was|were|does|do|did|will) (the |a |an )?([\w'’]+ ){0,4}?"
        r"(cost|price|fee|fare)s?\b(?![-‐])|^(the )?(price|cost|fee|fare)s? (of|for)\b", re.IGNORECASE),
}
_REQUIRED_HOLDS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    "phone": re.compile(r"\d[\d ()-]*\d\d"),
    "weight": re.compile(r"\d\s?(kg|g|lbs?|oz|t|tonnes?|tons?|grams?|kilo(gram)?s?|pounds?|ounces?|stone)\b|"
                         r"\b(weight|weighs|weighing|mass)\b[^.;]*?\d", re.IGNORECASE),
    "price": re.compile(r"[£$€¥₹]\s?\d|\d\s?(p|pence|pounds?|dollars?|euros?|cents?|USD|GBP|EUR|yen|rupees?)\b|"
                        r"\b\d+[.,]\d{2}\b|\b(free|no charge|no cost|nothing|pence|pounds|dollars|euros)\b|"
                        r"\b(costs?|prices?|fees?|fares?|charges?|rates?)\b[^.;]*?\d",  # a table's "Cost: 30"
                        re.IGNORECASE),
}


_YES_NO = re.compile(r"^(can|could|do|does|did|is|are|was|were|will|would|may|might|should|shall|has|have|must)\b",
                     re.IGNORECASE)  # "Can I send my order by email?" asks whether, not for an address


@lru_cache(maxsize=4096)
def required_kind(question: str) -> str | None:
    """"email", "phone", "weight" or "price" when the question asks for one (see the module's docstring)."""
    text = question.strip()
    if _YES_NO.match(text):
        return None
    return next((kind for kind, asks in _REQUIRED_ASK.items() if asks.search(text)), None)


def holds_required(kind: str | None, sentence: str) -> bool:
    """Whether `sentence` can answer a question asking for `kind` (True when it asks for none)."""
    return kind is None or bool(_REQUIRED_HOLDS[kind].search(sentence))


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[\w'’-]+", text.lower()))
