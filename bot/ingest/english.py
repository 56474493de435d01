"""The English word list: pyspellchecker's (a maintained package; about 160,000 lower-case words with their
inflections, from its word-frequency list), read once when first needed (~0.2 s, ~30 MB). Used to tell a
typesetter's line-end hyphen from a compound's (`hyphens`) and a misspelt question word from a real one
(`answer.typos`). It is a list of words, not a spelling checker: nothing here suggests corrections.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Every word of the list, lower case ('colour' and 'color' both; no proper names of people)."""
    from spellchecker import SpellChecker  # imported here: only the callers that need the list pay for it

    return frozenset(SpellChecker(language="en").word_frequency.keys())
