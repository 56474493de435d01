"""British and American spellings of a word as one word: 'neighbours' → 'neighbors', 'analyse' → 'analyze'.

The lexical side (BM25 and the term-coverage signal) sees every word through `american`, so a question asked
in one spelling finds a document written in the other. The pairs come from the `breame` package's
British→American spelling table (about 1,700 words: -our/-or, -ise/-ize, -yse/-yze, -re/-er, doubled
consonants, -ence/-ense, ae/oe …), not a hand list; it is a maintained, Apache-2.0 word list and it is read
once. This module maps spellings only: different words for one thing (lorry/truck) stay different.
"""

from __future__ import annotations

from breame.spelling import BRITISH_ENGLISH_SPELLINGS

# Lower-case British spelling → American spelling; every key and value in breame's table is lower-case.
_AMERICAN: dict[str, str] = dict(BRITISH_ENGLISH_SPELLINGS)


def american(word: str) -> str:
    """The American spelling of a lower-case word, or the word itself when it has no British variant."""
    return _AMERICAN.get(word, word)
