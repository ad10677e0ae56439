"""Read a PDF's text layer into positioned lines and paragraph blocks.

pypdf's plain ``extract_text`` loses what a treaty parser needs: where a line starts
(first-line indents separate paragraphs from flush-left continuations), the vertical
gaps between paragraphs, font sizes (superscript footnote markers) and running
headers/footers. This module keeps those, and nothing treaty-specific.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError
from .structure import split_marker

# Fractions of page height outside which text is a running header or footer.
HEADER_ZONE = 0.905
FOOTER_ZONE = 0.065
# A vertical step larger than this many font sizes starts a new paragraph.
PARAGRAPH_GAP = 1.35
FOOTNOTE_RULE = re.compile(r"^_{5,}$")


@dataclass
class Line:
    """One printed line of body text."""

    page: int  # 1-based
    x: float  # where the first visible glyph starts
    y: float
    size: float
    bold: bool
    text: str
    footnote_refs: list[str] = field(default_factory=list)
    source_line: int | None = None  # for text files: 1-based line number


@dataclass
class Block:
    """Consecutive lines that form one printed paragraph or heading."""

    lines: list[Line]
    indented: bool | None  # first line starts right of the page's text margin; None if unknown

    @property
    def page(self) -> int:
        return self.lines[0].page

    def where(self) -> dict:
        """Location keywords for CorpusError: page for PDFs, line for text files."""
        first = self.lines[0]
        return {"line": first.source_line} if first.source_line is not None else {"page": first.page}

    @property
    def first_line(self) -> str:
        return self.lines[0].text.strip()

    def text(self, start: int = 0) -> str:
        """The block's text from line `start` on, lines joined as prose."""
        return join_lines([ln.text for ln in self.lines[start:]])


@dataclass
class PdfText:
    """Body blocks and footnotes of a whole PDF."""

    blocks: list[Block]
    footnotes: dict[str, str]
    pages: int


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


@dataclass
class _Frag:
    x: float
    y: float
    size: float
    bold: bool
    text: str


def _page_fragments(page) -> list[_Frag]:
    frags: list[_Frag] = []

    def visit(text, cm, tm, font, size):
        if not text or text == "\n":
            return
        m = _mult(list(tm), list(cm))
        name = str((font or {}).get("/BaseFont", ""))
        scale = abs(m[3]) or 1.0
        frags.append(_Frag(m[4], m[5], size * scale, "Bold" in name, text.replace("\n", " ")))

    page.extract_text(visitor_text=visit)
    return frags


def _group_lines(frags: list[_Frag], page_no: int) -> list[Line]:
    """Group fragments into lines by baseline; raised small digits become footnote references."""
    visible = [f for f in frags if f.text.strip()]
    if not visible:
        return []
    chars: dict[float, int] = {}
    for f in visible:
        chars[round(f.size, 1)] = chars.get(round(f.size, 1), 0) + len(f.text)
    typical = max(chars, key=chars.__getitem__)
    small = [f for f in visible if f.text.strip().isdigit() and f.size < 0.75 * typical]
    rows: list[list[_Frag]] = []
    for f in sorted((f for f in frags if f not in small), key=lambda f: (-f.y, f.x)):
        if rows and abs(rows[-1][0].y - f.y) <= max(2.0, 0.35 * f.size):
            rows[-1].append(f)
        else:
            rows.append([f])
    refs: dict[int, list[str]] = {}
    for f in small:
        # A superscript sits a little above the baseline of the line it belongs to.
        near = [(f.y - row[0].y, k) for k, row in enumerate(rows)
                if any(r.text.strip() for r in row) and -1.0 <= f.y - row[0].y <= 0.8 * max(r.size for r in row)]
        if near:
            refs.setdefault(min(near)[1], []).append(f.text.strip())
        else:
            rows.append([f])
    lines: list[Line] = []
    for k, row in enumerate(rows):
        row.sort(key=lambda f: f.x)
        main = [f for f in row if f.text.strip()]
        if not main:
            continue
        first = main[0]
        lines.append(Line(page_no, first.x, first.y, max(f.size for f in main), first.bold,
                          "".join(f.text for f in row), refs.get(k, [])))
    lines.sort(key=lambda ln: -ln.y)
    return lines


def read_pdf(path: Path) -> PdfText:
    """Read a PDF into body blocks and footnotes; raise CorpusError if it has no usable text."""
    try:
        import pypdf
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise CorpusError(path, "pypdf is not installed; run `make install`") from exc
    try:
        reader = pypdf.PdfReader(str(path))
        pages = list(reader.pages)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as exc:
        raise CorpusError(path, f"not a readable PDF ({exc})") from exc
    if not pages:
        raise CorpusError(path, "the PDF has no pages")
    body: list[Line] = []
    footnotes: dict[str, str] = {}
    for number, page in enumerate(pages, start=1):
        try:
            frags = _page_fragments(page)
        except Exception as exc:  # pypdf raises many types on damaged content streams
            raise CorpusError(path, f"cannot read the text of page {number} ({exc})", page=number) from exc
        height = float(page.mediabox.height)
        lines = [
            ln for ln in _group_lines(frags, number)
            if FOOTER_ZONE * height < ln.y < HEADER_ZONE * height
        ]
        rule = next((i for i, ln in enumerate(lines) if FOOTNOTE_RULE.match(ln.text.strip())), None)
        if rule is not None:
            footnotes.update(_footnotes(lines[rule + 1:]))
            lines = lines[:rule]
        body.extend(lines)
    if sum(len(ln.text.strip()) for ln in body) < 20:
        raise CorpusError(path, "the PDF has no text layer (scanned image?); supply a PDF with text or a .txt/.md file")
    return PdfText(_blocks(body), footnotes, len(pages))


def _footnotes(lines: list[Line]) -> dict[str, str]:
    notes: dict[str, list[str]] = {}
    current = None
    for ln in lines:
        m = re.match(r"^\s*(\d+)\s+(.*)$", ln.text)
        if ln.footnote_refs:  # the footnote's own raised number opens it
            current = ln.footnote_refs[0]
            notes[current] = [ln.text]
        elif m and m.group(1) not in notes:
            current = m.group(1)
            notes[current] = [m.group(2)]
        elif current is not None:
            notes[current].append(ln.text)
    return {k: join_lines(v) for k, v in notes.items()}


def _margins(lines: list[Line]) -> dict[int, float]:
    """The text margin of each page: the leftmost start shared by several lines."""
    by_page: dict[int, list[float]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(round(ln.x, 0))
    margins = {}
    for page, xs in by_page.items():
        common = [x for x in set(xs) if xs.count(x) >= 2] or xs
        margins[page] = min(common)
    return margins


def _blocks(lines: list[Line]) -> list[Block]:
    margins = _margins(lines)
    blocks: list[Block] = []
    for ln in lines:
        if not ln.text.strip():
            continue
        indented = ln.x > margins[ln.page] + 3
        if not blocks:
            blocks.append(Block([ln], indented))
            continue
        prev = blocks[-1].lines[-1]
        if prev.page != ln.page:
            new = indented or starts_with_marker(ln.text) or _looks_like_heading(ln.text)
        else:
            new = (prev.y - ln.y) > PARAGRAPH_GAP * max(ln.size, prev.size) or ln.bold != prev.bold
        if new:
            blocks.append(Block([ln], indented))
        else:
            blocks[-1].lines.append(ln)
    return blocks


def starts_with_marker(text: str) -> bool:
    """True if the text opens with a paragraph or point marker ("1.", "(a)", "a)", "ii.")."""
    return split_marker(text.strip()) is not None


def _looks_like_heading(text: str) -> bool:
    return bool(re.match(r"^\s*(Article|Chapter|Annex)\b", text.strip()))


def join_lines(lines: list[str]) -> str:
    """Join printed lines into one paragraph, mending the breaks the layout made.

    A line ending in a hyphen joins without a space: the PDF text layer writes a
    compound broken at the line end as "Secretary -" + "General". A word split by
    the typesetter with a hyphen ("inter-" + "national") is joined the same way; the
    caller may then decide whether the hyphen was a soft one (see `dehyphenate`).
    """
    out = ""
    for raw in lines:
        text = " ".join(raw.split())
        if not text:
            continue
        if not out:
            out = text
        elif out.endswith(" -"):
            out = out[:-2] + "-" + text
        elif out.endswith("-") and text[:1].isalpha():
            out = out[:-1] + HYPHEN_BREAK + text
        else:
            out += " " + text
    return out


# Private-use character marking "hyphen at a line end"; resolved by `dehyphenate`.
HYPHEN_BREAK = "\ue000"


def dehyphenate(text: str, vocabulary: dict[str, int] | set[str]) -> str:
    """Resolve line-end hyphens: drop the hyphen if the joined word occurs elsewhere.

    Compounds (Secretary-General, cross-border) keep their hyphen: the joined form
    ("SecretaryGeneral") is not in the document's vocabulary, or the right part is
    capitalised.
    """
    def fix(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        joined = (left + right).lower()
        if right[:1].isupper() or joined not in vocabulary:
            return f"{left}-{right}"
        return left + right

    return re.sub(r"(\w+)" + HYPHEN_BREAK + r"(\w+)", fix, text).replace(HYPHEN_BREAK, "-")


def word_counts(texts: list[str]) -> dict[str, int]:
    """Lower-cased word frequencies over a document's raw lines."""
    counts: dict[str, int] = {}
    for t in texts:
        for w in re.findall(r"[^\W\d_]+", t):
            counts[w.lower()] = counts.get(w.lower(), 0) + 1
    return counts


def mend_spacing(text: str, counts: dict[str, int]) -> str:
    """Undo spaces the PDF text layer puts inside words and before punctuation.

    pypdf turns wide kerning in justified lines into spaces: "in terests", "judici al",
    "request .", "Secretary -General". A pair of tokens is joined when the joined word
    occurs elsewhere in the same document and one of the two parts occurs nowhere else:
    a broken fragment, not a word.
    """
    text = re.sub(r"(?<=\w) +(?=[.,;:](?:\s|$))", "", text)
    text = re.sub(r"(?<=\w) -(?=[^\W\d_])", "-", text)

    tokens = text.split(" ")
    out: list[str] = []
    for token in tokens:
        if out and _joinable(out[-1], token, counts):
            out[-1] += token
        else:
            out.append(token)
    return " ".join(out)


def _joinable(left: str, right: str, counts: dict[str, int]) -> bool:
    a = re.fullmatch(r"[(“‘\"']?([^\W\d_]+)", left)
    b = re.match(r"([^\W\d_]+)[^\w]*$", right)
    if not a or not b:
        return False
    x, y = a.group(1).lower(), b.group(1).lower()
    return counts.get(x + y, 0) >= 1 and min(counts.get(x, 0), counts.get(y, 0)) <= 1
