"""Make a user's question safe to search: Unicode-normalised, control characters and lone surrogates
removed, whitespace collapsed, length bounded.

Anything that leaves no words raises `QuestionError` with what to do. This module does not interpret the
question (follow-ups are `conversation`'s job).
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import QuestionError

_SPACE = re.compile(r"\s+")


def normalize_question(raw: object, max_chars: int = 2000) -> str:
    if not isinstance(raw, str):
        raise QuestionError("The question must be text.")
    if len(raw) > max_chars * 4:  # don't normalise megabytes only to refuse them
        raise QuestionError(f"The question is too long ({len(raw):,} characters); keep it under "
                            f"{max_chars:,} characters.")
    # Controls become spaces; format characters (zero-width, bidi overrides), lone surrogates, private-use
    # and unassigned code points are dropped, so what is searched is what the user can see.
    text = "".join(ch if ch.isspace() or unicodedata.category(ch)[0] != "C"
                   else (" " if unicodedata.category(ch) == "Cc" else "") for ch in raw)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE.sub(" ", text).strip()
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("Please type a question with at least one word.")
    if len(text) > max_chars:
        raise QuestionError(f"The question is too long ({len(text):,} characters); keep it under "
                            f"{max_chars:,} characters.")
    return text
