"""Reader for the hand-checked markdown extraction of A/RES/79/243 (test oracle only)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class OracleArticle:
    number: str
    title: str
    chapter: str
    blocks: list[str] = field(default_factory=list)


@dataclass
class Oracle:
    title: str
    preamble: list[str]
    chapters: list[tuple[str, str]]
    articles: list[OracleArticle]
    notes: list[tuple[str, list[str]]]


def norm(text: str) -> str:
    """Whitespace-normalised text."""
    return " ".join(text.split())


def read_oracle(path: Path) -> Oracle:
    """Parse the markdown oracle into titles and blocks per article, preamble and note."""
    title = ""
    preamble: list[str] = []
    chapters: list[tuple[str, str]] = []
    articles: list[OracleArticle] = []
    notes: list[tuple[str, list[str]]] = []
    target: list[str] | None = None
    chapter = ""
    in_notes = False
    for raw in path.read_text(encoding="utf-8").split("\n\n"):
        block = raw.strip()
        if not block:
            continue
        if block.startswith("# "):
            heading = block[2:]
            if heading == "Preamble":
                target = preamble
            elif heading.startswith("Annex."):
                in_notes = True
                target = None
            elif not title:
                title = heading
            continue
        if (m := re.match(r"^## Chapter ([IVX]+)\. (.*)$", block)):
            chapter = m.group(1)
            chapters.append((m.group(1), m.group(2)))
            continue
        if (m := re.match(r"^### Article (\d+)\. (.*)$", block)):
            articles.append(OracleArticle(m.group(1), m.group(2), chapter))
            target = articles[-1].blocks
            continue
        if in_notes and (m := re.match(r"^## Interpretative note — (.*)$", block)):
            notes.append((m.group(1), []))
            target = notes[-1][1]
            continue
        assert target is not None, block[:80]
        target.append(norm(block))
    return Oracle(title, preamble, chapters, articles, notes)
