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

from .guide import GuideField
from .lexical import LexicalIndex
from .text import tokens
from .uncovered import UncoveredTopics

MODES = ("hybrid", "dense", "bm25")
# How the abstention signal is formed (part of the calibration cache's key: change it when the formula changes).
SIGNAL = ("best cosine + coverage_weight * coverage; across languages, its mean with the best guide cosine (the first "
          "treaty's entries in English and the question's language, the others' in English), "
          "plus guide_word_evidence * log(1 + best BM25 over the first treaty's guide entries in the question's language), "
          "minus uncovered_words * max(0, log(1 + best BM25 over the uncovered topics) - log(1 + that guide BM25))")


@dataclass(frozen=True)
class Scope:
    """Which chunks may be returned: treaties (in priority order), one language, optionally a chapter."""

    treaties: tuple[str, ...]
    language: str = "en"
    chapter: str | None = None


@dataclass(frozen=True)
class FusionSettings:
    """How the two rankings are combined."""

    method: str = "score"  # "score": weighted sum of normalised scores; "rrf": weighted reciprocal ranks
    rrf_k: float = 60.0
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    primary_boost: float = 0.25  # relative lift of the first treaty in scope when several are searched
    candidates: int = 100  # depth of each ranking fed into the fusion
    # With several treaties in scope, each treaty whose best passage is within this cosine distance of
    # the overall best gets that passage near the top, so a comparison shows every treaty that speaks to it.
    treaty_margin: float | None = 0.1
    # The abstention signal is the best cosine plus this share of the top passage's word coverage:
    # an off-topic question can land near some passage in embedding space, but rarely shares its words.
    coverage_weight: float = 0.3
    # The plain-language guide as a third field (assistant/guide.py): the question's cosine with each
    # article's guide entry, spread over the scope's range like the dense scores, and a fixed lift for
    # an article whose everyday terms ("ransomware", "ddos") the question uses.
    guide_weight: float = 0.0
    guide_term_weight: float = 0.0
    # A paragraph of the preamble or the resolution with a guide entry of its own gets this share of that entry's
    # lift: the full lift let broad recitals outrank the articles that say the same in operative terms (chosen on
    # the dev splits of the outsiders' and the front questions: 0.6, 0.7, 0.8 and 1.0 tried).
    paragraph_guide_share: float = 0.7
    # A question in another language than the texts has no words in common with them, but it may share words
    # with the guide's entries in its own language: BM25 over those entries lifts their articles by this weight.
    guide_lexical_weight: float = 0.0
    # Across languages, the abstention signal also rises by this weight times log(1 + the best raw BM25 of the
    # question over the guide's entries in its language): an in-field question the treaty does not address
    # ("Does the convention regulate net neutrality?") lands near some article by meaning, but shares few words
    # with any entry (0.02 chosen on the multilingual dev split of 0.005-0.03; the product on that split then
    # abstains on 78 instead of 74 of 89 off-topic questions, and still on 3 of 264 answerable ones).
    guide_word_evidence: float = 0.0
    # Across languages, the signal falls by this weight times how far the question's best BM25 over the editorial
    # list of topics the treaties do not cover (assistant/uncovered.py) exceeds its best over the guide, both in its
    # own language and in log(1 + score): "Does the treaty give web shops' customers fourteen days to cancel?"
    # shares more words with "consumer returns" than with any article's entry.
    uncovered_words: float = 0.0


@dataclass
class Hit:
    """One retrieved chunk with the evidence from each retriever."""

    row: int
    score: float
    dense: float | None = None  # cosine similarity
    dense_rank: int | None = None
    bm25: float | None = None
    bm25_rank: int | None = None
    guide: float | None = None  # cosine of the question with its article's guide entry


class HybridRetriever:
    """Ranks chunks for a question within a scope; `run` is the whole public surface."""

    def __init__(self, chunks: list[Chunk], vectors, embedder: Embedder, settings: FusionSettings = FusionSettings(),
                 exact_up_to: int = 0, guide: GuideField | None = None, uncovered: UncoveredTopics | None = None):
        self.chunks = chunks
        self.guide = guide
        self.uncovered = uncovered
        self.vectors = vectors
        self.embedder = embedder
        self.settings = settings
        # An approximate (IVF) index still answers exactly when the searched rows are this few
        # (the index's TREATY_QA_APPROX_ABOVE, which Assistant passes): every cell is probed for those rows alone.
        self.exact_up_to = exact_up_to
        self.lexical = LexicalIndex(chunks)
        self._scopes = lru_cache(maxsize=64)(self._rows)

    def _rows(self, scope: Scope) -> np.ndarray:
        return np.array([i for i, c in enumerate(self.chunks)
                         if c.treaty in scope.treaties and c.language == scope.language
                         and (scope.chapter is None or c.chapter == scope.chapter)], dtype=np.int64)

    def rows(self, scope: Scope) -> np.ndarray:
        """Chunk rows inside a scope (cached)."""
        return self._scopes(scope)

    def dense(self, question: str, rows: np.ndarray, limit: int, query: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top (row, cosine) pairs by the embedding model, restricted to rows."""
        if len(rows) == 0:
            return []
        return self.nearest(self.embedder.encode_queries([question]) if query is None else query, rows, limit)

    def nearest(self, query: np.ndarray, rows: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """Top (row, cosine) pairs for one query vector among rows: exact, or IVF for a large share of a large index."""
        import faiss

        index, params = self.vectors, None
        limit = min(limit, len(rows))
        ivf = hasattr(index, "nprobe")
        if len(rows) < index.ntotal:
            selector = faiss.IDSelectorBatch(rows)
            if ivf and len(rows) <= self.exact_up_to:
                params = faiss.SearchParametersIVF(sel=selector, nprobe=index.nlist)
            elif ivf:
                # The probed cells hold rows outside the scope too, so more cells are probed, in
                # proportion, to find as many inside it as an unfiltered search would.
                probe = min(index.nlist, int(np.ceil(index.nprobe * index.ntotal / len(rows))))
                params = faiss.SearchParametersIVF(sel=selector, nprobe=probe)
            else:
                params = faiss.SearchParameters(sel=selector)
        scores, ids = index.search(query, limit, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def run(self, question: str, scope: Scope, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        """The k best chunks in scope, best first; ties favour the first treaty of the scope."""
        return self.rank(question, scope, k, mode)[0]

    def rank(self, question: str, scope: Scope, k: int = 10, mode: str = "hybrid",
             query: np.ndarray | None = None, lexical: str | None = None, asked: str | None = None) -> tuple[list[Hit], float]:
        """`run`'s hits and the abstention signal (best cosine plus the top passage's word coverage), from one
        query encoding (``query``, when the caller has encoded the question already). ``lexical``: what BM25
        and the word coverage see instead of the question; for a question in another language than the texts,
        only the terms both share (acronyms, Latin-script terms), or nothing. ``asked``: the question's language, when
        it is not the texts' (the guide then also compares it with its entries in that language)."""
        rows = self.rows(scope)
        words = tokens(question if lexical is None else lexical, scope.language)
        s = self.settings
        depth = max(s.candidates, k)
        hits: dict[int, Hit] = {}
        if query is None and mode in ("hybrid", "dense") and len(rows):
            query = self.embedder.encode_queries([question])
        cross = asked not in (None, scope.language)
        # Across languages the guide decides more than the passages' cosines, so every passage in scope stays a
        # candidate: the article the guide points to may have no passage among the best hundred by cosine. The
        # cosines are still spread over the best hundred's range, as for a question in the texts' language.
        reach = len(rows) if cross and mode == "hybrid" else depth
        ranked_dense = self.dense(question, rows, reach, query) if query is not None and mode in ("hybrid", "dense") else []
        dense = ranked_dense[:depth]
        lexical = self.lexical.rank(words, rows, depth) if mode in ("hybrid", "bm25") and words else []
        for rank, (row, cos) in enumerate(ranked_dense, start=1):
            hit = hits.setdefault(row, Hit(row, 0.0))
            hit.dense, hit.dense_rank = cos, rank
        for rank, (row, score) in enumerate(lexical, start=1):
            hit = hits.setdefault(row, Hit(row, 0.0))
            hit.bm25, hit.bm25_rank = score, rank
        for hit in hits.values():
            hit.score = self._fused(hit, mode, dense, lexical)
        guide: dict[tuple[str, ...], float] = {}
        if mode == "hybrid" and self.guide is not None and (s.guide_weight or s.guide_term_weight):
            guide = self._add_guide(question, scope, query, hits, asked or scope.language)
        priority = {tid: n for n, tid in enumerate(scope.treaties)}
        if len(scope.treaties) > 1 and s.primary_boost:
            for hit in hits.values():
                if priority[self.chunks[hit.row].treaty] == 0:
                    hit.score *= 1 + s.primary_boost
        ranked = sorted(hits.values(), key=lambda h: (-h.score, priority[self.chunks[h.row].treaty], h.row))
        if len(scope.treaties) > 1 and s.treaty_margin is not None and dense:
            ranked = self._spread(ranked, dense[0][1] - s.treaty_margin)
        evidence = self._evidence(words, dense, ranked)
        if cross and guide and dense:
            # Across languages a chunk's cosine says less (the texts' wording is not the question's), while
            # the guide has entries in the question's own language: the signal is the mean of the two best.
            evidence = (evidence + self._guide_evidence(scope, query, asked)) / 2
            evidence += self._word_evidence(question, scope, asked)
        return ranked[:k], evidence

    def _guide_evidence(self, scope: Scope, query: np.ndarray, asked: str) -> float:
        """The signal's guide cosine: the best over the first treaty's entries in English and the question's
        language, and the other treaties' English entries. The floors are calibrated with the first treaty's guide
        alone in the question's language; the other treaties' entries in it lift their articles in the ranking
        (a question naming UNCAC in French finds UNCAC's articles), but counting them here would raise every
        signal over several treaties above what the floors were calibrated on."""
        first = self.guide.scores(query, scope.treaties[:1], asked)
        others = self.guide.scores(query, scope.treaties[1:], asked, translated=False) if len(scope.treaties) > 1 else {}
        return max([*first.values(), *others.values()], default=0.0)

    def _word_evidence(self, question: str, scope: Scope, asked: str) -> float:
        """For a question in another language than the texts: the guide's words in its language for the first
        treaty in scope raise the signal, and an uncovered topic's words, where they outweigh the guide's, lower it."""
        s = self.settings
        first = scope.treaties[:1]
        guide = float(np.log1p(max(self.guide.word_scores(question, first, asked).values(), default=0.0)))
        out = s.guide_word_evidence * guide
        if s.uncovered_words and self.uncovered is not None:
            topic = float(np.log1p(self.uncovered.best(question, scope.treaties, asked, self.guide.common_words(asked, first))))
            out -= s.uncovered_words * max(0.0, topic - guide)
        return out

    def guide_scores(self, question: str, scope: Scope, query: np.ndarray | None = None,
                     asked: str | None = None) -> dict[tuple[str, ...], float]:
        """(treaty, article) -> the guide field's contribution for a question (0 without a guide)."""
        if self.guide is None or query is None:
            return {}
        asked = asked or scope.language
        return self._guide_lift(question, scope, self.guide.scores(query, scope.treaties, asked), asked)

    def _guide_lift(self, question: str, scope: Scope, cosines: dict[tuple[str, ...], float],
                    asked: str) -> dict[tuple[str, ...], float]:
        s = self.settings
        if not cosines:
            return {}
        top, low = max(cosines.values()), min(cosines.values())
        out = {key: s.guide_weight * ((c - low) / (top - low) if top > low else 0.0) for key, c in cosines.items()}
        for treaty in scope.treaties:
            for key in self.guide.guide.terms_in(question, treaty, asked):
                out[key] = out.get(key, 0.0) + s.guide_term_weight
        if asked != scope.language and s.guide_lexical_weight:
            for key, lexical in self.guide.lexical_scores(question, scope.treaties, asked).items():
                out[key] = out.get(key, 0.0) + s.guide_lexical_weight * lexical
        return out

    def _add_guide(self, question: str, scope: Scope, query: np.ndarray | None, hits: dict[int, Hit],
                   asked: str) -> dict[tuple[str, ...], float]:
        """Lift the hits by the guide field; returns the guide cosines it used."""
        s = self.settings
        cosines = self.guide.scores(query, scope.treaties, asked) if query is not None else {}
        extra = self._guide_lift(question, scope, cosines, asked)
        for hit in hits.values():
            chunk = self.chunks[hit.row]
            # A paragraph of the preamble or the resolution with an entry of its own takes a share of its lift.
            key = (chunk.treaty, chunk.article, chunk.paragraph)
            own = key in extra
            if not own:
                key = (chunk.treaty, chunk.article)
            hit.score += extra.get(key, 0.0) * (s.paragraph_guide_share if own else 1.0)
            hit.guide = cosines.get(key)
        return cosines

    def _evidence(self, words: list[str], dense: list[tuple[int, float]], ranked: list[Hit]) -> float:
        """The abstention signal: best cosine in scope plus the weighted word coverage of the top passage."""
        if not dense:
            return 0.0
        coverage = self.lexical.coverage(words, ranked[0].row) if ranked and words else 0.0
        return dense[0][1] + self.settings.coverage_weight * coverage

    def _fused(self, hit: Hit, mode: str, dense: list[tuple[int, float]], lexical: list[tuple[int, float]]) -> float:
        """One hit's fused score: weighted reciprocal ranks, or weighted normalised scores."""
        s = self.settings
        if mode == "dense":
            return hit.dense if hit.dense is not None else 0.0
        if mode == "bm25":
            return hit.bm25 if hit.bm25 is not None else 0.0
        if s.method == "score":
            # Cosines are spread over the candidates' own range and BM25 divided by its best score,
            # so a passage far ahead on one signal keeps that lead instead of being flattened to a rank.
            top, low = (dense[0][1], dense[-1][1]) if dense else (1.0, 0.0)
            d = max(0.0, (hit.dense - low) / (top - low)) if hit.dense is not None and top > low else 0.0
            b = hit.bm25 / lexical[0][1] if hit.bm25 is not None and lexical else 0.0
            return s.dense_weight * d + s.bm25_weight * b
        d = 1 / (s.rrf_k + hit.dense_rank) if hit.dense_rank else 0.0
        b = 1 / (s.rrf_k + hit.bm25_rank) if hit.bm25_rank else 0.0
        return s.dense_weight * d + s.bm25_weight * b

    def _spread(self, ranked: list[Hit], floor: float) -> list[Hit]:
        """The best hit, then the best hit of every other treaty if its cosine reaches floor, then the rest."""
        lead, seen = [], set()
        for n, hit in enumerate(ranked):
            treaty = self.chunks[hit.row].treaty
            if treaty not in seen and (n == 0 or (hit.dense or 0.0) >= floor):
                lead.append(n)
            seen.add(treaty)
        return [ranked[n] for n in lead] + [h for n, h in enumerate(ranked) if n not in lead]

    def confidence(self, question: str, scope: Scope, lexical: str | None = None, asked: str | None = None,
                   mode: str = "hybrid") -> float:
        """The abstention signal for a question (what `rank` returns beside the hits) in one mode."""
        return self.rank(question, scope, k=1, mode=mode, lexical=lexical, asked=asked)[1]
