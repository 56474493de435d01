"""Numbers written in digits and in words as the same words: '4th' → 'fourth', '21' → 'twenty one'.

The lexical side (BM25 and the term-coverage signal) sees every word through `as_words`, so "Who was the 4th
to rule?" finds "The fourth Yuan emperor" and "the 4-slice toaster" is "the four-slice toaster". The word
forms come from the `num2words` package, not a hand list. Written out: whole numbers from 2 to 99 and
ordinals from 1st to 99th, as people write them either way. Larger numbers are years, prices and codes,
written in digits; and "1" stays "1", because "one" is mostly a pronoun ("no one", "one of the") and would
drown the digit. It maps written forms only: "dozen" and "a couple" stay words.
"""

from __future__ import annotations

from num2words import num2words


def _spelled(n: int, to: str) -> tuple[str, ...]:
    return tuple(num2words(n, lang="en", to=to).split("-"))  # "twenty-first": the tokenizer splits at "-" too


# Lower-case digit form → the words of its English name: "21" → ("twenty", "one"), "21st" → ("twenty", "first").
_WORDS: dict[str, tuple[str, ...]] = {
    **{str(n): _spelled(n, "cardinal") for n in range(2, 100)},
    **{num2words(n, lang="en", to="ordinal_num"): _spelled(n, "ordinal") for n in range(1, 100)},
}


def as_words(word: str) -> tuple[str, ...]:
    """A lower-case word's number in words ('21st' → ('twenty', 'first')), or the word alone ('2024', 'one')."""
    return _WORDS.get(word, (word,))
