"""Build an article's provision tree from its printed blocks, whatever the source format.

Both the PDF and the markdown parsers reduce an article body to a list of blocks (one
printed paragraph each, with or without a leading marker); this module decides what
each marker is (paragraph "1.", point "(a)"/"a)"/"a.", sub-point "(i)"/"i.", indent "–")
and where unmarked text belongs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Provision

ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]
_MARKER = re.compile(
    r"^(?P<marker>(?P<num>\d{1,3})\.|\((?P<pl>[a-z]{1,4})\)|(?P<cl>[a-z]{1,4})\)|(?P<dl>[a-z]{1,4})\.|(?P<dash>[–—-]))(?:\s+|$|(?=[A-Z“])|(?<=\))(?=[a-z]))(?P<rest>.*)$",
    re.S,
)


@dataclass
class Marker:
    """A marker found at the start of a block."""

    printed: str  # as printed: "1.", "(a)", "a)", "ii."
    token: str  # normalised: "1", "a", "ii", "–"
    shape: str  # "number" | "letter-or-roman" | "dash"
    rest: str


def split_marker(text: str) -> Marker | None:
    """Split a leading paragraph/point marker off a block, or None if it has none."""
    m = _MARKER.match(text)
    if not m:
        return None
    if m.group("num"):
        return Marker(m.group("marker"), m.group("num"), "number", m.group("rest"))
    if m.group("dash"):
        return Marker(m.group("marker"), "–", "dash", m.group("rest"))
    token = m.group("pl") or m.group("cl") or m.group("dl")
    if len(token) > 1 and token not in ROMANS:
        return None  # "ii." is a sub-point; "eg." or "etc." is prose
    return Marker(m.group("marker"), token, "letter-or-roman", m.group("rest"))


def numbering_problem(seen: list[str], number: str) -> str | None:
    """Why `number` cannot be the next article after `seen` (repeats or skips), or None."""
    expected = len(seen) + 1
    if number.isdigit() and int(number) == expected:
        return None
    what = "repeats" if number in seen else "skips"
    return f"article numbering {what}: found Article {number}, expected Article {expected}"


def _next_letter(letter: str | None) -> str:
    if letter is None:
        return "a"
    return chr(ord(letter) + 1) if len(letter) == 1 else ""


def _next_roman(roman: str | None) -> str:
    if roman is None:
        return "i"
    i = ROMANS.index(roman)
    return ROMANS[i + 1] if i + 1 < len(ROMANS) else ""


class ArticleBuilder:
    """Feeds blocks of one article and builds its provisions.

    ``add(text, indented)``: `indented` is True/False where the layout tells (PDF first-line
    indent), None where it does not (markdown).
    """

    def __init__(self) -> None:
        self.provisions: list[Provision] = []
        self._paragraph: Provision | None = None  # current top-level node
        self._point: Provision | None = None
        self._subpoint: Provision | None = None
        self._list_parent: Provision | None = None  # owner of the most recent list item
        self.last_paragraph_number = 0

    def add(self, text: str, indented: bool | None = None) -> None:
        """Place one printed block."""
        marker = split_marker(text)
        if marker and marker.shape == "number":
            n = int(marker.token)
            if n == self.last_paragraph_number + 1:
                inner = split_marker(marker.rest)
                # "12. (a) Each State Party ...": the paragraph opens directly with its first point.
                opens_list = inner is not None and inner.shape == "letter-or-roman" and inner.token == "a"
                self._new_paragraph(Provision("paragraph", marker.token, marker.printed, "" if opens_list else marker.rest))
                self.last_paragraph_number = n
                if opens_list:
                    self._add_item(inner)
                return
            marker = None  # "18." out of sequence: prose that happens to start with a number
        if marker and marker.shape == "letter-or-roman":
            self._add_item(marker)
            return
        if marker and marker.shape == "dash":
            owner = self._subpoint or self._point or self._container()
            owner.children.append(Provision("indent", None, marker.printed, marker.rest))
            return
        self._add_text(text, indented)

    def _container(self) -> Provision:
        if self._paragraph is None:
            self._new_paragraph(Provision("text", None, "", ""))
        assert self._paragraph is not None
        return self._paragraph

    def _new_paragraph(self, node: Provision) -> None:
        self.provisions.append(node)
        self._paragraph, self._point, self._subpoint, self._list_parent = node, None, None, None

    def _add_item(self, marker: Marker) -> None:
        token = marker.token
        last_letter = self._point.number if self._point else None
        last_roman = self._subpoint.number if self._subpoint else None
        if self._subpoint is not None and token == _next_roman(last_roman):
            as_roman = True
        elif token == _next_letter(last_letter):
            as_roman = False  # "(i)" right after "(h)" is a letter
        else:
            as_roman = token in ROMANS and self._point is not None
        if as_roman:
            node = Provision("subpoint", token, marker.printed, marker.rest)
            self._point.children.append(node)  # type: ignore[union-attr]
            self._subpoint, self._list_parent = node, self._point
            return
        node = Provision("point", token, marker.printed, marker.rest)
        parent = self._container()
        parent.children.append(node)
        self._point, self._subpoint, self._list_parent = node, None, parent

    def _add_text(self, text: str, indented: bool | None) -> None:
        if self._list_parent is not None and indented is not True:
            # flush-left text after a list closes the list's owner ("with the intent that ...")
            self._list_parent.tail.append(text)
            if self._list_parent is self._point:
                self._subpoint = None
            else:
                self._point, self._subpoint = None, None
            self._list_parent = None
            return
        self._new_paragraph(Provision("text", None, "", text))
