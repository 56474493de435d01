"""Does a table row hold what the question asks for? A rule for answers whose best evidence is a table row.

A question that names a row and asks for a column the table lacks ("What is Aoife Brennan's email address?"
beside a staff directory of names, roles and extensions) is answered by none of the row's cells, however well
the row matches the name: the bot should say the documents do not answer. The question asks for a column
when one of its terms (as term coverage counts them, `compose.question_terms`: stemmed, stop words out) is
that column's name or its start ("owns" → Owner, "departs" → Depart), in a column whose cell the question
does not itself name (the Plant column is the row's key in "How many workers does the Arden plant employ?",
not what is asked); when a cell it does not name holds the kind of thing it asks for (`answer_type`: a name
for *who*, a date for *when*, a number for *how much*); or when it asks about the row as a whole: a yes/no
question ("Is garden waste collected in January?") or its status. Rule-based and English-only; words that
mean a column without naming it ("Where is it stored?" for a Location column) count only through the kind.
Measured on the field cases, their variants and `bench.tryout` (README, *Abstention and confidence*).
"""

from __future__ import annotations

import re

from bot.answer.answer_type import expected_kind, holds_kind
from bot.ingest.tables import split_cells
from bot.store.lexical import tokenize

# A question that opens with an auxiliary verb asks yes or no about what it names, the row as a whole.
_YES_NO = re.compile(r"^\W*(is|are|was|were|do|does|did|can|could|has|have|had|will|would|should|may|might|must|"
                     r"shall)\b", re.IGNORECASE)
_WHICH = re.compile(r"\b(?:which|what)\s+([^\W\d_][\w'’-]*)", re.IGNORECASE)
WHOLE_ROW = frozenset({"status", "detail"})  # stems of the words that ask for a row as it is


def asks_for_a_column(question: str, terms: list[str], header: str, row: str) -> bool:
    """Whether the table row `row` (a pipe-table line under the header line `header`) holds what `question`
    asks for (its terms `terms`, from `compose.question_terms`). True when there is no header to judge by."""
    names, cells = split_cells(header), split_cells(row)
    if not header or not any(names) or _YES_NO.match(question) or WHOLE_ROW & set(terms):
        return True
    asked = set(terms)
    kind = expected_kind(question)
    wanted = _asked_noun(question)  # "Which line departs at 12:40?" asks for a line: a route named in the row
    if wanted and any(_names(wanted, word) for text in (*names, *cells) for word in tokenize(text)):
        return True
    for name, cell in zip(names, cells, strict=False):
        words = set(tokenize(cell))
        shared = asked & words
        if shared and 2 * len(shared) >= len(words):
            continue  # the question names this cell ("Arden", "Dog show"): the row's key, not what it asks for
        if shared:
            return True  # a longer cell holding the question's words: a note that answers it ("Parking behind …")
        if any(_names(term, word) for term in asked for word in tokenize(name)):
            return True
        if kind is not None and cell and holds_kind(kind, cell, question):
            return True
    return False


def _asked_noun(question: str) -> str:
    """The term right after "which" or "what" when it names what is asked ("Which line", "What colour"), else ""."""
    found = _WHICH.search(question)
    terms = tokenize(found.group(1)) if found else []
    return terms[0] if terms else ""


def _names(term: str, word: str) -> bool:
    """A question term names a column word when they are equal or one starts the other (3 letters or more)."""
    return term == word or (min(len(term), len(word)) >= 3 and (word.startswith(term) or term.startswith(word)))
