"""Parse the laws-markdown treaty files (English text, then the Dutch translation).

Layout (see PROVENANCE.md): a ``####`` title line; a preamble line ("Preamble ...",
"Preambule...", a ``### Preambule`` heading, or plain text before the first chapter);
``### CHAPTER  I`` / ``###SECTION 1`` / ``###TITLE 1`` / ``### Article  2`` headings,
each followed by a ``####`` line with its name; one printed paragraph per line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError
from .model import Article, Division, Treaty
from .structure import ArticleBuilder, numbering_problem
from .text_layout import read_text

_HEADING = re.compile(
    r"^###\s*(?P<kind>CHAPTER|HOOFDSTUK|SECTION|AFDELING|TITLE|TITEL|Article|Artikel|Preambule|Preamble)\b\s*(?P<num>\S*)\s*$"
)
_KIND = {
    "CHAPTER": "chapter", "HOOFDSTUK": "chapter",
    "SECTION": "section", "AFDELING": "section",
    "TITLE": "title", "TITEL": "title",
    "Article": "article", "Artikel": "article",
    "Preambule": "preamble", "Preamble": "preamble",
}
_TESTIMONIUM = re.compile(r"^(IN WITNESS WHEREOF|TEN BLIJKE WAARVAN)", re.I)
_INLINE_PREAMBLE = re.compile(r"^(Preamble|Preambule)\s*(?=[A-Z])")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def clean_line(text: str) -> str:
    """Remove markdown markup (links, emphasis) and layout whitespace; keep the words."""
    text = _LINK.sub(r"\1", text)
    text = text.replace("*", "")
    return " ".join(text.split())


@dataclass
class _Line:
    number: int  # 1-based line number in the file
    text: str


def split_languages(lines: list[str]) -> list[tuple[str, list[_Line]]]:
    """Split the file into its language parts: English first, then Dutch.

    A new part starts at a ``####`` title line that does not name a heading, i.e.
    whose previous non-blank line is ordinary text (the testimonium of the part before).
    """
    parts: list[tuple[str, list[_Line]]] = []
    current: list[_Line] = []
    prev = ""
    seen_article = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if line.startswith("<meta") or re.match(r"^##[^#]", line):
            continue  # the html header and the Dutch document title above everything
        if line.startswith("####") and (not prev or not prev.startswith("###")) and seen_article:
            parts.append(("en" if not parts else "nl", current))
            current, seen_article = [], False
        if (m := _HEADING.match(line)) and _KIND[m.group("kind")] == "article":
            seen_article = True
        current.append(_Line(number, line))
        if line.strip():
            prev = line
    parts.append(("en" if not parts else "nl", current))
    return parts


def parse_laws_markdown(path: Path, *, treaty_id: str, language: str, short_title: str) -> Treaty:
    """Parse one language part of a laws-markdown treaty file into a Treaty."""
    text = read_text(path)
    parts = dict(split_languages(text.splitlines()))
    if language not in parts:
        raise CorpusError(path, f"no {language!r} part in the file (found: {', '.join(parts) or 'none'})")
    return _parse_part(path, parts[language], treaty_id, language, short_title)


def _parse_part(path: Path, lines: list[_Line], treaty_id: str, language: str, short_title: str) -> Treaty:
    treaty = Treaty(treaty_id, language, "", short_title, str(path))
    pending: Division | Article | None = None  # heading waiting for its "####" name
    builder: ArticleBuilder | None = None  # of the article being read
    chapter = section = title = None
    in_preamble = False

    for ln in lines:
        line = ln.text.strip()
        if not line:
            continue
        if line.startswith("####"):
            name = clean_line(line[4:])
            if isinstance(pending, Division):
                pending.name = name
            elif isinstance(pending, Article):
                pending.title = name
            elif not treaty.title:
                treaty.title = name
            pending = None
            continue
        if (m := _HEADING.match(line)):
            kind, num = _KIND[m.group("kind")], m.group("num")
            if kind == "preamble":
                in_preamble = True
                continue
            in_preamble = False
            if kind == "article":
                if (problem := numbering_problem([a.number for a in treaty.articles], num)):
                    raise CorpusError(path, problem, line=ln.number)
                builder = ArticleBuilder()
                pending = Article(num, "", builder.provisions, chapter=chapter, section=section, subsection=title)
                treaty.articles.append(pending)
                continue
            builder = None
            if kind == "chapter":
                chapter, section, title = num, None, None
                pending = Division("chapter", num, "")
            elif kind == "section":
                section, title = num, None
                pending = Division("section", num, "", parent=chapter)
            else:
                title = num
                pending = Division("title", num, "", parent=section or chapter)
            treaty.divisions.append(pending)
            continue
        pending = None
        text = clean_line(line)
        if _TESTIMONIUM.match(text):
            builder = None
            treaty.final_clause.append(text)
            continue
        if builder is None:
            if treaty.articles or treaty.divisions and not in_preamble:
                raise CorpusError(path, f"text outside any article: {text[:60]!r}", line=ln.number)
            treaty.preamble.append(_INLINE_PREAMBLE.sub("", text))
            continue
        builder.add(text, None)
    if not treaty.articles:
        raise CorpusError(path, f"no article headings found in the {language!r} part")
    return treaty
