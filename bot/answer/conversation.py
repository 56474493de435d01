"""Follow-up questions: which retrieval query to run for a message, given the conversation so far.

A message that stands on its own (its own subject, no pronoun, no ellipsis) is searched exactly as typed,
so a new topic never drags the old one along. A follow-up leans on earlier turns: through a pronoun or a
demonstrative ("When had he met him before?", "Who wrote that report?"), through ellipsis ("Why?",
"Who else?") or by continuing ("And Pakistan?", "What about Rubio?"). Its query is the message, then the
earlier question it continues (itself resolved, so chains work), then the names found in that turn's
cited sentences, which is where "him" usually points. "What about X?" instead re-asks the earlier question
with X in place of its subject. The answer's sentences are then judged on the message's own words (its
`focus`), so borrowed context decides where to look, not what counts as an answer. Rule-based and
stateless: the caller passes the earlier `Turn`s; no language model, no coreference model, English only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.types import Answer

SEPARATOR = " — "
MAX_NAMES = 6  # names carried over from the earlier turn's evidence
MAX_CHAIN = 3  # earlier questions a follow-up may pull in (a follow-up of a follow-up of …)


@dataclass(frozen=True)
class Turn:
    """One earlier exchange: what the user asked and the sentences the answer cited (none if it abstained)."""

    question: str
    evidence: tuple[str, ...] = ()


def turn_of(answer: Answer) -> Turn:
    return Turn(answer.question, tuple(c.sentence for c in answer.citations))


# Pronouns that point back at something said earlier. Possessives alone beside a name of the question's own
# ("What did Rubio say about his calls?") point inside the question, so they do not make it a follow-up.
_PERSONAL = frozenset("he him she her they them it himself herself itself themselves".split())
_POSSESSIVE = frozenset("his her hers its their theirs".split())
_DEMONSTRATIVE = frozenset("this that these those".split())
_POINTING = _PERSONAL | _POSSESSIVE | _DEMONSTRATIVE
_TRAILING = frozenset("then there that this".split())  # "What happened then?", "Who else was there?"
_CONTINUE = re.compile(r"^(?:and|but|also|so|then|what about|how about|what else|and what about)\b[\s,]*", re.I)
# Words that carry no topic of their own: what remains after removing them is the question's subject.
_FUNCTION = frozenset("""
a an the and or but so if then than as at by for from in into of on onto to with without about over under
after before since until during between against through per via up down out off
is are was were be been being am do does did done doing have has had having will would shall should can
could may might must
what who whom whose which when where why how whether
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
this that these those there here
not no yes any some all each every else more most other another such same just only also too very really
please tell explain say said know anything something everything nothing one ones thing things
however although though while both according meanwhile
""".split())
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_TERM = re.compile(r"[\w'’-]+")  # a word or a number: "on floor 3" keeps its "3" in the focus
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|[^\w\s]")
_NAME_WORD = re.compile(r"(?:[A-Z][\w’'-]*|of|the|de|van|von|al|bin)$")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if _acronym(w) or w.lower().replace("’", "'").split("'")[0] not in _FUNCTION]


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()  # "US" is a country, "us" a pronoun


def names(text: str) -> list[str]:
    """Runs of capitalised words ("Indian Prime Minister Narendra Modi", "Vance", "US"), possessives dropped.

    A capitalised function word ("The", "When", "He", "However") never starts a name, so sentence-initial
    words are kept only when they are not one; that misses nothing and lets in the odd "Tension".
    """
    found: list[str] = []
    run: list[str] = []
    for word in [*_TOKEN.findall(text), "."]:  # punctuation ends a run: "Kit Maher, Sophia Saifi" is two
        starts = word[:1].isupper() and (_acronym(word) or word.lower() not in _FUNCTION)
        if starts or (run and _NAME_WORD.match(word)):
            run.append(re.sub(r"['’]s$", "", word))
            continue
        while run and not run[-1][:1].isupper():  # "Bank of" → "Bank"
            run.pop()
        if run:
            found.append(" ".join(run))
        run = []
    return _dedupe(found)


def is_follow_up(question: str) -> bool:
    """Whether the message leans on an earlier turn (see the module docstring for the cues)."""
    if _CONTINUE.match(question):
        return True
    tokens = [w.lower() for w in words(question)]
    if not tokens or not content_words(question):
        return True  # "Why?", "How so?", "Who else?"
    if "else" in tokens or any(t in _PERSONAL for t in tokens):
        return True
    if any(t in _POSSESSIVE for t in tokens) and not names(question):
        return True
    if tokens[-1] in _TRAILING and len(tokens) > 1:
        return True
    for word, following in zip(words(question), words(question)[1:], strict=False):
        # "that report" points back; "reported that India …" and "that the …" do not.
        if word.lower() in _DEMONSTRATIVE and following.islower() and following not in _FUNCTION:
            return True
    return False


@dataclass(frozen=True)
class Resolution:
    """How a message is searched. `query` finds the passages (the message plus the context it borrows);
    `focus` is what the answer's sentences must match in words: the message without its pointing words
    ("When had he met him before?" → "When had met before"), so the borrowed context decides where to look
    but not what counts as an answer. A bare "Why?" has no words of its own and keeps the earlier focus."""

    query: str
    focus: str
    follow_up: bool


def resolve(question: str, history: Sequence[Turn | str], max_chars: int = 2000) -> Resolution:
    """`question` resolved against the earlier turns in `history`, oldest first."""
    turns = [t if isinstance(t, Turn) else Turn(t) for t in history if (t.question if isinstance(t, Turn) else t)]
    parts, focus = _resolve(question, turns)
    return Resolution(_fit(parts, max_chars), focus[:max_chars], len(parts) > 1 or parts[0] != question)


def retrieval_query(question: str, history: Sequence[Turn | str], max_chars: int = 2000) -> str:
    """The text to search for `question`; `history` holds the earlier turns, oldest first."""
    return resolve(question, history, max_chars).query


def _resolve(question: str, turns: list[Turn]) -> tuple[list[str], str]:
    """The query as parts (the message or its rewrite, then what it borrows, most recent first) and the focus."""
    if not turns or not is_follow_up(question):
        return [question], question
    last = turns[-1]
    earlier, earlier_focus = _resolve(last.question, turns[:-1])
    subject = _continued_subject(question)
    if subject is not None and names(subject):
        rewritten = _substitute(earlier[0], names(subject)[0], subject)
        return [rewritten], rewritten
    said = " ".join([question, *earlier])
    carried = [n for n in names(" ".join(last.evidence)) if n.lower() not in said.lower()][:MAX_NAMES]
    parts = [question, *earlier[:MAX_CHAIN]]
    if carried:
        parts.append(", ".join(carried))
    own = subject if subject is not None else " ".join(w for w in _TERM.findall(question) if w.lower() not in _POINTING)
    return parts, own if content_words(own) else earlier_focus


def _continued_subject(question: str) -> str | None:
    """"And Pakistan?" → "Pakistan"; None when the message does not start by continuing."""
    match = _CONTINUE.match(question)
    if not match:
        return None
    rest = question[match.end():].strip(" ?.!")
    return rest or None


def _substitute(earlier: str, name: str, subject: str) -> str:
    """`earlier` asked again about `subject`: its first name replaced, or `subject` put in front."""
    old = names(earlier)
    if old:
        return earlier.replace(old[0], name, 1)
    return f"{subject}{SEPARATOR}{earlier}"


def _fit(parts: list[str], max_chars: int) -> str:
    query = parts[0]
    for part in parts[1:]:
        if len(query) + len(SEPARATOR) + len(part) > max_chars:
            break
        query += SEPARATOR + part
    return query[:max_chars]


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out
