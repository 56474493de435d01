"""The period a question asks about, and whether the passages found give it: a year ("term dates for 2026",
"Who won the Tour de France in 2023?") or a past period named from today ("How much was the rent last
year?", "Who won the dog show last season?").

A price list that gives this year's rent does not say last year's, and a newsletter with 2025's term dates
does not give 2026's: the sentence closest to the question answers one nobody asked. `missing_period` finds
the period that no passage of the five gives; `rescore.rescore` then abstains, and the answer says so ("No
passage found gives “2026”; the closest gives “2025”.", "No passage found speaks of “last year”.").

A year is a year standing alone (not in "1990s", "2025-26" or "£2025"), matched as a year in any passage (an
article's other years leave it be: "the 2000 film Snatch" beside "… debuted in 2017"). A past period is
"last" or "previous" before a year, season, term, month, week or season of the year; a passage gives it by
the same words, or by any year (a document that says "in 2024" may well answer "last year"). A yes/no
question is left alone: the sentence with another year answers it ("Is there a 2026 calendar?" — "The 2025
calendar is on the noticeboard."). Not seen: "this year", "next season", "before April", "when I was 12".
"""

from __future__ import annotations

import re

from bot.answer.specifics import asks_yes_no
from bot.store.folding import fold

# A year standing alone ("in 1905,"), not in "1990s", "2025-26", "£2025", "1.2025", "2,000" or "1999%".
_YEAR = re.compile(r"(?<![\w£$€])(?<![0-9][.,/:-])(?:1[5-9]|20)[0-9]{2}(?![\w%]|[.,/:-][0-9])")
_PAST = re.compile(r"\b(?:last|previous) (?:year|season|term|month|week|spring|summer|autumn|winter)\b",
                   re.IGNORECASE)


def asks_period(question: str) -> bool:
    """Whether `missing_period` may find something for `question`: it names a year or a past period and does
    not ask yes or no. Cheap: the passages are read only when this holds."""
    folded = fold(question)
    return not asks_yes_no(question) and bool(_YEAR.search(folded) or _PAST.search(folded))


def missing_period(question: str, passages: list[str], best: str) -> tuple[str, str] | None:
    """(the period `question` asks about, a year the best sentence gives instead or "") when no passage of
    `passages` (matching text) gives that period; else None.

    "term dates for 2026" against "Spring term ends on Friday 4 April 2025." → ("2026", "2025"); "How much was
    the rent last year?" against a tenancy agreement that names no year → ("last year", "")."""
    if not asks_period(question):
        return None
    folded = fold(question)
    asked = _YEAR.findall(folded)
    if asked:
        if any(year in _YEAR.findall(fold(text)) for text in passages for year in asked):
            return None
        given = [year for year in _YEAR.findall(fold(best)) if year not in asked]
        return asked[0], given[0] if given else ""
    said = _PAST.search(folded).group(0).lower()  # `asks_period`: there is one
    if any(said in fold(text).lower() or _YEAR.search(fold(text)) for text in passages):
        return None
    return said, ""


def period_note(missing: tuple[str, str]) -> str:
    """What the answer says when `missing_period` found `missing`."""
    asked, given = missing
    if given:
        return f"No passage found gives “{asked}”; the closest gives “{given}”."
    return f"No passage found gives “{asked}”." if asked[0].isdigit() else f"No passage found speaks of “{asked}”."
