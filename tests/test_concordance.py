"""The concordance data (assistant/data/concordance) against the real corpus, the rules that compute it, and the
gold concordance's split."""
from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from assistant.concordance import (EDITORIAL, Concordance, Concordances, Link, Method, NoCounterpart, Signals,
                                   article_kinds, computed, merge_reviewed, top1)
from eval.concordance import check_gold, load_gold, split_of
from index.catalog import load_catalog

UN, BUDAPEST, UNCAC = "un-cybercrime-2024", "coe-budapest-2001", "un-corruption-2003"


@pytest.fixture(scope="module")
def book():
    return Concordances.load()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_every_pair_of_treaties_has_a_concordance(book):
    ids = sorted(e.id for e in load_catalog())
    assert set(book.pairs) == set(itertools.combinations(ids, 2))


def test_every_article_is_linked_or_has_no_counterpart_and_links_name_real_articles(book, corpus):
    for (a, b), c in book.pairs.items():
        ta, tb = corpus.get(c.a, "en"), corpus.get(c.b, "en")
        for link in c.links:
            assert ta.article(link.a) and tb.article(link.b), (a, b, link)
            assert link.status in ("reviewed", "computed") and 0.0 <= link.score <= 1.0
            assert bool(link.note) == (link.status == "reviewed"), link  # every reviewed link says what differs
        for side, treaty in ((0, ta), (1, tb)):
            linked = {(x.a if side == 0 else x.b) for x in c.links}
            none = {n.article for n in c.none if n.side == side}
            assert not linked & none, (a, b, side, linked & none)
            assert linked | none == {x.number for x in treaty.articles}, (a, b, side)


def test_notes_are_editorial_and_copy_no_treaty_text(book, corpus):
    """A note is our one line on what differs: short, and sharing no run of eight words with either treaty."""
    runs = set()
    for (tid, lang), t in corpus.treaties.items():
        if lang == "en":
            words = _words(" ".join(a.full_text() for a in t.articles))
            runs |= {" ".join(words[i:i + 8]) for i in range(len(words) - 7)}
    notes = [x.note for c in book.pairs.values() for x in [*c.links, *c.none] if x.note]
    assert len(notes) >= 40
    for note in notes:
        assert len(note) <= 300, note
        words = _words(note)
        assert not {" ".join(words[i:i + 8]) for i in range(len(words) - 7)} & runs, note


def test_the_issues_example_un_article_16_has_no_budapest_counterpart(book):
    assert book.matches(UN, "16", BUDAPEST) == []
    none = book.no_counterpart(UN, "16", BUDAPEST)
    assert none is not None and none.status == "reviewed" and "intimate" in none.note


def test_matches_in_both_directions_and_many_to_one(book):
    forward = book.matches(UN, "29", BUDAPEST)
    assert [m.article for m in forward][:1] == ["20"] and forward[0].status == "reviewed"
    assert [m.article for m in book.matches(BUDAPEST, "20", UN)][:1] == ["29"]
    assert [m.article for m in book.matches(UN, "17", UNCAC)][:1] == ["23"]
    # Several counterparts of one article are kept (many-to-one): somewhere in the data an article has two.
    assert any(len(c.matches(c.a, x.a)) > 1 or len(c.matches(c.b, x.b)) > 1 for c in book.pairs.values() for x in c.links)


def test_article_kinds_come_from_chapter_and_section_headings(corpus):
    assert article_kinds(corpus.get(UN, "en"), "7") == {"criminalization"}
    assert article_kinds(corpus.get(BUDAPEST, "en"), "16") == {"procedural"}  # Section 2, Procedural law
    assert article_kinds(corpus.get(BUDAPEST, "en"), "24") == {"cooperation"}
    assert article_kinds(corpus.get(UNCAC, "en"), "31") == {"criminalization", "procedural"}


def _signals(matrix: list[list[float]]) -> Signals:
    m = np.array(matrix)
    zero = np.zeros_like(m)
    return Signals("x", "y", [str(i + 1) for i in range(m.shape[0])], [str(j + 1) for j in range(m.shape[1])],
                   zero, zero, m, zero)


def test_a_best_candidate_that_prefers_another_article_needs_the_higher_floor():
    # Row 1 and 2 both prefer column 1; column 1 prefers row 1. Row 3's best is below every floor.
    sig = _signals([[0.9, 0.1], [0.6, 0.2], [0.1, 0.3]])
    method = Method(vector=0, title=0, lexical=1, structure=0, floor=0.4, floor_alone=0.7, margin=0.0)
    assert top1(sig, method) == {"1": "1", "2": None, "3": None}
    assert top1(sig, Method(vector=0, title=0, lexical=1, structure=0, floor=0.4, floor_alone=0.5)) == {"1": "1", "2": "1", "3": None}
    book = computed(sig, method)
    assert [(x.a, x.b) for x in book.links] == [("1", "1")]
    assert {(n.side, n.article) for n in book.none} == {(0, "2"), (0, "3"), (1, "2")}


def test_reviewed_entries_survive_a_recomputation_and_decide_their_article():
    sig = _signals([[0.9, 0.1], [0.6, 0.2], [0.1, 0.3]])
    method = Method(vector=0, title=0, lexical=1, structure=0, floor=0.4, floor_alone=0.7, margin=0.0)
    stored = Concordance("x", "y", [Link("2", "2", 0.0, "reviewed", "ours")], [NoCounterpart(0, "1", "reviewed", "also ours")])
    merged = merge_reviewed(computed(sig, method), stored, sig, method)
    assert [(x.a, x.b, x.status, x.score) for x in merged.links] == [("2", "2", "reviewed", 0.2)]
    assert merged.no_counterpart("x", "1").status == "reviewed"
    assert merged.matches("x", "1") == [] and merged.matches("y", "1") == []


def test_gold_rows_have_their_hash_split_and_name_real_articles(corpus):
    rows = load_gold()
    assert all(r["split"] == split_of(r["id"]) for r in rows)
    assert check_gold(rows, corpus) == []
    for other in (BUDAPEST, UNCAC):
        mine = [r for r in rows if r["with"] == other]
        assert len(mine) >= 60 and any(not r["gold"] for r in mine)
        assert {r["split"] for r in mine} == {"dev", "test"}


def test_editorial_label_says_so():
    assert "not treaty text" in EDITORIAL and "ours" in EDITORIAL
