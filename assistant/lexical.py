"""BM25 over the chunk table (bm25s), with per-language stemming and scoped ranking."""
from __future__ import annotations

import math
from collections import Counter

import bm25s
import numpy as np

from index.chunking import Chunk

from .text import tokens, word_units


def chunk_tokens(chunk: Chunk) -> list[str]:
    """What BM25 indexes for a chunk: article title and the verbatim text, in the chunk's language."""
    return tokens(f"{chunk.title}\n{chunk.text}", chunk.language)


class LexicalIndex:
    """BM25 scores of every chunk for a question, plus the idf table answer assembly uses."""

    def __init__(self, chunks: list[Chunk]):
        docs = [chunk_tokens(c) for c in chunks]
        self._bm25 = bm25s.BM25()
        self._bm25.index(docs, show_progress=False)
        self._vocab = set(self._bm25.vocab_dict)
        df = Counter(t for doc in docs for t in set(doc))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.size = n
        self._docs = [set(doc) for doc in docs]
        self._unseen = math.log(1 + (n + 0.5) / 0.5)  # a word no passage has weighs as the rarest possible

    def coverage(self, question_tokens: list[str], row: int) -> float:
        """Share of the question's words (weighted by rarity) that passage `row` contains."""
        words = set(question_tokens)
        total = sum(self.idf.get(t, self._unseen) for t in words)
        return sum(self.idf[t] for t in words & self._docs[row]) / total if total else 0.0

    def scores(self, question_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk (zeros when no question word is in the corpus)."""
        known = [t for t in question_tokens if t in self._vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def rank(self, question_tokens: list[str], allowed: np.ndarray | None, limit: int) -> list[tuple[int, float]]:
        """Top (chunk row, score) pairs with a positive score, restricted to the allowed rows."""
        scores = self.scores(question_tokens)
        rows = allowed if allowed is not None else np.arange(self.size)
        sub = scores[rows]
        keep = sub > 0
        rows, sub = rows[keep], sub[keep]
        if len(rows) == 0:
            return []
        top = np.argsort(-sub, kind="stable")[:limit]
        return [(int(rows[i]), float(sub[i])) for i in top]


class WordScorer:
    """BM25 over a few short texts in one language (guide entries, topic descriptions), for a question's words.

        >>> WordScorer(["return an online order", "fly a drone"], "en").scores("Can I return my order?")[1]
        0.0
    """

    def __init__(self, texts: list[str], language: str):
        self.language = language
        self.docs = [word_units(t, language) for t in texts]
        self._bm25 = bm25s.BM25()
        self._bm25.index(self.docs, show_progress=False)

    def scores(self, question: str, ignore: frozenset[str] = frozenset()) -> list[float]:
        """Raw BM25 of each text for the question's word units, those in ``ignore`` left out (all 0 when none is known)."""
        words = [w for w in word_units(question, self.language) if w in self._bm25.vocab_dict and w not in ignore]
        return [float(x) for x in self._bm25.get_scores(words)] if words else [0.0] * len(self.docs)
