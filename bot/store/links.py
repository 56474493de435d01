"""Which documents a passage mentions by title, the way a wiki page names another page.

Titles are matched as whole word sequences, case-sensitively, with a trailing "(disambiguation)" removed;
only titles that name exactly one document, start with a capital or digit and have at least four characters
take part, so a shared title ("Normans" for fifty paragraphs) or a common word links nothing. Retrieval uses
it to bring in the second document of a multi-hop question; this module only finds mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from bot.types import Document

_DISAMBIGUATION = re.compile(r"\s*\([^)]*\)\s*$")
_WORD = re.compile(r"[^\s,;:!?\"“”()\[\]]+")
MAX_TITLE_WORDS = 8


class HasTitles(Protocol):
    title_index: dict[str, str]


def _key(title: str) -> str:
    return " ".join(_WORD.findall(_DISAMBIGUATION.sub("", title))).rstrip(".")


def title_index(documents: Iterable[Document]) -> dict[str, str]:
    """Linkable title → doc_id, for titles that name exactly one document."""
    seen: dict[str, list[str]] = {}
    for doc in documents:
        key = _key(doc.title)
        if len(key) >= 4 and (key[0].isupper() or key[0].isdigit()) and len(key.split()) <= MAX_TITLE_WORDS:
            seen.setdefault(key, []).append(doc.doc_id)
    return {key: ids[0] for key, ids in seen.items() if len(ids) == 1}


def mentioned_documents(store: HasTitles, text: str) -> list[str]:
    """Doc ids whose title appears in `text`, in order of first mention."""
    if not store.title_index:
        return []
    words = [w.rstrip(".'’") for w in _WORD.findall(text)]
    found: dict[str, None] = {}
    for i in range(len(words)):
        for n in range(1, min(MAX_TITLE_WORDS, len(words) - i) + 1):
            doc_id = store.title_index.get(" ".join(words[i:i + n]))
            if doc_id is not None:
                found[doc_id] = None
    return list(found)
