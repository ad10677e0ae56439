"""The concordance: which articles of one treaty correspond to which of another.

It is data in the repository (``assistant/data/concordance/<a>__<b>.json``, one file per pair of treaties,
both directions). Each link between two articles is ``computed`` (by `compute` below: title and text
similarity through the index's vectors, lexical overlap, and the kind of chapter each sits in) or
``reviewed`` (checked by a person against both texts, with a one-line note in our words on what differs:
editorial text, never treaty text). An article with no link to the other treaty has no counterpart
there; a reviewed "none" says so explicitly. Many-to-one links are allowed.

    >>> book = Concordances.load()
    >>> [(m.article, m.status) for m in book.matches("un-cybercrime-2024", "29", "coe-budapest-2001")]
    [('20', 'reviewed')]
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.model import Treaty

from .text import tokens

DATA = Path(__file__).resolve().parent / "data" / "concordance"
EDITORIAL = "Editorial note (ours, not treaty text)"
STATUSES = ("reviewed", "computed")


# -- the model -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    """Article `a` of the file's first treaty corresponds to article `b` of its second."""

    a: str
    b: str
    score: float
    status: str  # "reviewed" | "computed"
    note: str = ""  # reviewed links only: what differs, in our words (editorial)


@dataclass(frozen=True)
class NoCounterpart:
    """An article of one side (0: the file's first treaty, 1: its second) with no counterpart in the other."""

    side: int
    article: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class Match:
    """One counterpart of an article, seen from that article's treaty."""

    treaty: str
    article: str
    score: float
    status: str
    note: str = ""


@dataclass
class Concordance:
    """The links between two treaties (a, b), in both directions."""

    a: str
    b: str
    links: list[Link] = field(default_factory=list)
    none: list[NoCounterpart] = field(default_factory=list)
    method: dict = field(default_factory=dict)  # how the computed links were made (weights, floor)

    def matches(self, treaty: str, article: str) -> list[Match]:
        """Counterparts of `article` of `treaty` (one of a, b) in the other treaty, best first."""
        side = 0 if treaty == self.a else 1
        other = self.b if side == 0 else self.a
        found = [Match(other, link.b if side == 0 else link.a, link.score, link.status, link.note)
                 for link in self.links if (link.a if side == 0 else link.b) == article]
        # Reviewed links first: a person checked them; then by similarity.
        return sorted(found, key=lambda m: (m.status != "reviewed", -m.score, _number(m.article)))

    def no_counterpart(self, treaty: str, article: str) -> NoCounterpart | None:
        """The explicit "no counterpart" entry of an article, if there is one."""
        side = 0 if treaty == self.a else 1
        return next((n for n in self.none if n.side == side and n.article == article), None)

    def to_json(self) -> str:
        """The file's text: one link or "none" entry per line, so a review shows as a one-line diff."""
        d = self.to_dict()
        rows = lambda key: ",\n".join("  " + json.dumps(x, ensure_ascii=False) for x in d[key])  # noqa: E731
        return (f'{{"treaties": {json.dumps(d["treaties"])},\n "method": {json.dumps(d["method"])},\n'
                f' "links": [\n{rows("links")}\n ],\n "none": [\n{rows("none")}\n ]}}\n')

    def to_dict(self) -> dict:
        """The file's JSON form."""
        return {"treaties": [self.a, self.b], "method": self.method,
                "links": [asdict(x) for x in sorted(self.links, key=lambda x: (_number(x.a), _number(x.b)))],
                "none": [asdict(x) for x in sorted(self.none, key=lambda x: (x.side, _number(x.article)))]}

    @classmethod
    def from_dict(cls, data: dict) -> "Concordance":
        """Read the file's JSON form."""
        a, b = data["treaties"]
        return cls(a, b, [Link(**x) for x in data.get("links", [])], [NoCounterpart(**x) for x in data.get("none", [])],
                   data.get("method", {}))


def _number(article: str) -> tuple[int, str]:
    digits = re.match(r"\d+", article)
    return (int(digits.group()) if digits else 0, article)


def file_name(a: str, b: str) -> str:
    """The data file of a pair of treaties (the pair in sorted order)."""
    first, second = sorted((a, b))
    return f"{first}__{second}.json"


class Concordances:
    """Every pair's concordance, read from the data folder."""

    def __init__(self, pairs: dict[tuple[str, str], Concordance]):
        self.pairs = pairs

    @classmethod
    def load(cls, folder: Path = DATA) -> "Concordances":
        """Read every `<a>__<b>.json` in the folder."""
        return _load(str(folder))

    def get(self, a: str, b: str) -> Concordance | None:
        """The concordance of two treaties, in whichever order it is stored."""
        return self.pairs.get(tuple(sorted((a, b))))

    def matches(self, treaty: str, article: str, other: str) -> list[Match]:
        """Counterparts of an article in another treaty, best first (empty: no counterpart)."""
        book = self.get(treaty, other)
        return book.matches(treaty, article) if book else []

    def no_counterpart(self, treaty: str, article: str, other: str) -> NoCounterpart | None:
        """The explicit "no counterpart" entry, if any."""
        book = self.get(treaty, other)
        return book.no_counterpart(treaty, article) if book else None


@lru_cache(maxsize=4)
def _load(folder: str) -> Concordances:
    pairs = {}
    for path in sorted(Path(folder).glob("*__*.json")):
        book = Concordance.from_dict(json.loads(path.read_text(encoding="utf-8")))
        pairs[tuple(sorted((book.a, book.b)))] = book
    return Concordances(pairs)


# -- computing the links ----------------------------------------------------------------------------
# The kind of provision a chapter, section or title holds, from its heading. A heading may name two
# ("Criminalization and law enforcement"). Articles of different kinds rarely correspond.
_KINDS = [
    ("general", r"general provisions|use of terms|common provisions"),
    ("criminalization", r"criminali[sz]ation|substantive criminal|offences|measures to be taken at (?:the )?national level"),
    ("procedural", r"procedural|law enforcement"),
    ("jurisdiction", r"jurisdiction"),
    ("cooperation", r"co-?operation|mutual assistance|24/7|asset recovery|extradition"),
    ("prevention", r"preventive"),
    ("assistance", r"technical assistance"),
    ("implementation", r"mechanisms? (?:of|for) implementation"),
    ("final", r"final provisions|relations between the convention"),
]


def article_kinds(treaty: Treaty, number: str) -> frozenset[str]:
    """Kinds of provision of an article, from the headings of its chapter and section."""
    article = treaty.article(number)
    chapter = " ".join(d.name for d in treaty.divisions if d.kind == "chapter" and d.number == article.chapter)
    section = " ".join(d.name for d in treaty.divisions
                       if d.kind == "section" and d.number == article.section and d.parent == article.chapter)

    def kinds(heading: str) -> frozenset[str]:
        return frozenset(kind for kind, pattern in _KINDS if re.search(pattern, heading.lower()))

    # A section narrows its chapter ("Measures at the national level" → "Procedural law") when its heading
    # names a kind; "General principles" under "International co-operation" does not.
    return kinds(section) or kinds(chapter) or frozenset({"other"})


@dataclass(frozen=True)
class Method:
    """How computed links are scored and kept: weights of the signals, the floors and the margin.

    The defaults were chosen on the dev split of the gold concordance (`python -m eval --concordance --tune`,
    eval/concordance.py); on dev the articles' mean chunk vectors and the kind of chapter added nothing once
    title vectors and word overlap were in, so their weights are 0 (they stay computed and stored)."""

    vector: float = 0.0  # cosine of the articles' mean chunk vectors (the index's FAISS vectors), scaled 0..1
    title: float = 0.5  # cosine of the titles' vectors, scaled 0..1
    lexical: float = 2.0  # tf-idf cosine of the articles' stemmed words
    structure: float = 0.0  # same kind of chapter (1) or not (0)
    floor: float = 0.4258  # below this the best candidate is no counterpart
    # A best candidate that itself prefers another article of the first treaty (not a mutual best) needs this
    # much: an offence with no counterpart tends to land on the nearest offence, which has its own partner.
    floor_alone: float = 0.8039
    alone_share: float = 0.0  # ... and at least this share of the score of the article it prefers
    margin: float = 0.03  # further counterparts within this of the best are kept too (many-to-one)


@dataclass
class Signals:
    """Article-by-article similarity matrices of two treaties (rows: a's articles, columns: b's)."""

    a: str
    b: str
    rows: list[str]
    cols: list[str]
    vector: np.ndarray
    title: np.ndarray
    lexical: np.ndarray
    structure: np.ndarray

    def score(self, method: Method) -> np.ndarray:
        """The combined score of every pair."""
        return (method.vector * self.vector + method.title * self.title + method.lexical * self.lexical
                + method.structure * self.structure)

    def similarity(self, method: Method) -> np.ndarray:
        """The combined score divided by the sum of the weights: 0..1, the "similarity" stored and shown."""
        total = method.vector + method.title + method.lexical + method.structure
        return self.score(method) / (total or 1.0)


def _spread(matrix: np.ndarray) -> np.ndarray:
    """Min-max scaled to 0..1 over the pair's matrix: e5 cosines crowd into a narrow band (about 0.75-0.95), so
    unscaled they would barely move a sum with the word overlap, which spans 0..1."""
    low, high = float(matrix.min()), float(matrix.max())
    return (matrix - low) / (high - low) if high > low else np.zeros_like(matrix)


def _mean_rows(vectors: np.ndarray, rows: list[int]) -> np.ndarray:
    v = vectors[rows].mean(axis=0)
    return v / (np.linalg.norm(v) or 1.0)


def article_vectors(chunks, vectors: np.ndarray, treaty: str, language: str = "en") -> dict[str, np.ndarray]:
    """Mean of an article's chunk vectors (the index's FAISS vectors), per article number."""
    rows: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        if c.kind == "article" and c.treaty == treaty and c.language == language:
            rows.setdefault(c.article, []).append(i)
    return {number: _mean_rows(vectors, r) for number, r in rows.items()}


def _tfidf(docs: dict[tuple[str, str], list[str]]) -> dict[tuple[str, str], dict[str, float]]:
    df = Counter(t for words in docs.values() for t in set(words))
    n = len(docs)
    out = {}
    for key, words in docs.items():
        tf = Counter(words)
        v = {t: (1 + math.log(c)) * math.log(1 + n / df[t]) for t, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out[key] = {t: x / norm for t, x in v.items()}
    return out


def _cosine(x: dict[str, float], y: dict[str, float]) -> float:
    if len(x) > len(y):
        x, y = y, x
    return sum(w * y.get(t, 0.0) for t, w in x.items())


def signals(corpus, chunks, vectors: np.ndarray, embedder, a: str, b: str) -> Signals:
    """Every signal for every pair of articles of treaties a and b (English texts)."""
    ta, tb = corpus.get(a, "en"), corpus.get(b, "en")
    rows, cols = [x.number for x in ta.articles], [x.number for x in tb.articles]
    va, vb = article_vectors(chunks, vectors, a), article_vectors(chunks, vectors, b)
    vector = np.array([[float(va[r] @ vb[c]) for c in cols] for r in rows])
    titles = embedder.encode_passages([x.title for x in ta.articles] + [x.title for x in tb.articles])
    title = titles[:len(rows)] @ titles[len(rows):].T
    # idf over every English article of the corpus, so words common to all treaties weigh little.
    docs = {(t.id, x.number): tokens(f"{x.title} {x.full_text()}") for (tid, lang), t in corpus.treaties.items()
            if lang == "en" for x in t.articles}
    weights = _tfidf(docs)
    lexical = np.array([[_cosine(weights[(a, r)], weights[(b, c)]) for c in cols] for r in rows])
    ka = [article_kinds(ta, r) for r in rows]
    kb = [article_kinds(tb, c) for c in cols]
    structure = np.array([[1.0 if x & y else 0.0 for y in kb] for x in ka])
    return Signals(a, b, rows, cols, _spread(vector), _spread(np.asarray(title, dtype=float)), lexical, structure)


def best_columns(score: np.ndarray, method: Method) -> list[int | None]:
    """Each row's best column, or None when it is below the floor (or below floor_alone without being mutual)."""
    back = score.argmax(axis=0)  # each column's best row
    out = []
    for i, row in enumerate(score):
        j = int(row.argmax())
        best = float(row[j])
        mutual = int(back[j]) == i
        keep = best >= method.floor and (mutual or (best >= method.floor_alone
                                                   and best >= method.alone_share * float(score[back[j], j])))
        out.append(j if keep else None)
    return out


def _side_links(score: np.ndarray, method: Method) -> list[tuple[int, int]]:
    """(row, col) of each row's best column (see best_columns), plus columns within the margin of it."""
    back = score.argmax(axis=0)
    out = []
    for i, j in enumerate(best_columns(score, method)):
        if j is None:
            continue
        # A further counterpart must be as convincing on its own: it prefers this article, or clears floor_alone.
        near = [int(k) for k in np.flatnonzero(score[i] >= score[i, j] - method.margin)]
        out += [(i, k) for k in near if k == j or int(back[k]) == i or score[i, k] >= method.floor_alone]
    return out


def computed(sig: Signals, method: Method) -> Concordance:
    """The computed concordance of two treaties: each article's best counterpart from both sides."""
    score, shown = sig.score(method), sig.similarity(method)
    pairs = set(_side_links(score, method)) | {(i, j) for j, i in _side_links(score.T, method)}
    links = [Link(sig.rows[i], sig.cols[j], round(float(shown[i, j]), 4), "computed") for i, j in sorted(pairs)]
    linked_a, linked_b = {x.a for x in links}, {x.b for x in links}
    none = ([NoCounterpart(0, r, "computed") for r in sig.rows if r not in linked_a]
            + [NoCounterpart(1, c, "computed") for c in sig.cols if c not in linked_b])
    return Concordance(sig.a, sig.b, links, none, asdict(method))


def merge_reviewed(computed_book: Concordance, stored: Concordance | None, sig: Signals, method: Method) -> Concordance:
    """The computed links with every reviewed entry of the stored file kept. A reviewed entry decides its
    article on its side: computed links and "none" entries of that article on that side are dropped."""
    if stored is None:
        return computed_book
    if (stored.a, stored.b) != (computed_book.a, computed_book.b):
        raise ValueError(f"stored concordance {stored.a}/{stored.b} is not {computed_book.a}/{computed_book.b}")
    score = sig.similarity(method)
    rows, cols = {r: i for i, r in enumerate(sig.rows)}, {c: j for j, c in enumerate(sig.cols)}
    reviewed = [replace_score(x, float(score[rows[x.a], cols[x.b]])) for x in stored.links if x.status == "reviewed"]
    reviewed_none = [x for x in stored.none if x.status == "reviewed"]
    decided = {(0, x.a) for x in reviewed} | {(1, x.b) for x in reviewed} | {(x.side, x.article) for x in reviewed_none}
    links = reviewed + [x for x in computed_book.links if (0, x.a) not in decided and (1, x.b) not in decided
                        and (x.a, x.b) not in {(r.a, r.b) for r in reviewed}]
    linked = {(0, x.a) for x in links} | {(1, x.b) for x in links}
    none = reviewed_none + [x for x in computed_book.none if (x.side, x.article) not in decided | linked]
    # An article whose only computed links were dropped has no counterpart now.
    everything = [(0, r) for r in sig.rows] + [(1, c) for c in sig.cols]
    none += [NoCounterpart(s, n, "computed") for s, n in everything
             if (s, n) not in linked and (s, n) not in {(x.side, x.article) for x in none}]
    return Concordance(computed_book.a, computed_book.b, links, none, computed_book.method)


def replace_score(link: Link, score: float) -> Link:
    """The link with its similarity recomputed."""
    return Link(link.a, link.b, round(score, 4), link.status, link.note)


def top1(sig: Signals, method: Method) -> dict[str, str | None]:
    """Each row article's best counterpart under a method, or None below the floor (what the eval scores)."""
    return {r: (sig.cols[j] if j is not None else None) for r, j in zip(sig.rows, best_columns(sig.score(method), method))}
