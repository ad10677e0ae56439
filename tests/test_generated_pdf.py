"""The PDF parser on a second document: UNCAC typeset in UN layout inside the test."""
from __future__ import annotations

import re

import pytest

from index.catalog import un_pdf_headings
from index.un_pdf import parse_un_pdf
from oracle import norm
from un_layout_pdf import write_un_layout_pdf

FOOTNOTE = "Typeset by the test suite from the shared UNCAC file; not an official document layout."


@pytest.fixture(scope="module")
def rendered(corpus, corpus_dir, tmp_path_factory):
    uncac = corpus.get("un-corruption-2003", "en")
    resolution_md = (corpus_dir / "un-resolution-79-243.md").read_text(encoding="utf-8")
    resolution = [p.strip() for p in resolution_md.split("\n\n") if p.strip() and not p.startswith(("#", "["))][:8]
    path = tmp_path_factory.mktemp("pdf") / "uncac-un-layout.pdf"
    writer = write_un_layout_pdf(uncac, resolution, path, symbol="A/RES/58/4", job="03-45311",
                                 footnote=FOOTNOTE)
    parsed = parse_un_pdf(path, treaty_id="un-corruption-2003", language="en", short_title="UNCAC",
                          headings=un_pdf_headings("en"))
    return uncac, parsed, writer, resolution


def test_layout_really_has_the_hard_parts(rendered):
    _, parsed, writer, _ = rendered
    assert writer.hyphenated >= 100, "the rendering must break words with hyphens"
    assert parsed.pages > 40


def squeeze(text: str) -> str:
    """Text without any whitespace: equal words in equal order, whatever the spacing."""
    return "".join(text.split())


# The laws-markdown UNCAC file itself splits a few words ("nat ionals", "Par ty", "cooper ation",
# "St ate", "Of fice"); the PDF parser mends such splits, so those articles match only
# spacing-insensitively. Every other article must match word for word.
SOURCE_SPLITS = {"44", "50", "55"}


def test_same_structure_as_markdown(rendered):
    uncac, parsed, _, _ = rendered
    got = parsed.treaty
    assert got.counts()["articles"] == 71 and got.counts()["chapters"] == 8
    assert norm(got.title) == norm(uncac.title)
    assert [squeeze(p) for p in got.preamble] == [squeeze(p) for p in uncac.preamble]
    assert [(c.number, c.name) for c in got.chapters] == [(c.number, c.name) for c in uncac.chapters]
    inexact = set()
    for want in uncac.articles:
        have = got.article(want.number)
        assert have.title == want.title
        assert [p for p, _ in have.walk()] == [p for p, _ in want.walk()], want.number
        assert [squeeze(b) for b in have.blocks()] == [squeeze(b) for b in want.blocks()], want.number
        if [norm(b) for b in have.blocks()] != [norm(b) for b in want.blocks()]:
            inexact.add(want.number)
    assert inexact == SOURCE_SPLITS


def test_headers_page_numbers_and_hyphens_are_gone(rendered):
    _, parsed, _, _ = rendered
    text = "\n".join(a.full_text() for a in parsed.treaty.articles)
    assert "A/RES/58/4" not in text and "03-45311" not in text
    assert not re.search(rf"\b\d+/{parsed.pages}\b", text)
    assert "\ue000" not in text


def test_footnote_and_resolution(rendered):
    uncac, parsed, _, resolution = rendered
    assert parsed.treaty.footnotes == [FOOTNOTE]
    assert [norm(c) for c in parsed.treaty.final_clause] == [norm(c) for c in uncac.final_clause]
    assert parsed.resolution is not None
    assert [norm(p) for p in parsed.resolution.paragraphs] == [norm(p) for p in resolution]
