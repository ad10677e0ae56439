"""The plain-language guide: for every article, an editorial summary and the everyday terms people use
for its subject (`data/guide/<treaty>.json`, written by the project, never treaty text).

It is used two ways: shown above an answer's quotations as "In brief — editorial summary, not treaty
text", and searched as an extra field (`GuideField`), so that "is ransomware a crime?" reaches the
article that speaks of "damaging, deletion, deterioration, alteration or suppression of electronic data".
A guide entry is never cited and never becomes an answer sentence.

    >>> guide = load_guide()
    >>> guide.entry("un-cybercrime-2024", "7").terms[:2]
    >>> guide.terms_in("Is ransomware a crime?", "un-cybercrime-2024")
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

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

    def search_text(self) -> str:
        """What the guide field embeds for this article: its everyday terms, then the summary."""
        return "; ".join(self.terms) + ". " + self.summary


def _term_pattern(term: str) -> re.Pattern:
    # Whole words or phrases, with simple plural/verb endings ("deepfake" finds "deepfakes").
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?:s|es|ed|ing)?(?!\w)", re.I)


@dataclass
class Guide:
    """Every guide entry, by (treaty, article)."""

    entries: dict[tuple[str, str], GuideEntry]
    digest: str  # sha256 of the guide files: part of the cache key of the guide's vectors

    def entry(self, treaty: str, article: str | None) -> GuideEntry | None:
        """The entry for one article, or None."""
        return self.entries.get((treaty, article)) if article else None

    def for_treaties(self, treaties) -> list[GuideEntry]:
        """Entries of these treaties, in file order."""
        wanted = set(treaties)
        return [e for e in self.entries.values() if e.treaty in wanted]

    def terms_in(self, text: str, treaty: str | None = None) -> dict[tuple[str, str], list[str]]:
        """(treaty, article) -> the guide terms that occur in a text (whole words/phrases)."""
        low = text.lower()
        out: dict[tuple[str, str], list[str]] = {}
        for key, entry in self.entries.items():
            if treaty is not None and entry.treaty != treaty:
                continue
            found = [t for t in entry.terms if t in low and _patterns(t).search(text)]
            if found:
                out[key] = found
        return out


@lru_cache(maxsize=4096)
def _patterns(term: str) -> re.Pattern:
    return _term_pattern(term)


@lru_cache(maxsize=1)
def load_guide(folder: Path = GUIDE_DIR) -> Guide:
    """Every `<treaty>.json` in the guide folder (cached)."""
    entries: dict[tuple[str, str], GuideEntry] = {}
    h = hashlib.sha256()
    for path in sorted(Path(folder).glob("*.json")):
        raw = path.read_bytes()
        h.update(path.name.encode() + b"\0" + raw)
        data = json.loads(raw.decode("utf-8"))
        for row in data["entries"]:
            entry = GuideEntry(data["treaty"], str(row["article"]), row["summary"].strip(),
                               tuple(t.strip() for t in row["terms"]))
            entries[(entry.treaty, entry.article)] = entry
    return Guide(entries, h.hexdigest())


class GuideField:
    """The guide as a retrieval field: one vector per article entry, compared with the question's vector.

    Vectors are computed once per (guide, model) and kept beside the index (`guide-<key>.npy`), so a
    restart reads them instead of embedding 200 entries again.
    """

    def __init__(self, guide: Guide, embedder, cache_dir: Path | None = None):
        self.guide = guide
        self.keys = list(guide.entries)
        self.vectors = self._vectors(embedder, cache_dir)
        self._rows = {key: n for n, key in enumerate(self.keys)}

    def _vectors(self, embedder, cache_dir: Path | None) -> np.ndarray:
        texts = [self.guide.entries[k].search_text() for k in self.keys]
        key = hashlib.sha256((self.guide.digest + "\0" + embedder.model_id).encode()).hexdigest()[:16]
        path = cache_dir / f"guide-{key}.npy" if cache_dir else None
        cached = load_vectors(path, (len(texts), embedder.dimension))
        if cached is not None:
            return cached
        vectors = embedder.encode_passages(texts) if texts else np.zeros((0, embedder.dimension), np.float32)
        save_vectors(path, vectors)
        return vectors

    def scores(self, query: np.ndarray, treaties) -> dict[tuple[str, str], float]:
        """(treaty, article) -> cosine of the question with that article's guide entry, for these treaties."""
        wanted = set(treaties)
        rows = [n for n, (t, _) in enumerate(self.keys) if t in wanted]
        if not rows:
            return {}
        sims = self.vectors[rows] @ query.reshape(-1)
        return {self.keys[n]: float(s) for n, s in zip(rows, sims)}
