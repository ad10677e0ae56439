"""Parse a United Nations treaty PDF (resolution + annexed convention + notes).

Layout handled: a resolution before the annex; "Annex" and the convention title;
"Preamble"; "Chapter N" and "Article N" headings with their titles on the next line
(one heading printed "Article 13."); numbered paragraphs, points and sub-points;
flush-left text closing a list; the testimonium ("IN WITNESS WHEREOF ..."); a
footnote; a second annex of interpretative notes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError
from .model import Article, Division, Document, Note, Treaty
from .pdf_layout import Block, dehyphenate, mend_spacing, read_pdf, word_counts
from .structure import ArticleBuilder, numbering_problem


@dataclass(frozen=True)
class Headings:
    """The words a language version prints in its headings."""

    article: str = "Article"
    chapter: str = "Chapter"
    annex: str = "Annex"
    preamble: str = "Preamble"
    testimonium: str = "IN WITNESS WHEREOF"


@dataclass
class UnPdfResult:
    """What one UN PDF holds: the treaty and the adopting resolution."""

    treaty: Treaty
    resolution: Document | None
    pages: int


def parse_un_pdf(path: Path, *, treaty_id: str, language: str, short_title: str,
                 headings: Headings = Headings()) -> UnPdfResult:
    """Parse a UN-layout PDF into a Treaty (and its resolution, if one precedes the annex)."""
    pdf = read_pdf(path)
    counts = word_counts([ln.text for b in pdf.blocks for ln in b.lines])

    def text(block: Block, start: int = 0) -> str:
        return mend_spacing(dehyphenate(block.text(start), counts), counts)

    return parse_un_blocks(path, pdf.blocks, pdf.footnotes, text, pdf.pages,
                           treaty_id=treaty_id, language=language, short_title=short_title, headings=headings)


def parse_un_blocks(path: Path, blocks: list[Block], footnotes: dict[str, str], text, pages: int, *,
                    treaty_id: str, language: str, short_title: str, headings: Headings) -> UnPdfResult:
    """Build the treaty from printed blocks in UN layout (from a PDF or a text file)."""
    tail = r"\s*(?:[.:—–-]\s*(?P<title>\S.*)|\.?)$"
    art_re = re.compile(rf"^{re.escape(headings.article)}\s+(\d+){tail}", re.I)
    chap_re = re.compile(rf"^{re.escape(headings.chapter)}\s+([IVXLC]+){tail}", re.I)
    annex_re = re.compile(rf"^{re.escape(headings.annex)}\b", re.I)

    def opens_body(b: Block) -> bool:
        return bool(chap_re.match(b.first_line) or art_re.match(b.first_line))

    first_heading = next((k for k, b in enumerate(blocks)
                          if opens_body(b) or _is_heading(b.first_line, headings.preamble)), None)
    if first_heading is None:
        raise CorpusError(path, f"no '{headings.article} N' headings found: not a treaty text")
    annexes = [k for k, b in enumerate(blocks[:first_heading]) if annex_re.match(b.first_line)]
    if annexes:
        # A resolution before the annex; the title is the rest of the "Annex" block and what follows.
        i = annexes[0]
        resolution = _resolution(path, treaty_id, [text(b) for b in blocks[:i]])
        title_parts = [text(blocks[i])[len(headings.annex):].strip(" .:")]
        i += 1
    else:
        # A bare treaty text: whatever precedes the first heading is its title.
        i, resolution, title_parts = 0, None, []
    while i < first_heading:
        title_parts.append(text(blocks[i]))
        i += 1
    title = " ".join(p for p in title_parts if p)
    treaty = Treaty(treaty_id, language, title, short_title, str(path))

    if i < len(blocks) and _is_heading(blocks[i].first_line, headings.preamble):
        i += 1
        while i < len(blocks) and not opens_body(blocks[i]):
            treaty.preamble.append(text(blocks[i]))
            i += 1

    builder: ArticleBuilder | None = None  # of the article being read
    chapter: str | None = None
    footnote_refs: list[str] = []

    while i < len(blocks):
        block = blocks[i]
        first = block.first_line
        if (m := chap_re.match(first)):
            builder = None
            chapter = m.group(1).upper()
            name, i = _heading_title(blocks, i, text, m.group("title"))
            treaty.divisions.append(Division("chapter", chapter, name))
            continue
        if (m := art_re.match(first)):
            number = m.group(1)
            if (problem := numbering_problem([a.number for a in treaty.articles], number)):
                raise CorpusError(path, problem, **block.where())
            name, i = _heading_title(blocks, i, text, m.group("title"))
            builder = ArticleBuilder()
            treaty.articles.append(Article(number, name, builder.provisions, chapter=chapter, source_page=block.page))
            continue
        if first.upper().startswith(headings.testimonium.upper()):
            builder = None
            treaty.final_clause.append(text(block))
            footnote_refs += [r for ln in block.lines for r in ln.footnote_refs]
            i += 1
            continue
        if annex_re.match(first):
            builder = None
            treaty.notes = _notes(blocks[i + 1:], text)
            break
        if builder is None and treaty.final_clause:
            treaty.final_clause.append(text(block))  # "DONE at ..." and the like after the testimonium
            i += 1
            continue
        if builder is None:
            raise CorpusError(path, f"text outside any article: {first[:60]!r}", **block.where())
        builder.add(text(block), block.indented)
        footnote_refs += [r for ln in block.lines for r in ln.footnote_refs]
        i += 1
    treaty.footnotes = [footnotes[r] for r in footnote_refs if r in footnotes]
    if not treaty.articles:
        raise CorpusError(path, f"no '{headings.article} N' headings found")
    return UnPdfResult(treaty, resolution, pages)


def _is_heading(line: str, word: str) -> bool:
    return line.strip().rstrip(".").lower() == word.lower()


def _heading_title(blocks: list[Block], i: int, text, inline: str | None) -> tuple[str, int]:
    """Title printed under a heading: inline after it, its block's other lines, else the next block."""
    block = blocks[i]
    if inline:
        return inline.strip(), i + 1
    if len(block.lines) > 1:
        return text(block, 1), i + 1
    if i + 1 < len(blocks):
        return text(blocks[i + 1]), i + 2
    return "", i + 1



def _resolution(path: Path, treaty_id: str, paragraphs: list[str]) -> Document | None:
    if not paragraphs:
        return None
    title_at = next((k for k, p in enumerate(paragraphs) if re.match(r"^\d+/\d+\.\s", p)), 0)
    number = re.match(r"^(\d+/\d+)\.", paragraphs[title_at])
    symbol = f"A/RES/{number.group(1)}" if number else "resolution"
    # The masthead above the title (distribution, session, agenda item) is layout, not text.
    body = paragraphs[title_at:]
    title, k = body[0], 1
    while title.endswith(";") and k < len(body):  # a title printed in several blocks
        title, k = f"{title} {body[k]}", k + 1
    return Document(f"{treaty_id}/resolution", title, str(path), body, symbol)


def _notes(blocks: list[Block], text) -> list[Note]:
    """The annex of interpretative notes: a heading naming articles, then numbered paragraphs."""
    notes: list[Note] = []
    title_done = False
    for block in blocks:
        body = text(block)
        if re.match(r"^\d+\.\s", body):
            title_done = True
            if notes:
                notes[-1].paragraphs.append(body)
            continue
        if not title_done and not re.search(r"\bArticles?\s+\d", body):
            continue  # the annex's own title
        title_done = True
        named = re.search(r"\bArticles?\s+(.*)", body)
        articles = re.findall(r"\d+", (named.group(1) if named else body).split(",")[0])
        notes.append(Note(str(len(notes) + 1), body, articles, []))
    return notes
