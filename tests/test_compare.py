"""Comparing an article with its counterparts: alignment, word-level differences, both directions, Dutch,
no counterpart, bad input, and the compare view's HTML. Real corpus, real concordance data."""
from __future__ import annotations

import pytest

from assistant.alignment import blocks, word_diff
from assistant.comparison import compare, compare_id, parse_link
from assistant.errors import UserError
from assistant.text import strip_marker
from ui.compare import compare_html, menu_html

UN, BUDAPEST, UNCAC = "un-cybercrime-2024", "coe-budapest-2001", "un-corruption-2003"
TITLES = {UN: "UN Convention against Cybercrime", BUDAPEST: "Budapest Convention", UNCAC: "UNCAC"}


def _sides(ops):
    left = "".join(op.a for op in ops if op.op in ("equal", "removed", "changed"))
    right = "".join(op.a if op.op == "equal" else op.b for op in ops if op.op in ("equal", "added", "changed"))
    return left, right


def test_blocks_are_the_printed_blocks_with_their_paths(corpus):
    for treaty in (corpus.get(UN, "en"), corpus.get(BUDAPEST, "nl")):
        for article in treaty.articles:
            found = blocks(article)
            assert [b.text for b in found] == article.blocks()
            assert all(article.find(b.path) is not None for b in found if b.path)


def test_un_29_against_budapest_20_aligns_paragraphs_and_marks_the_differences(corpus):
    result = compare(corpus, "UN Convention against Cybercrime Art. 29", BUDAPEST)
    assert result.source.label == "UN Convention against Cybercrime, Art. 29"
    match = result.matches[0]
    assert match.citation.label == "Budapest Convention, Art. 20" and match.status == "reviewed" and match.note
    paired = {(r.source.label.split(", ")[-1], r.target.label.split(", ")[-1]) for r in match.rows if r.source and r.target}
    assert {("Art. 29(1)", "Art. 20(1)"), ("Art. 29(2)", "Art. 20(2)"), ("Art. 29(3)", "Art. 20(3)")} <= paired
    # Budapest's last paragraph (subject to Articles 14 and 15) has no UN counterpart: a row of its own.
    alone = [r for r in match.rows if r.source is None]
    budapest_20 = corpus.get(BUDAPEST, "en").article("20")
    assert [r.target.id for r in alone][-1] == "coe-budapest-2001/en/art-20/4"
    assert alone[-1].target_text == budapest_20.find(("4",)).full_text()
    assert [op.op for op in alone[-1].diff] == ["added"]
    for r in match.rows:
        if r.source and r.target:
            # Lossless: each side's words come back from the difference, nothing of ours added.
            left, right = _sides(r.diff)
            assert left.split() == strip_marker(r.source_text).split()
            assert right.split() == strip_marker(r.target_text).split()


def test_a_known_wording_difference_un_45_endeavours_budapest_33_obliges(corpus):
    result = compare(corpus, "UN Convention against Cybercrime Art. 45", BUDAPEST)
    first = next(r for r in result.matches[0].rows if r.source and r.source.paragraph == "1")
    only_un = " ".join(op.a for op in first.diff if op.op in ("removed", "changed"))
    assert "endeavour" in only_un
    assert "endeavour" not in " ".join(op.b for op in first.diff)


def test_word_diff_marks_added_removed_and_changed_words():
    ops = word_diff("1. Each State Party shall collect data in real time.", "1. Each Party shall collect traffic data in real-time.")
    assert [(op.op, op.a.strip(), op.b.strip()) for op in ops if op.op != "equal"] == [
        ("removed", "State", ""), ("added", "", "traffic"), ("changed", "real time.", "real-time.")]


def test_the_other_direction(corpus):
    result = compare(corpus, "Budapest Convention art. 20", UN)
    assert [m.citation.label for m in result.matches][:1] == ["UN Convention against Cybercrime, Art. 29"]
    assert result.to_dict()["from"]["id"] == "coe-budapest-2001/en/art-20"


def test_no_counterpart_is_an_empty_list_with_a_message(corpus):
    result = compare(corpus, "Art. 16", BUDAPEST)
    data = result.to_dict()
    assert data["matches"] == []
    assert "no counterpart in the Budapest Convention (reviewed)" in data["message"]
    assert "Editorial note (ours, not treaty text):" in data["message"]


def test_dutch_versions_are_compared_word_by_word_and_with_english_without(corpus):
    nl = compare(corpus, "Budapest (NL) art. 24", UNCAC)
    assert nl.with_language == "nl" and nl.matches[0].citation.label == "UNCAC (NL), Art. 44"
    assert any(op.op != "equal" for r in nl.matches[0].rows for op in r.diff)
    mixed = compare(corpus, "Budapest (NL) art. 20", UN)
    assert mixed.with_language == "en" and "no 'nl' text here" in mixed.message
    rows = mixed.matches[0].rows
    assert all(r.diff == [] for r in rows) and any(r.source and r.target for r in rows)
    assert all(r.source.language == "nl" for r in rows if r.source)


def test_bad_input_is_one_clear_line(corpus):
    for ref, other, words in [("Art. 29", "coe-nowhere", "unknown treaty"),
                              ("Art. 29", UN, "already in the UN Convention against Cybercrime"),
                              ("preamble para 12", BUDAPEST, "is not an article"),
                              ("Art. 999", BUDAPEST, "No such provision")]:
        with pytest.raises(UserError, match=words):
            compare(corpus, ref, other)
    with pytest.raises(UserError, match="not a comparison link"):
        parse_link("un-cybercrime-2024/en/art-29")


def test_compare_view_html_has_both_texts_marked_a_legend_and_links_back(corpus):
    result = compare_id(corpus, "compare:un-cybercrime-2024/en/art-29|coe-budapest-2001")
    html = compare_html(result, TITLES)
    assert '<del title="only in this text">' in html and '<ins title="only in this text">' in html
    assert '<del class="chg"' in html and '<ins class="chg"' in html and "[changed:]" in html
    assert "Legend:" in html and "Editorial note (ours, not treaty text):" in html
    assert 'data-cite="un-cybercrime-2024/en/art-29"' in html and 'data-cite="coe-budapest-2001/en/art-20/3"' in html
    assert "Back to UN Convention against Cybercrime, Art. 29" in html
    assert "no corresponding paragraph" in html
    none = compare_html(compare(corpus, "Art. 16", BUDAPEST), TITLES)
    assert "no counterpart" in none and "<table" not in none
    menu = menu_html("un-cybercrime-2024/en/art-29", [(BUDAPEST, "Budapest Convention")])
    assert 'data-cite="compare:un-cybercrime-2024/en/art-29|coe-budapest-2001"' in menu and "Compare with…" in menu
