"""The chat messages a language-model writer sends: the numbered passages, the question, the rules.

The passages carry the same `[n]` the answer will show, and the model is asked for short sentences that each
end with the `[n]` they rest on, and for `NO_ANSWER` when the passages do not answer. Nothing here talks to
a model or checks what comes back (`llm_writer`, `verify`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.answer.writer import Passage

NO_ANSWER = "The documents do not say."
MAX_PASSAGE_CHARS = 1500  # a passage is at most max_chunk_chars (1200 by default); this bounds a custom setting

SYSTEM = (
    "You answer questions using only the numbered passages the user gives you. "
    "Write two to four short sentences. End every sentence with the number of the passage it comes from, "
    "in square brackets, like [1]. Do not use anything that is not in the passages. "
    f'If the passages do not answer the question, reply exactly: "{NO_ANSWER}"'
)


def messages(question: str, passages: Sequence[Passage]) -> list[dict[str, str]]:
    """OpenAI-style chat messages: the rules as the system message, passages and question as the user's."""
    listed = "\n\n".join(f"[{p.n}] {p.title}\n{p.text[:MAX_PASSAGE_CHARS]}" if p.title and not
                         p.text.startswith(p.title) else f"[{p.n}] {p.text[:MAX_PASSAGE_CHARS]}" for p in passages)
    user = f"Passages:\n\n{listed}\n\nQuestion: {question}\nAnswer, citing passages as [n]:"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def says_no_answer(text: str) -> bool:
    """Whether a written sentence is the model's "the documents do not say" rather than a claim."""
    lowered = " ".join(text.lower().split())
    return any(phrase in lowered for phrase in ("documents do not say", "documents don't say",
                                                "passages do not say", "passages do not answer",
                                                "do not contain the answer", "does not say"))
