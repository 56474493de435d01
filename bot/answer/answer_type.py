"""What kind of thing a question asks for, and whether a sentence holds one: a *when* question wants a date
or time, *how many/much* a number or amount, *who* a person or organisation, *where* a place, *why* a cause.

Regular expressions, no model. The question's kind comes from its first question word ("what year" and
"which country" count as when and where; "which year group" asks for no time). In a sentence, a date is a
year, a month or weekday name, a clock time ("19:30", "7.30pm", "9 am") or a relative time ("the previous
month", "Friday night"); an amount is digits or a number word; a person or organisation is a capitalised name
the question does not already use; a place is such a name after in/at/from/near; a cause is a causal phrase
("because", "due to", "based on", "in order to" …).
It is one signal of the sentence score, weighted by `bench/fit.py` (`tuning.w_type`); it never picks a
sentence on its own, and questions of no recognised kind get no signal. A sentence is judged by its own words,
not its heading's (`compose` passes the sentence alone): "Complaints and Feedback" names no person.

A question that asks for an email address, a phone number, a price or a weight is narrower
(`required_kind`: "What is Aoife Brennan's email address?", "How much is a large flat white?"; not "Who looks
after the mobile phones?" or a yes/no question): when no sentence of the five passages could hold one
(`holds_required`: no "@", no two digits, no amount in any common form, no labelled field such as "Email:"
or "Price:"), the documents do not say it, and the bot abstains rather than cite her directory row for her
email (`rescore.rescore` then finds no sentence). Lenient on purpose. When some sentences could hold
it, they lead the answer before those that could not ("Tel. 01632 960877" before the heading "LOST
PROPERTY"), if they score at least half the best (`rescore.NARROW_LEAD`); if none does, the sentence that
would lead cannot say it, and the bot abstains too.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FOOTNOTE = re.compile(r"\[\d{1,4}\]")
_FIRST_WH = re.compile(r"\b(who|whom|whose|when|where|why|how|what|which)\b", re.IGNORECASE)
_KIND_AFTER_WHAT = {
    "time": re.compile(r"^(year|years|date|day|month|decade|century|time|period|era|season)\b(?! groups?\b)"),
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
        rf"\b(1\d{{3}}|20\d{{2}})s?\b|\b({_MONTHS})|\b({_DAYS})\b|\b\d{{1,2}}:\d{{2}}\b|"
        rf"\b\d{{1,2}}([.:]\d{{2}})? ?[ap]\.?m\b|\b\d{{1,2}}(st|nd|rd|th)? "
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


_ASKS_FOR = re.compile(r"^(what|what's|whats|which|tell me|give me)\b|^(?!(who|whom|when|where|why|how|can|could|do|"
                       r"does|did|is|are|was|were|will|would|may|should|has|have)\b)", re.IGNORECASE)
_HOW_MUCH = re.compile(r"how (much|heavy)\b", re.IGNORECASE)
_REQUIRED_ASK = {  # the thing asked for, not a mention: "Who looks after the mobile phones?" asks for a person
    "email": re.compile(r"\be-?mail( address)?\s*[?.!]*$|\be-?mail( address)? (of|for)\b", re.IGNORECASE),
    "phone": re.compile(r"\b(phone|telephone|mobile|landline|contact|fax) (number|no\b)|"
                        r"\b(phone|telephone) extension\b|^(?!(what|what's|whats|which)\b).{0,60}\b(phone|telephone)"
                        r"\s*[?.!]*$", re.IGNORECASE),
    "weight": re.compile(r"^how heavy (is|are)\b|^how much (does|do) .* weigh\s*[?.!]*$|\bweight of\b", re.IGNORECASE),
    "price": re.compile(  # "How much is a large flat white?", "What does a chai latte cost?", "Price of …?"
        r"^how much (is|are) (?!.*\b(?!charged|priced)\w+ed\b)(a |an |the |one )?[\w'’-]+( [\w'’-]+){0,4}\s*[?.!]*$|"
        r"^how much (does|do|did|will|would) .* cost\s*[?.!]*$|^what (does|do|did|will) .* cost\s*[?.!]*$|"
        r"\b(what|which)('s|s| is| are| was| were) (the |a |an )?([\w'’-]+ ){0,3}(cost|price|fee|fare|charge)s? "
        r"(of|for|to)\b|^(the )?(price|cost|fee|fare|charge)s? (of|for)\b", re.IGNORECASE),
}
# What can answer such a question, leniently: a value in any common form, or a labelled field ("Email: via
# reception", "Ext: 10", "Price: donated by the PTA") whose value is the answer even when it is no number.
_AMOUNT_WORDS = (r"free|no charge|no cost|nothing|included|includes|inclusive|complimentary|by arrangement|on request|"
                 r"half price|discount\w*|percent|waived|deposit|same as|quid|fiver|tenner|pounds?|pence|dollars?|"
                 r"euros?|cents?")
_REQUIRED_HOLDS = {
    "email": re.compile(r"@|\bat [\w.-]+ dot [a-z]|\be-?mail( address)?\s*:", re.IGNORECASE),
    # a label before its value ("Tel: via reception", "ext. 5"), not any mention: "Do not bring: mobile phones"
    "phone": re.compile(r"\d\d|\b(phone|telephone|tel|mobile|ext|extension)\b\.?\s*(:|\d)", re.IGNORECASE),
    "weight": re.compile(r"\d\s?(kg|g|lbs?|oz|tonnes?|tons?|grams?|kilo(gram)?s?|ounces?|stone)\b|\b(kilos?|kilograms?|"
                         r"grams?|tonnes?|pounds|ounces)\b|\b(weight|weighs|weighing|mass|net wt)\b", re.IGNORECASE),
    "price": re.compile(rf"[£$€¥₹]|\b(GBP|EUR|USD|CHF)\b|\b\d+[.,]\d{{2}}\b|\d\s?p\b|\d\s?%|\b({_AMOUNT_WORDS})\b|"
                        r"\b(costs?|prices?|fees?|fares?|charges?|rates?|amount)\b\s*:?[^.;]*?\d", re.IGNORECASE),
}


REQUIRED_NAMES = {"email": "email address", "phone": "phone number", "weight": "weight", "price": "price"}  # in notes


@lru_cache(maxsize=4096)
def required_kind(question: str) -> str | None:
    """"email", "phone", "weight" or "price" when the question asks for one (see the module's docstring)."""
    text = question.strip()
    if not _ASKS_FOR.match(text) and not _HOW_MUCH.match(text):
        return None
    return next((kind for kind, asks in _REQUIRED_ASK.items() if asks.search(text)), None)


def holds_required(kind: str | None, sentence: str) -> bool:
    """Whether `sentence` could answer a question asking for `kind` (True when it asks for none)."""
    return kind is None or bool(_REQUIRED_HOLDS[kind].search(sentence))


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[\w'’-]+", text.lower()))
