"""The official PDF of A/RES/79/243 parses to the Convention, word for word as the oracle."""
from __future__ import annotations

import difflib
import re

import pytest

from oracle import norm, read_oracle


@pytest.fixture(scope="module")
def oracle(corpus_dir):
    return read_oracle(corpus_dir / "un-cybercrime-convention.md")


def provenance_titles(corpus_dir) -> dict[str, str]:
    text = (corpus_dir / "PROVENANCE.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^  - (\d+)\. (.+)$", text, re.M))


def test_counts(un):
    counts = un.counts()
    assert (counts["articles"], counts["chapters"], counts["notes"]) == (68, 9, 4)
    assert [a.number for a in un.articles] == [str(n) for n in range(1, 69)]
    assert un.preamble[0] == "The States Parties to the present Convention,"
    assert un.preamble[-1] == "Have agreed as follows:"


def test_titles_match_provenance_list(un, corpus_dir):
    expected = provenance_titles(corpus_dir)
    assert len(expected) == 68
    assert {a.number: a.title for a in un.articles} == expected
    assert un.article("13").title == "Information and communications technology system-related theft or fraud"


def test_chapters_and_title_equal_oracle(un, oracle):
    assert norm(un.title) == norm(oracle.title)
    assert [(c.number, c.name) for c in un.chapters] == oracle.chapters
    assert [norm(p) for p in un.preamble] == oracle.preamble
    for oa in oracle.articles:
        assert un.article(oa.number).chapter == oa.chapter, oa.number


def _mine(un, number: str) -> list[str]:
    blocks = [norm(b) for b in un.article(number).blocks()]
    if number == "68":
        # The oracle keeps the testimonium and the footnote under the last article;
        # the model keeps them apart (they are not part of Article 68).
        blocks += [norm(t) for t in un.final_clause]
        blocks += [f"[Footnote 1 in the official document:] {norm(f)}" for f in un.footnotes]
    return blocks


def test_every_article_equals_oracle_word_for_word(un, oracle):
    diffs = []
    for oa in oracle.articles:
        assert un.article(oa.number).title == oa.title
        mine = _mine(un, oa.number)
        if mine != oa.blocks:
            diff = "\n".join(difflib.unified_diff(oa.blocks, mine, "oracle", "parsed", lineterm="", n=0))
            diffs.append(f"Article {oa.number}:\n{diff}")
    assert not diffs, "\n\n".join(diffs)


def test_notes_equal_oracle_and_attach_to_articles(un, oracle):
    assert [(n.heading, [norm(p) for p in n.paragraphs]) for n in un.notes] == oracle.notes
    assert [n.articles for n in un.notes] == [["2"], ["17"], ["23", "35"], ["35"]]
    assert [n.heading for n in un.notes_for("35")] == [
        "Articles 23 and 35, with regard to the term “investigation”", "Article 35"]
    assert un.notes_for("7") == []


def test_pdf_artefacts_are_mended(un):
    text = "\n".join(b for a in un.articles for b in a.blocks())
    for broken in ["in terests", "Part y", "request .", "judici al", "depa rture", "per son",
                   "retu rned", " t han ", "f ulfilled", "Secretary -General", "A/RES/79/243", "24-24621", "/46"]:
        assert broken not in text, broken
    assert "Secretary-General" in un.article("67").full_text()
    assert un.article("13").title.endswith("theft or fraud")


def test_flush_left_text_after_lists_belongs_to_the_list_owner(un):
    point_a = un.article("11").find(("1", "a"))
    assert point_a.tail and point_a.tail[0].startswith("with the intent that the device")
    assert [c.number for c in point_a.children] == ["i", "ii"]
    art13 = un.article("13").provisions[0]
    assert art13.tail[0].startswith("with the fraudulent or dishonest intent")
    assert un.article("23").find(("3", "b")).tail[0].startswith("that State Party may reserve")


def test_letter_i_after_h_is_a_point_not_a_subpoint(un):
    art2 = un.article("2")
    assert art2.find(("i",)).text.startswith("“Property” shall mean")
    assert art2.find(("e", "ii")).text.startswith("Processes or stores electronic data")


def test_footnote_and_testimonium_kept_apart(un):
    assert un.final_clause == ["IN WITNESS WHEREOF, the undersigned plenipotentiaries, being duly authorized "
                               "thereto by their respective Governments, have signed this Convention."]
    assert len(un.footnotes) == 1 and un.footnotes[0].startswith("It is noted that interpretative notes")
    assert "It is noted" not in un.article("68").full_text()


def test_resolution_is_a_separate_document(corpus):
    res = corpus.documents["un-cybercrime-2024/resolution"]
    assert res.symbol == "A/RES/79/243"
    assert res.title.startswith(res.paragraphs[0])
    assert res.title.endswith("for the Sharing of Evidence in Electronic Form of Serious Crimes")
    assert res.title.startswith("79/243. United Nations Convention against Cybercrime")
    assert any(p.startswith("12. Decides that, in order to raise awareness of cybercrime") for p in res.paragraphs)
    assert not any(p.startswith("Article") for p in res.paragraphs)
