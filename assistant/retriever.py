"""Hybrid retrieval: dense (FAISS) and BM25 rankings fused by weighted reciprocal rank.

    >>> hits = retriever.run("preserve stored data quickly", Scope(("un-cybercrime-2024",), "en"), k=5)
    >>> hits[0].row, hits[0].score, hits[0].dense, hits[0].bm25
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from index.chunking import Chunk
from index.embedding import Embedder

from .lexical import LexicalIndex
from .text import tokens

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Scope:
    """Which chunks may be returned: treaties (in priority order), one language, optionally a chapter."""

    treaties: tuple[str, ...]
    language: str = "en"
    chapter: str | None = None


@dataclass(frozen=True)
class FusionSettings:
    """How the two rankings are combined."""

    rrf_k: float = 60.0
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    primary_boost: float = 0.05  # relative lift of the first treaty in scope when several are searched
    candidates: int = 100  # depth of each ranking fed into the fusion


@dataclass
class Hit:
    """One retrieved chunk with the evidence from each retriever."""

    row: int
    score: float
    dense: float | None = None  # cosine similarity
    dense_rank: int | None = None
    bm25: float | None = None
    bm25_rank: int | None = None


class HybridRetriever:
    """Ranks chunks for a question within a scope; `run` is the whole public surface."""

    def __init__(self, chunks: list[Chunk], vectors, embedder: Embedder, settings: FusionSettings = FusionSettings()):
        self.chunks = chunks
        self.vectors = vectors
        self.embedder = embedder
        self.settings = settings
        self.lexical = LexicalIndex(chunks)
        self._scopes = lru_cache(maxsize=64)(self._rows)

    def _rows(self, scope: Scope) -> np.ndarray:
        return np.array([i for i, c in enumerate(self.chunks)
                         if c.treaty in scope.treaties and c.language == scope.language
                         and (scope.chapter is None or c.chapter == scope.chapter)], dtype=np.int64)

    def rows(self, scope: Scope) -> np.ndarray:
        """Chunk rows inside a scope (cached)."""
        return self._scopes(scope)

    def dense(self, question: str, rows: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """Top (row, cosine) pairs by the embedding model, restricted to rows."""
        import faiss

        if len(rows) == 0:
            return []
        query = self.embedder.encode_queries([question])
        limit = min(limit, len(rows))
        params = None
        if len(rows) < self.vectors.ntotal:
            selector = faiss.IDSelectorBatch(rows)
            if hasattr(self.vectors, "hnsw"):
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.vectors.hnsw.efSearch, limit))
            else:
                params = faiss.SearchParameters(sel=selector)
        scores, ids = self.vectors.search(query, limit, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def run(self, question: str, scope: Scope, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        """The k best chunks in scope, best first; ties favour the first treaty of the scope."""
        return self.rank(question, scope, k, mode)[0]

    def rank(self, question: str, scope: Scope, k: int = 10, mode: str = "hybrid") -> tuple[list[Hit], float]:
        """`run`'s hits and the best cosine in scope (the abstention signal), from one query encoding."""
        rows = self.rows(scope)
        s = self.settings
        depth = max(s.candidates, k)
        hits: dict[int, Hit] = {}
        dense = self.dense(question, rows, depth) if mode in ("hybrid", "dense") else []
        if dense:
            for rank, (row, cos) in enumerate(dense, start=1):
                hit = hits.setdefault(row, Hit(row, 0.0))
                hit.dense, hit.dense_rank = cos, rank
                hit.score += s.dense_weight / (s.rrf_k + rank) if mode == "hybrid" else cos
        if mode in ("hybrid", "bm25"):
            for rank, (row, score) in enumerate(self.lexical.rank(tokens(question, scope.language), rows, depth), start=1):
                hit = hits.setdefault(row, Hit(row, 0.0))
                hit.bm25, hit.bm25_rank = score, rank
                hit.score += s.bm25_weight / (s.rrf_k + rank) if mode == "hybrid" else score
        priority = {tid: n for n, tid in enumerate(scope.treaties)}
        if len(scope.treaties) > 1 and s.primary_boost:
            for hit in hits.values():
                if priority[self.chunks[hit.row].treaty] == 0:
                    hit.score *= 1 + s.primary_boost
        ranked = sorted(hits.values(), key=lambda h: (-h.score, priority[self.chunks[h.row].treaty], h.row))
        return ranked[:k], dense[0][1] if dense else 0.0

    def confidence(self, question: str, scope: Scope) -> float:
        """Best cosine similarity in scope: the evidence that the texts address the question."""
        best = self.dense(question, self.rows(scope), 1)
        return best[0][1] if best else 0.0
