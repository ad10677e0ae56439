"""The plain-language guide: for every article, an editorial summary and the everyday terms people use
for its subject (`data/guide/<treaty>.json`, written by the project, never treaty text), and the same
guide in other languages (`data/guide/<language>/<treaty>.json`), for questions asked in them.

It is used two ways: shown above an answer's quotations as "In brief — editorial summary, not treaty
text", and searched as an extra field (`GuideField`), so that "is ransomware a crime?" reaches the
article that speaks of "damaging, deletion, deterioration, alteration or suppression of electronic data".
A guide entry is never cited and never becomes an answer sentence.

    >>> guide = load_guide()
    >>> guide.entry("un-cybercrime-2024", "7").terms[:2]
    >>> guide.terms_in("Is ransomware a crime?", "un-cybercrime-2024")
    >>> guide.terms_in("Le rançongiciel est-il un crime ?", "un-cybercrime-2024", "fr")
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .lexical import WordScorer
from .vectorcache import load_vectors, save_vectors

GUIDE_DIR = Path(__file__).resolve().parent / "data" / "guide"
LABEL = "In brief — editorial summary, not treaty text"


@dataclass(frozen=True)
class GuideEntry:
    """One article's editorial summary and everyday terms."""

    treaty: str
    article: str
    summary: str
    terms: tuple[str, ...]
    language: str = "en"
    paragraph: str | None = None  # set for an entry on one paragraph of the preamble or the adopting resolution

    @property
    def key(self) -> tuple[str, ...]:
        """(treaty, article), or (treaty, part, paragraph) for a paragraph's own entry."""
        return (self.treaty, self.article) if self.paragraph is None else (self.treaty, self.article, self.paragraph)

    def search_text(self) -> str:
        """What the guide field embeds for this article: its everyday terms, then the summary."""
        return "; ".join(self.terms) + ". " + self.summary


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # scripts written without spaces between words


def _term_pattern(term: str) -> re.Pattern:
    if _UNSPACED.search(term):  # Chinese has no word boundaries to anchor on
        return re.compile(re.escape(term))
    # Whole words or phrases, with simple plural/verb endings ("deepfake" finds "deepfakes").
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?:s|es|ed|ing)?(?!\w)", re.I)


@dataclass
class Guide:
    """Every guide entry, by (treaty, article), and its translations by language."""

    entries: dict[tuple[str, ...], GuideEntry]  # by GuideEntry.key
    digest: str  # sha256 of the guide files: part of the cache key of the guide's vectors
    translations: dict[str, dict[tuple[str, ...], GuideEntry]] = field(default_factory=dict)

    def entry(self, treaty: str, article: str | None, language: str = "en") -> GuideEntry | None:
        """The entry for one article, in ``language`` when the guide has it in that language, else in English."""
        if not article:
            return None
        return self.translations.get(language, {}).get((treaty, article)) or self.entries.get((treaty, article))

    def terms_in(self, text: str, treaty: str | None = None, language: str = "en") -> dict[tuple[str, ...], list[str]]:
        """(treaty, article) -> the guide terms that occur in a text (whole words/phrases): the English ones,
        and those of ``language`` when the guide has that language."""
        low = text.lower()
        out: dict[tuple[str, ...], list[str]] = {}
        sources = [self.entries] + ([self.translations[language]] if language in self.translations else [])
        for entries in sources:
            for key, entry in entries.items():
                if treaty is not None and entry.treaty != treaty:
                    continue
                found = [t for t in entry.terms if t in low and _patterns(t).search(text)]
                if found:
                    out.setdefault(key, []).extend(t for t in found if t not in out.get(key, []))
        return out


@lru_cache(maxsize=4096)
def _patterns(term: str) -> re.Pattern:
    return _term_pattern(term)


@lru_cache(maxsize=1)
def load_guide(folder: Path = GUIDE_DIR) -> Guide:
    """Every `<treaty>.json` in the guide folder, and every `<language>/<treaty>.json` translation (cached)."""
    entries: dict[tuple[str, ...], GuideEntry] = {}
    translations: dict[str, dict[tuple[str, ...], GuideEntry]] = {}
    h = hashlib.sha256()
    for path in sorted([*Path(folder).glob("*.json"), *Path(folder).glob("*/*.json")]):
        raw = path.read_bytes()
        h.update(str(path.relative_to(folder)).encode() + b"\0" + raw)
        data = json.loads(raw.decode("utf-8"))
        language = data.get("language", "en")
        into = entries if path.parent == Path(folder) else translations.setdefault(language, {})
        for row in data["entries"]:
            entry = GuideEntry(data["treaty"], str(row["article"]), row["summary"].strip(),
                               tuple(t.strip() for t in row["terms"]), language, row.get("paragraph"))
            into[entry.key] = entry
    return Guide(entries, h.hexdigest(), translations)


class GuideField:
    """The guide as a retrieval field: one vector per article entry, compared with the question's vector.

    Vectors are computed once per (guide, model) and kept beside the index (`guide-<key>.npy`), so a
    restart reads them instead of embedding 200 entries again.
    """

    def __init__(self, guide: Guide, embedder, cache_dir: Path | None = None):
        self.guide = guide
        self.entries = list(guide.entries.values()) + [e for t in guide.translations.values() for e in t.values()]
        self.keys = [e.key for e in self.entries]
        self.vectors = self._vectors(embedder, cache_dir)

    def _vectors(self, embedder, cache_dir: Path | None) -> np.ndarray:
        texts = [e.search_text() for e in self.entries]
        key = hashlib.sha256((self.guide.digest + "\0" + embedder.model_id).encode()).hexdigest()[:16]
        path = cache_dir / f"guide-{key}.npy" if cache_dir else None
        cached = load_vectors(path, (len(texts), embedder.dimension))
        if cached is not None:
            return cached
        vectors = embedder.encode_passages(texts) if texts else np.zeros((0, embedder.dimension), np.float32)
        save_vectors(path, vectors)
        return vectors

    def lexical_scores(self, question: str, treaties, language: str) -> dict[tuple[str, ...], float]:
        """(treaty, article) -> BM25 of the question against the entries written in its own language, divided by
        the best (empty when none matches): the guide's words in the reader's language, where the texts have none."""
        out = self.word_scores(question, tuple(treaties), language)
        top = max(out.values(), default=0.0)
        return {key: s / top for key, s in out.items()} if top > 0 else {}

    @lru_cache(maxsize=256)
    def word_scores(self, question: str, treaties: tuple[str, ...], language: str) -> dict[tuple[str, ...], float]:
        """(treaty, article) -> raw BM25 of the question against the entries in its own ``language`` (cached: the
        ranking and the abstention signal both use them).

            >>> scores = field.word_scores("Un pays peut-il refuser d'extrader ses ressortissants ?", ("un-cybercrime-2024",), "fr")
            >>> max(scores, key=scores.get)
            ('un-cybercrime-2024', '37')
        """
        found = self._lexicon(language, frozenset(treaties))
        if found is None:
            return {}
        scorer, keys, common = found
        return {key: s for key, s in zip(keys, scorer.scores(question, common)) if s > 0}

    def common_words(self, language: str, treaties: tuple[str, ...]) -> frozenset[str]:
        """The words in more than a quarter of the guide's entries for these treaties in ``language`` ("convention",
        "State"): they name the treaty, not a subject."""
        found = self._lexicon(language, frozenset(treaties))
        return found[2] if found is not None else frozenset()

    @lru_cache(maxsize=64)
    def _lexicon(self, language: str, treaties: frozenset[str]):
        """A word scorer over the article and part entries (terms and summary) of these treaties in one language,
        their keys, and the words in more than a quarter of them (left out of questions: "convention", "State" say
        nothing about which article). Only the searched treaties' entries count, so a question about one treaty
        scores the same whatever other treaties the guide covers in that language."""
        entries = [e for e in self.entries if e.language == language and e.paragraph is None and e.treaty in treaties]
        if not entries:
            return None
        scorer = WordScorer([e.search_text() for e in entries], language)
        frequency = Counter(w for doc in scorer.docs for w in set(doc))
        common = frozenset(w for w, n in frequency.items() if n > len(scorer.docs) / 4)
        return scorer, [e.key for e in entries], common

    def scores(self, query: np.ndarray, treaties, language: str = "en", translated: bool = True) -> dict[tuple[str, ...], float]:
        """(treaty, article) -> cosine of the question with that article's guide entry, for these treaties: the
        better of the English entry and the entry in the question's ``language``, when there is one (``translated``
        False: the English entry only)."""
        wanted = set(treaties)
        languages = ("en", language) if translated else ("en",)
        # The paragraphs' own entries exist in English only: a question in another language is compared with the
        # entries it has in its own language too, the articles' and the parts'.
        rows = [n for n, e in enumerate(self.entries) if e.treaty in wanted and e.language in languages
                and (e.paragraph is None or language == "en")]
        if not rows:
            return {}
        sims = self.vectors[rows] @ query.reshape(-1)
        out: dict[tuple[str, ...], float] = {}
        for n, s in zip(rows, sims):
            key = self.keys[n]
            out[key] = max(out.get(key, -1.0), float(s))
        return out
