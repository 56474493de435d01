"""How much each of a question's terms should count when measuring how much of the question a text holds:
the library's IDF, damped for words that are common in English at large.

In a small library IDF alone misleads: a plain word the library happens not to use ("published", "more",
"wrote") gets the highest IDF, so a sentence that shares it looks closer than one that answers in other
words. Each term's IDF is therefore multiplied by its word's rarity in general English, from the `wordfreq`
package (word frequencies from many sources, shipped in the package, Apache-2.0/CC BY-SA): 1 for words at
or below `RARE_ZIPF` on the Zipf scale (≈ once per ten million words or rarer), falling linearly to
`FLOOR` at `COMMON_ZIPF` ("the", "more", "get"). Only the weights change; which words are terms is still
`lexical.tokenize`'s call.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

from bot.store.lexical import LexicalIndex, tokenize

RARE_ZIPF = 4.0
COMMON_ZIPF = 6.5
FLOOR = 0.1
_WORD = re.compile(r"(?u)\b\w\w+\b")


@lru_cache(maxsize=65536)
def rarity(word: str) -> float:
    """1 for a rare English word (or one wordfreq does not know, as a name), down to FLOOR for a common one."""
    zipf = zipf_frequency(word, "en")
    share = (COMMON_ZIPF - zipf) / (COMMON_ZIPF - RARE_ZIPF)
    return min(1.0, max(FLOOR, share))


def term_weights(lexical: LexicalIndex, text: str) -> dict[str, float]:
    """Each term of `text` (as `tokenize` gives it) → its IDF in the library × its word's English rarity;
    a term written several ways ("involved", "involvement") takes its rarest word's rarity."""
    weights: dict[str, float] = {}
    for word in _WORD.findall(text.lower()):
        for term in tokenize(word):
            weights[term] = max(weights.get(term, 0.0), lexical.idf(term) * rarity(word))
    return weights
