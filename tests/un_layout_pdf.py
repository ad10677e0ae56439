"""Typeset a parsed treaty into a PDF in UN layout, for testing the PDF parser beyond one file.

The text comes from the shared treaty files (parsed), never from this module: it only
adds layout — running headers, page numbers, a job number, first-line indents,
paragraph spacing, hyphenated line breaks, a footnote, and a resolution before the annex.
"""
from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF

from index.model import Provision, Treaty
from index.un_pdf import Headings

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LEFT, RIGHT, TOP, BOTTOM = 72.0, 540.0, 100.0, 700.0
LINE, GAP, INDENT, SIZE = 12.0, 7.0, 24.0, 10.0
FOOTNOTE_MARK = "1"


class _Doc(FPDF):
    symbol = ""
    running_title = ""
    job = ""

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font("serif", "B", 8)
        self.set_xy(LEFT, 36)
        left, right = (self.symbol, self.running_title) if self.page_no() % 2 == 0 else (self.running_title, self.symbol)
        self.cell(200, 10, left)
        self.set_xy(RIGHT - 200, 36)
        self.cell(200, 10, right, align="R")

    def footer(self):
        self.set_font("serif", "", 7)
        self.set_xy(LEFT, 752)
        self.cell(100, 10, f"{self.page_no()}/{{nb}}" if self.page_no() % 2 else self.job)
        self.set_xy(RIGHT - 100, 752)
        self.cell(100, 10, self.job if self.page_no() % 2 else f"{self.page_no()}/{{nb}}", align="R")


class UnLayoutWriter:
    """Lays out paragraphs line by line with the UN document conventions."""

    def __init__(self, symbol: str, running_title: str, job: str):
        self.pdf = _Doc(unit="pt", format="letter")
        self.pdf.symbol, self.pdf.running_title, self.pdf.job = symbol, running_title, job
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("serif", "", str(FONT_DIR / "DejaVuSerif.ttf"))
        self.pdf.add_font("serif", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
        self.pdf.alias_nb_pages()
        self.printed: set[str] = set()  # words already printed whole: safe to hyphenate later
        self.hyphenated = 0
        self.bottom = BOTTOM
        self.pdf.add_page()
        self.y = TOP

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y, self.bottom = TOP, BOTTOM

    def _lines(self, text: str, first_indent: float) -> list[tuple[float, str]]:
        words, lines, current, indent = text.split(" "), [], "", first_indent
        width = RIGHT - LEFT
        for word in words:
            trial = f"{current} {word}" if current else word
            if self.pdf.get_string_width(trial) <= width - indent:
                current = trial
                continue
            head = self._hyphen_split(current, word, width - indent)
            if head:
                lines.append((indent, f"{current} {head[0]}-" if current else f"{head[0]}-"))
                current, indent = head[1], 0.0
                continue
            lines.append((indent, current))
            current, indent = word, 0.0
        if current:
            lines.append((indent, current))
        for _, line in lines:
            self.printed.update(w.lower() for w in re.findall(r"[a-z]+", line) if not line.endswith(w + "-"))
        return lines

    def _hyphen_split(self, current: str, word: str, room: float) -> tuple[str, str] | None:
        # Break only lower-case words that were printed whole before: the parser can then
        # tell a soft hyphen from a compound's hyphen by the document's own vocabulary.
        core = re.fullmatch(r"([a-z]{9,})([,;.:]?)", word)
        if not core or core.group(1) not in self.printed:
            return None
        for k in range(len(core.group(1)) - 4, 3, -1):
            head = word[:k]
            if self.pdf.get_string_width(f"{current} {head}-".strip()) <= room:
                self.hyphenated += 1
                return head, word[k:]
        return None

    def paragraph(self, text: str, *, indent: bool = False, bold: bool = False, keep: bool = True,
                  footnote_after: bool = False) -> None:
        """One printed paragraph; `indent` gives its first line a first-line indent."""
        self.pdf.set_font("serif", "B" if bold else "", SIZE)
        lines = self._lines(text, INDENT if indent else 0.0)
        if keep and self.y + len(lines) * LINE > self.bottom and len(lines) * LINE < BOTTOM - TOP:
            self.new_page()
        for n, (x, line) in enumerate(lines):
            if self.y + LINE > self.bottom:
                self.new_page()
            self.pdf.set_font("serif", "B" if bold else "", SIZE)
            self.pdf.set_xy(LEFT + x, self.y)
            self.pdf.cell(RIGHT - LEFT - x, LINE, line)
            if footnote_after and n == len(lines) - 1:
                end = LEFT + x + self.pdf.get_string_width(line)
                self.pdf.set_font("serif", "", 5.5)
                self.pdf.set_xy(end + 0.5, self.y + 1)
                self.pdf.cell(6, 6, FOOTNOTE_MARK)
            self.y += LINE
        self.y += GAP

    def heading(self, lines: list[str]) -> None:
        """A heading of several lines kept together (e.g. "Article 5" + its title)."""
        self.paragraph(lines[0], bold=True)
        self.y -= GAP
        for line in lines[1:]:
            self.paragraph(line, bold=True)
            self.y -= GAP
        self.y += GAP

    def footnote(self, text: str) -> None:
        """The footnote at the bottom of the current page, under a rule."""
        self.pdf.set_font("serif", "", 8)
        lines = self._lines(text, 0.0)
        top = 735 - len(lines) * 10
        self.pdf.set_xy(LEFT, top - 14)
        self.pdf.cell(100, 10, "__________________")
        self.pdf.set_font("serif", "", 5.5)
        self.pdf.set_xy(LEFT - 6, top - 3)
        self.pdf.cell(6, 6, FOOTNOTE_MARK)
        self.pdf.set_font("serif", "", 8)
        for k, (_, line) in enumerate(lines):
            self.pdf.set_xy(LEFT, top + k * 10)
            self.pdf.cell(RIGHT - LEFT, 10, line)

    def save(self, path: Path) -> None:
        self.pdf.output(str(path))


def _provision(w: UnLayoutWriter, node: Provision, top_level: bool) -> None:
    head = f"{node.marker} {node.text}".strip() if node.marker else node.text
    if head:
        # UN layout: numbered paragraphs flush left; points and unnumbered paragraphs indented.
        w.paragraph(head, indent=not (node.kind == "paragraph") and (node.kind != "text" or top_level))
    for child in node.children:
        _provision(w, child, False)
    for tail in node.tail:
        w.paragraph(tail, indent=False)  # text closing a list starts flush left


def write_un_layout_pdf(treaty: Treaty, resolution: list[str], path: Path, *, symbol: str, job: str,
                        footnote: str, headings: Headings = Headings()) -> UnLayoutWriter:
    """Typeset `resolution` paragraphs, then the treaty as its annex, then save to `path`. ``headings``: the
    heading words of another language version's layout; the text stays the one given (test data, not a translation)."""
    w = UnLayoutWriter(symbol, treaty.title, job)
    for para in resolution:
        w.paragraph(para, indent=True)
    w.heading([headings.annex, treaty.title])
    w.heading([headings.preamble])
    for para in treaty.preamble:
        w.paragraph(para, indent=True, keep=False)
    chapters = {c.number: c for c in treaty.chapters}
    current = None
    for article in treaty.articles:
        if article.chapter != current and article.chapter in chapters:
            current = article.chapter
            w.heading([f"{headings.chapter} {current}", chapters[current].name])
        w.heading([f"{headings.article} {article.number}", article.title])
        for node in article.provisions:
            _provision(w, node, True)
    for n, clause in enumerate(treaty.final_clause):
        w.bottom = BOTTOM - 80  # leave room for the footnote on this page
        if n == 0 and clause.upper().startswith(Headings().testimonium):
            clause = headings.testimonium + clause[len(Headings().testimonium):]
        w.paragraph(clause, indent=True, footnote_after=(n == 0))
    w.footnote(footnote)
    if treaty.notes:  # the second annex: interpretative notes, each a heading naming articles, then numbered paragraphs
        w.heading([headings.annex, "Interpretative notes"])
        for note in treaty.notes:
            w.heading([note.heading])
            for para in note.paragraphs:
                w.paragraph(para, indent=True)
    w.save(path)
    return w
