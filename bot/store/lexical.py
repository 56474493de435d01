"""Keyword search over passages: BM25 (bm25s, Lucene variant) over stemmed words and word pairs, stop words out.

Holds the tokenizer shared by everything lexical (BM25 ranking and the term-coverage signal used when
re-scoring sentences), so a word is the same word everywhere, in either spelling (`spelling`) and in digits
or in words (`numbers`). Saved as bm25s's plain files (numpy arrays without pickle, JSON vocabulary) plus
`df.json`. It does not fuse or rank against dense results.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from bot.store.folding import words
from bot.store.numbers import as_words
from bot.store.spelling import american

# bm25s sets its own logger to DEBUG when imported, so its per-build debug lines would reach any root handler
# (the CLI's and the web UI's print the bot's notices); only its warnings are worth a user's attention.
logging.getLogger("bm25s").setLevel(logging.WARNING)
# in the index manifest: an index tokenized otherwise is rebuilt (its vectors are kept)
TOKENIZER = "stem-en+us-spelling+number-words+pairs-2"
_STEMMER = Stemmer.Stemmer("english")
_STOP = frozenset(bm25s.stopwords.STOPWORDS_EN) | {"did", "does", "do", "was", "were", "is", "are", "what",
                                                    "who", "whom", "which", "when", "where", "why", "how"}
# A question's terms, as term coverage counts them, leave out NLTK's English stop words too (bm25s ships
# them): auxiliaries and pronouns ("can", "have", "she") ask rather than name, and in a small library such
# a word is rare, so it weighed most ("Courts can be booked …" covered "Who can get concession prices?"
# better than the sentence on concessions). "own" and "won" stay: in a question they are verbs ("Who owns
# the Wren room?"). BM25 keeps the short list: its scores already discount common words.
QUESTION_STOP = _STOP | (frozenset(bm25s.stopwords.STOPWORDS_EN_PLUS) - {"own", "won"})


def tokenize(text: str, stop: frozenset[str] = _STOP) -> list[str]:
    """Folded (`folding`), lower-cased, `stop` words removed unless written as an acronym ('IT'), British
    spellings made American (`spelling`), numbers in digits written as words (`numbers`), stemmed: 'Who
    negotiated the ceasefires?' → ['negoti', 'ceasefir']; 'neighbours' and 'neighbors' → ['neighbor'];
    '4th' and 'fourth' → ['fourth']."""
    found, caps = words(text)
    kept = [term for i, w in enumerate(found) if i in caps or w.lower() not in stop
            for term in as_words(american(w.lower()))]
    return _STEMMER.stemWords(kept)


def keyword_terms(text: str) -> list[str]:
    """What BM25 indexes and searches for: `tokenize`'s terms, then each pair of neighbouring ones joined by a
    space ('Bank of America' → ['bank', 'america', 'bank america']). A pair rewards a passage that names the
    question's phrase, not just its words (held out, SQuAD2 recall@5 0.970 → 0.974, HotpotQA both gold documents
    in the top 10 0.944 → 0.950; README, *Quality*). Query and passage go through this same function, and so do
    the Milvus store's sparse vectors (`milvus_rows`), so the two stores rank alike."""
    terms = tokenize(text)
    return terms + word_pairs(terms)


def word_pairs(terms: list[str]) -> list[str]:
    """Each pair of neighbouring terms, joined by a space: ['bank', 'america'] → ['bank america']."""
    return [f"{a} {b}" for a, b in pairwise(terms)]


def stem_of(word: str) -> str:
    """One word as `tokenize` makes it (no stop list): 'Neighbours' → 'neighbor'; a number that is two words
    in words is their pair term ('21st' → 'twenti first', see `word_pairs`)."""
    return " ".join(_STEMMER.stemWords(as_words(american(word.lower()))))


class LexicalIndex:
    def __init__(self, bm25: bm25s.BM25, df: dict[str, int], n_docs: int) -> None:
        self._bm25 = bm25
        self._df = df
        self._n = n_docs

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        tokens = [keyword_terms(t) for t in texts]
        bm25 = bm25s.BM25()
        if texts:
            bm25.index(tokens, show_progress=False)
        df = Counter(tok for doc in tokens for tok in set(doc))
        return cls(bm25, dict(df), len(texts))

    def idf(self, token: str) -> float:
        df = self._df.get(token, 0)
        return math.log(1.0 + (self._n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Passage ids and BM25 scores of the best `k` passages that share a term with the query."""
        vocab = getattr(self._bm25, "vocab_dict", None) or {}  # an empty index has none
        terms = [t for t in keyword_terms(query) if t in vocab]
        if not terms or self._n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = self._bm25.get_scores(terms)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return top.astype(np.int64), scores[top].astype(np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._n:
            self._bm25.save(str(directory), show_progress=False)
        (directory / "df.json").write_text(json.dumps({"n_docs": self._n, "df": self._df}), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        meta = json.loads((directory / "df.json").read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(directory), show_progress=False) if meta["n_docs"] else bm25s.BM25()
        return cls(bm25, meta["df"], meta["n_docs"])
