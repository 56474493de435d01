"""A word a question scopes to a name ("the longest river in Africa", "the manager of the Leeds branch"), and
a best sentence that scopes the same word to another name ("The Rhine is the longest river in Germany.").

Such a sentence answers a question nobody asked: the documents give that detail of another place, person or
thing. `other_scope` finds it when the sentence's passage (with its heading and its document's title) never
names the question's; `rescore.rescore` then abstains, and the answer says so ("No passage found gives
“river in Africa”; the closest gives “river in Germany”."). SQuAD2's crowd-written unanswerable questions
often swap such a name ("the legislature of American Union" for the European Union's).

A scope is a lower-case word before "in" or "of" and a capitalised name after it ("the" between them is
skipped). Two names are the same when the words of one are among the other's ("Polish" in "Polish–Lithuanian
Commonwealth"). Left alone: yes/no questions (the sentence about the other name answers them: "Is the Rhine
the longest river in Africa?"), a name the passage gives anywhere, and another name for the same thing ("the
Merrie Monarch" for King Kalākaua), which a passage that never names it cannot tell apart.
"""

from __future__ import annotations

import re

from bot.answer.specifics import asks_yes_no
from bot.store.folding import fold
from bot.store.lexical import QUESTION_STOP

_NAME = r"((?:[A-Z][\w'’]*)(?:[ \-–—][A-Z][\w'’]*)*)"
_SCOPED = re.compile(rf"\b([a-z]+) (in|of) (?:the )?{_NAME}")
Scope = tuple[str, str, str]  # ("river", "in", "Africa")


def scopes(question: str) -> tuple[Scope, ...]:
    """The (word, "in" or "of", name) that `question` scopes: "What is the longest river in Africa?" →
    (("river", "in", "Africa"),); () for a yes/no question or one that scopes nothing."""
    if asks_yes_no(question):
        return ()
    return tuple((m.group(1), m.group(2), m.group(3)) for m in _SCOPED.finditer(fold(question))
                 if m.group(1) not in QUESTION_STOP)


def other_scope(scoped: tuple[Scope, ...], best: str, passage: str) -> tuple[str, str] | None:
    """(the question's "river in Africa", the best sentence's "river in Germany") when `best` (matching text)
    scopes a word of `scoped` to another name and `passage` (matching text, with its title) never names the
    question's; else None."""
    words = _words(passage)
    for word, preposition, name in scoped:
        if _words(name) <= words:
            continue
        for found in re.finditer(rf"\b{re.escape(word)} (in|of) (?:the )?{_NAME}", fold(best)):
            other = found.group(2)
            if not (_words(other) <= _words(name) or _words(name) <= _words(other)):
                return f"{word} {preposition} {name}", f"{word} {found.group(1)} {other}"
    return None


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.lower()))
