"""The preamble and the adopting resolution as numbered, citable paragraphs: numbering, ids, labels,
verbatim text (checked against the hand-made markdown oracle), chunks, lookup and the viewer."""
from __future__ import annotations

import re

import pytest

from assistant.lookup import lookup
from assistant.viewer import open_view
from index.catalog import load_catalog
from index.chunking import ChunkParams, chunk_treaty
from index.frontmatter import front_paragraphs, resolution_paragraphs, treaty_preamble
from index.pinpoint import resolve
from oracle import norm, read_oracle
from ui.render import article_html, lookup_html

CATALOG = {e.id: e for e in load_catalog()}
RESOLUTION = "un-cybercrime-2024/resolution"


@pytest.fixture(scope="module")
def resolution(corpus):
    return corpus.documents[RESOLUTION]


@pytest.fixture(scope="module")
def oracle_resolution(corpus_dir) -> list[str]:
    """The resolution's paragraphs from its hand-checked markdown, from "The General Assembly," on."""
    text = (corpus_dir / "un-resolution-79-243.md").read_text(encoding="utf-8")
    body = text.split("The General Assembly,", 1)[1]
    return [norm(p) for p in body.split("\n\n") if p.strip() and not p.startswith(("#", "["))]


def test_preamble_numbering_leaves_out_the_opening_and_closing_words(un, corpus_dir):
    paragraphs = treaty_preamble(un)
    oracle = [norm(p) for p in read_oracle(corpus_dir / "un-cybercrime-convention.md").preamble]
    assert oracle[0] == "The States Parties to the present Convention," and oracle[-1] == "Have agreed as follows:"
    assert [norm(p.text) for p in paragraphs] == oracle[1:-1]
    privacy = paragraphs[11]
    assert privacy.citation.id == "un-cybercrime-2024/en/preamble/12"
    assert privacy.citation.label == "UN Convention against Cybercrime, Preamble, para. 12"
    assert privacy.text.startswith("Acknowledging the right to protection against arbitrary or unlawful interference")
    assert privacy.opening == "The States Parties to the present Convention,"
    assert privacy.citation.article == "preamble" and privacy.citation.paragraph == "12"


def test_unsplit_preambles_get_no_paragraph_numbers(corpus):
    # The companion texts print their preambles as one block: no pinpoint can divide it.
    budapest = corpus.get("coe-budapest-2001", "en")
    assert len(budapest.preamble) == 1 and treaty_preamble(budapest) == []


def test_resolution_parts_in_printed_order(resolution, oracle_resolution):
    parts = resolution_paragraphs(resolution)
    assert parts[0].citation.id == f"{RESOLUTION}/title" and parts[0].text.startswith("79/243. United Nations Convention")
    preambular = [p for p in parts if p.part == "resolution-preamble"]
    operative = [p for p in parts if p.part == "resolution" and p.number.isdigit()]
    assert [p.number for p in preambular] == ["1", "2", "3", "4", "5"]
    assert [p.number for p in operative] == [str(n) for n in range(1, 13)]
    assert preambular[4].text.startswith("Expressing its appreciation to the Government of Viet Nam")
    assert preambular[4].citation.label == "A/RES/79/243, preamble, para. 5"
    assert operative[11].citation.id == f"{RESOLUTION}/para-12"
    assert re.search(r"24 December should be designated", operative[11].text)
    assert parts[-1].citation.id == f"{RESOLUTION}/meeting"
    assert parts[-1].text == "55th (resumed) plenary meeting 24 December 2024"
    # Every paragraph is verbatim and in order: the oracle holds it word for word (the oracle prints the
    # meeting and its date on two lines, the PDF on one).
    mine = [norm(p.text) for p in parts[1:-1]]
    assert mine == [p for p in oracle_resolution if p in mine] == oracle_resolution[:len(mine)]
    assert oracle_resolution[len(mine):len(mine) + 2] == ["55th (resumed) plenary meeting", "24 December 2024"]


def test_resolution_belongs_with_the_english_text_only(corpus, un):
    documents = list(corpus.documents.values())
    assert any(p.part == "resolution" for p in front_paragraphs(un, documents))
    dutch = corpus.get("coe-budapest-2001", "nl")
    assert front_paragraphs(dutch, documents) == []


def test_every_front_paragraph_is_one_whole_chunk(corpus, un):
    documents = list(corpus.documents.values())
    chunks = [c for c in chunk_treaty(un, ChunkParams(size=300), documents) if c.kind in ("preamble", "resolution")]
    by_node = {}
    for c in chunks:
        by_node.setdefault(c.node_id, []).append(c)
    assert len(by_node) == len(front_paragraphs(un, documents)) == 15 + 1 + 5 + 12 + 1
    para12 = by_node[f"{RESOLUTION}/para-12"][0]
    assert para12.article == "resolution" and para12.paragraph == "12" and para12.chapter is None
    assert para12.context == "The General Assembly," and "General Assembly resolution" in para12.header
    assert "plenary meeting 24 December 2024" in by_node[f"{RESOLUTION}/para-2"][0].header  # "when was it adopted?"
    for node, pieces in by_node.items():
        assert len(pieces) == 1 and pieces[0].text == resolve([un], node, documents).text


@pytest.mark.parametrize("reference, node", [
    ("A/RES/79/243, para. 12", f"{RESOLUTION}/para-12"),
    ("resolution 79/243, preamble, para. 5", f"{RESOLUTION}/preamble-5"),
    ("A/RES/79/243 preamble", f"{RESOLUTION}/preamble"),
    ("A/RES/79/243", RESOLUTION),
    ("a/res/79/243 title", f"{RESOLUTION}/title"),
    ("A/RES/79/243, plenary meeting", f"{RESOLUTION}/meeting"),
    ("preamble para 12", "un-cybercrime-2024/en/preamble/12"),
    ("UN Convention against Cybercrime, Preamble, para. 3", "un-cybercrime-2024/en/preamble/3"),
    ("un-cybercrime-2024/resolution/preamble-2", f"{RESOLUTION}/preamble-2"),
    ("Budapest preamble", "coe-budapest-2001/en/preamble"),
])
def test_lookup_of_front_paragraphs(corpus, reference, node):
    found = lookup(corpus, reference)
    assert found.found and found.citation.id == node
    assert 'data-cite="' + node + '"' in lookup_html(found)  # opens in the viewer


@pytest.mark.parametrize("reference, message", [
    ("A/RES/79/243 para 13", "A/RES/79/243 has operative paragraphs 1–12"),
    ("A/RES/79/243, preamble, para. 9", "A/RES/79/243 has preambular paragraphs 1–5"),
    ("preamble, paragraph 40", "the preamble of UN Convention against Cybercrime has paragraphs 1–15"),
    ("A/RES/58/4 para 1", "resolution A/RES/58/4 is not in the corpus"),
])
def test_missing_front_paragraphs_are_named(corpus, reference, message):
    found = lookup(corpus, reference)
    assert not found.found and message in found.message


def test_viewer_opens_a_resolution_paragraph_highlighted(corpus):
    view = open_view(corpus, CATALOG, f"{RESOLUTION}/para-12")
    assert view.cited.label == "A/RES/79/243, para. 12" and view.article.id == RESOLUTION
    assert "resolution" in view.heading and "Art" not in view.heading
    lit = [b for b in view.blocks if b.highlighted]
    assert len(lit) == 1 and lit[0].text.startswith("12. Decides that, in order to raise awareness")
    assert view.blocks[0].path == ("title",) and any(b.text == "The General Assembly," for b in view.blocks)
    assert [c.label for c in view.cross_references] and all("Art." in c.label for c in view.cross_references)
    assert view.next.id == "un-cybercrime-2024/en/preamble"
    html = article_html(view)
    assert 'class="blk hl' in html and "Cited: A/RES/79/243, para. 12" in html


def test_viewer_opens_a_preamble_paragraph_and_the_whole_resolution_preamble(corpus):
    view = open_view(corpus, CATALOG, "un-cybercrime-2024/en/preamble/12")
    assert view.heading == "Preamble" and view.next.label == "UN Convention against Cybercrime, Art. 1"
    assert view.previous.id == RESOLUTION
    lit = [b for b in view.blocks if b.highlighted]
    assert [b.path for b in lit] == [("12",)] and lit[0].text.startswith("Acknowledging the right")
    assert view.blocks[0].text == "The States Parties to the present Convention," and view.blocks[0].path == ()
    whole = open_view(corpus, CATALOG, f"{RESOLUTION}/preamble")
    assert [b.path for b in whole.blocks if b.highlighted] == [(f"preamble-{n}",) for n in range(1, 6)]
