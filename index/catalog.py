"""The treaty catalog: which treaties exist, where their texts are, what shape they must have."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .config import CATALOG_PATH
from .un_pdf import Headings


@dataclass(frozen=True)
class Expected:
    """The structure a treaty's text must parse to."""

    articles: int
    chapters: int
    notes: int = 0
    preamble: bool = True


@dataclass(frozen=True)
class CatalogEntry:
    """One treaty of the catalog."""

    id: str
    title: str
    short_title: str
    instrument: str
    date: str
    format: str
    languages: tuple[str, ...]
    sources: dict[str, str]
    sha256: dict[str, str]
    official_urls: dict[str, str]
    expected: Expected
    primary: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> what people call it in that language
    definitions_article: str | None = None  # the "Use of terms" / "Definitions" article
    parent: str | None = None  # the treaty a protocol means by "the Convention"

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "id": self.id, "title": self.title, "short_title": self.short_title,
            "instrument": self.instrument, "date": self.date, "languages": list(self.languages),
            "sources": self.sources, "official_urls": self.official_urls,
            "expected": self.expected.__dict__, "primary": self.primary,
        }


@lru_cache(maxsize=4)
def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_catalog(path: Path = CATALOG_PATH) -> list[CatalogEntry]:
    """All catalog entries, primary treaty first."""
    data = _read(path)
    entries = [
        CatalogEntry(
            id=t["id"], title=t["title"], short_title=t["short_title"], instrument=t["instrument"],
            date=t["date"], format=t["format"], languages=tuple(t["languages"]), sources=dict(t["sources"]),
            sha256=dict(t.get("sha256", {})), official_urls=dict(t.get("official_urls", {})),
            expected=Expected(**t["expected"]), primary=bool(t.get("primary")), aliases=tuple(t.get("aliases", [])),
            names={lang: tuple(v) for lang, v in t.get("names", {}).items()},
            definitions_article=t.get("definitions_article"), parent=t.get("parent"),
        )
        for t in data["treaties"]
    ]
    return sorted(entries, key=lambda e: not e.primary)


def catalog_entry(treaty_id: str, path: Path = CATALOG_PATH) -> CatalogEntry:
    """The entry with this id; KeyError naming the known ids otherwise."""
    for e in load_catalog(path):
        if e.id == treaty_id:
            return e
    known = ", ".join(e.id for e in load_catalog(path))
    raise KeyError(f"unknown treaty id {treaty_id!r}; known: {known}")


def un_pdf_headings(language: str, path: Path = CATALOG_PATH) -> Headings | None:
    """Heading words of a UN PDF in this language, or None if that language is not supported."""
    table = _read(path).get("un_pdf_headings", {})
    return Headings(**table[language]) if language in table else None
