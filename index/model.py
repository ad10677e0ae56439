"""The corpus model: treaties, chapters, articles, provisions and notes.

Every node carries a stable id (``un-cybercrime-2024/en/art-41/3/e``) and can render
a human pinpoint label (``UN Convention against Cybercrime, Art. 41(3)(e)``).
Text is verbatim treaty text with layout and markup removed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator


@dataclass
class Provision:
    """A numbered paragraph, lettered point or roman sub-point (or an unnumbered paragraph).

    ``marker`` is the label as printed ("1.", "(a)", "a)", "a.", "(i)", "i."), empty for
    unnumbered text; ``number`` is the normalised key used in pinpoints ("1", "a", "i").
    ``tail`` holds text printed after the children that still belongs to this node
    (the flush-left "with the intent that ..." after a list).
    """

    kind: str  # "paragraph" | "point" | "subpoint" | "text"
    number: str | None
    marker: str
    text: str
    children: list["Provision"] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)

    def blocks(self) -> list[str]:
        """The printed blocks of this node in reading order (marker + text, children, tail)."""
        out = []
        for child in self.children:
            out.extend(child.blocks())
        if self.marker and not self.text and out:
            out[0] = f"{self.marker} {out[0]}"  # printed on one line: "12. (a) Each State Party ..."
        else:
            head = f"{self.marker} {self.text}".strip() if self.marker else self.text
            out = ([head] if head else []) + out
        out.extend(self.tail)
        return out

    def full_text(self) -> str:
        """All verbatim text of this node, blocks separated by blank lines."""
        return "\n\n".join(self.blocks())

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], "Provision"]]:
        """Yield (pinpoint path, node) for this node and every numbered descendant."""
        here = path + (self.number,) if self.number else path
        if self.number:
            yield here, self
        for child in self.children:
            yield from child.walk(here)


@dataclass
class Article:
    """One article: its number, title and provisions."""

    number: str
    title: str
    provisions: list[Provision] = field(default_factory=list)
    chapter: str | None = None  # chapter number, e.g. "IV"
    section: str | None = None
    subsection: str | None = None  # "Title" level of the Council of Europe treaties
    source_page: int | None = None

    def blocks(self) -> list[str]:
        """The printed blocks of the article body in reading order."""
        out: list[str] = []
        for p in self.provisions:
            out.extend(p.blocks())
        return out

    def full_text(self) -> str:
        """The whole article body, blocks separated by blank lines."""
        return "\n\n".join(self.blocks())

    def find(self, path: tuple[str, ...]) -> Provision | None:
        """The provision at a pinpoint path such as ("3", "e"), or None."""
        for node_path, node in self.walk():
            if node_path == path:
                return node
        return None

    def walk(self) -> Iterator[tuple[tuple[str, ...], Provision]]:
        """Every numbered provision with its pinpoint path, in reading order."""
        for p in self.provisions:
            yield from p.walk()


@dataclass
class Division:
    """A chapter, section or title heading (number + name)."""

    kind: str  # "chapter" | "section" | "title"
    number: str
    name: str
    parent: str | None = None  # number of the enclosing division, if any


@dataclass
class Note:
    """An interpretative note attached to one or more articles."""

    number: str  # "1" .. the notes' own paragraph numbers are kept in `paragraphs`
    heading: str
    articles: list[str]
    paragraphs: list[str]

    def full_text(self) -> str:
        """The note's paragraphs as printed, separated by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass
class Treaty:
    """One language version of one treaty."""

    id: str
    language: str
    title: str
    short_title: str
    source: str
    preamble: list[str] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    final_clause: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)

    @property
    def chapters(self) -> list[Division]:
        """The chapter divisions, in order."""
        return [d for d in self.divisions if d.kind == "chapter"]

    def article(self, number: str) -> Article | None:
        """The article with this number, or None."""
        for a in self.articles:
            if a.number == number:
                return a
        return None

    def notes_for(self, article: str) -> list[Note]:
        """Interpretative notes on an article."""
        return [n for n in self.notes if article in n.articles]

    def counts(self) -> dict[str, int]:
        """Article, chapter, paragraph, point and note counts."""
        paragraphs = points = 0
        for a in self.articles:
            for _, node in a.walk():
                if node.kind == "paragraph":
                    paragraphs += 1
                elif node.kind in ("point", "subpoint"):
                    points += 1
        return {
            "articles": len(self.articles),
            "chapters": len(self.chapters),
            "paragraphs": paragraphs,
            "points": points,
            "notes": len(self.notes),
        }


@dataclass
class Document:
    """A citable text that is not a treaty article tree (e.g. the adopting resolution)."""

    id: str
    title: str
    source: str
    paragraphs: list[str]
    symbol: str = ""  # e.g. "A/RES/79/243": the short name used in pinpoint labels

    def operative(self, number: str) -> str | None:
        """The operative paragraph printed "N. ...", or None."""
        return next((p for p in self.paragraphs if p.startswith(f"{number}. ")), None)


@dataclass(frozen=True)
class Citation:
    """A resolved pinpoint: which node, its label and its verbatim text."""

    id: str
    treaty: str
    language: str
    label: str
    text: str
    article: str | None = None
    paragraph: str | None = None
    point: str | None = None
    subpoint: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "id": self.id,
            "treaty": self.treaty,
            "language": self.language,
            "article": self.article,
            "paragraph": self.paragraph,
            "point": self.point,
            "subpoint": self.subpoint,
            "note": self.note,
            "label": self.label,
            "text": self.text,
        }
