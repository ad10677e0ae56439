"""Paragraph alignment inside a pair of corresponding articles, and word-level differences.

The printed blocks of both articles (paragraphs, points, sub-points, each with its pinpoint path) are
aligned in reading order: a monotone alignment that maximises the summed word overlap of the paired
blocks, so a block may stay unpaired (it is only in one treaty). The word-level difference of a pair is
the standard library's `difflib.SequenceMatcher` over words; nothing of ours is added to the texts.

    >>> rows = align(article_a, article_b)
    >>> rows[0].a, rows[0].b, [op.op for op in word_diff(rows[0].a_text, rows[0].b_text)]
    (('1',), ('1',), ['equal', 'changed', 'equal', ...])
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from index.model import Article

from .text import strip_marker, tokens

PAIR_FLOOR = 0.3  # Dice overlap of stemmed words below which two blocks are not paired
_WORDS = re.compile(r"\S+\s*")  # a word with the space after it: spaces alone would anchor false matches


@dataclass(frozen=True)
class Block:
    """One printed block: its pinpoint path and its verbatim text (marker included)."""

    path: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Row:
    """One row of a side-by-side view: a block of each article, or of one only."""

    a: tuple[str, ...] | None
    b: tuple[str, ...] | None
    a_text: str = ""
    b_text: str = ""
    similarity: float = 0.0
    ia: int | None = None  # positions of the blocks in their lists (a path can print twice: a lead-in and its tail)
    ib: int | None = None


@dataclass(frozen=True)
class Op:
    """One piece of a word-level difference; `a` is the first text's words, `b` the second's."""

    op: str  # "equal" | "removed" (only in a) | "added" (only in b) | "changed"
    a: str = ""
    b: str = ""

    def to_dict(self) -> dict:
        """JSON form: equal/removed/added carry `text`; changed carries `from` and `to`."""
        if self.op == "changed":
            return {"op": "changed", "from": self.a, "to": self.b}
        return {"op": self.op, "text": self.a if self.op in ("equal", "removed") else self.b}


def blocks(article: Article) -> list[Block]:
    """The article's printed blocks with their own pinpoint paths, in reading order (as Article.blocks prints them)."""
    out: list[Block] = []

    def visit(node, path):
        here = path + (node.number,) if node.number else path
        merged = bool(node.marker and not node.text and node.children)  # "12. (a) ..." is printed on one line
        start = len(out)
        if not merged:
            head = f"{node.marker} {node.text}".strip() if node.marker else node.text
            if head:
                out.append(Block(here, head))
        for child in node.children:
            visit(child, here)
        if merged and len(out) > start:
            out[start] = Block(out[start].path, f"{node.marker} {out[start].text}")
        out.extend(Block(here, t) for t in node.tail)

    for provision in article.provisions:
        visit(provision, ())
    return out


def _dice(x: set[str], y: set[str]) -> float:
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def align(a: list[Block], b: list[Block], language: str = "en") -> list[Row]:
    """Rows pairing the blocks of two articles in reading order (unpaired blocks get a row of their own)."""
    wa = [set(tokens(strip_marker(x.text), language)) for x in a]
    wb = [set(tokens(strip_marker(x.text), language)) for x in b]
    sim = [[_dice(x, y) for y in wb] for x in wa]
    n, m = len(a), len(b)
    # best[i][j]: the best total over a[i:], b[j:] (classic monotone alignment, gaps free).
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = best[i + 1][j + 1] + sim[i][j] - PAIR_FLOOR if sim[i][j] >= PAIR_FLOOR else float("-inf")
            best[i][j] = max(pair, best[i + 1][j], best[i][j + 1])
    rows, i, j = [], 0, 0
    while i < n or j < m:
        if i < n and j < m and sim[i][j] >= PAIR_FLOOR and best[i][j] == best[i + 1][j + 1] + sim[i][j] - PAIR_FLOOR:
            rows.append(Row(a[i].path, b[j].path, a[i].text, b[j].text, round(sim[i][j], 4), i, j))
            i, j = i + 1, j + 1
        elif i < n and (j >= m or best[i][j] == best[i + 1][j]):
            rows.append(Row(a[i].path, None, a[i].text, "", ia=i))
            i += 1
        else:
            rows.append(Row(None, b[j].path, "", b[j].text, ib=j))
            j += 1
    return rows


def word_diff(a: str, b: str) -> list[Op]:
    """Word-level difference of two texts (markers stripped): equal, removed, added and changed runs."""
    wa, wb = _WORDS.findall(strip_marker(a)), _WORDS.findall(strip_marker(b))
    # Words are compared as printed (case and punctuation count), whatever space follows them.
    ka, kb = [w.rstrip() for w in wa], [w.rstrip() for w in wb]
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        x, y = "".join(wa[i1:i2]), "".join(wb[j1:j2])
        op = {"equal": "equal", "delete": "removed", "insert": "added", "replace": "changed"}[tag]
        if out and out[-1].op == op == "equal":
            out[-1] = Op("equal", out[-1].a + x, out[-1].b + y)
        else:
            out.append(Op(op, x, y))
    return out
