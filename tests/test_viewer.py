"""The article viewer's data (open at a node, highlight, notes, cross-references) and the contents."""
from __future__ import annotations

import pytest

from assistant.errors import UserError
from assistant.viewer import open_view, table_of_contents
from index.catalog import load_catalog

CATALOG = {e.id: e for e in load_catalog()}


def test_open_at_a_paragraph_highlights_it_and_its_points(corpus):
    view = open_view(corpus, CATALOG, "un-cybercrime-2024/en/art-41/3")
    assert view.heading == "Article 41. 24/7 network"
    assert view.divisions == ["Chapter V. International cooperation"]
    assert view.cited.label == "UN Convention against Cybercrime, Art. 41(3)"
    lit = [b.path for b in view.blocks if b.highlighted]
    assert lit[0] == ("3",) and ("3", "e") in lit and all(p[0] == "3" for p in lit)
    assert view.blocks[0].path == ("1",) and not view.blocks[0].highlighted
    assert any(b.text.startswith("(e) The provision of electronic data to avert an emergency") for b in view.blocks if b.path == ("3", "e"))
    assert view.previous.article == "40" and view.next.article == "42"


def test_whole_article_has_nothing_highlighted_and_keeps_every_block(corpus, un):
    view = open_view(corpus, CATALOG, "un-cybercrime-2024/en/art-37")
    assert not any(b.highlighted for b in view.blocks)
    assert [b.text for b in view.blocks] == un.article("37").blocks()


def test_note_opens_its_article_with_the_note_highlighted(corpus):
    view = open_view(corpus, CATALOG, "un-cybercrime-2024/en/note-23-35")
    assert view.heading.startswith("Article 23.")
    assert [n.highlighted for n in view.notes] == [True]
    assert "investigation" in view.notes[0].heading


def test_articles_show_their_interpretative_notes(corpus):
    view = open_view(corpus, CATALOG, "un-cybercrime-2024/en/art-35/1")
    assert sorted(n.citation.id for n in view.notes) == ["un-cybercrime-2024/en/note-23-35", "un-cybercrime-2024/en/note-35"]


def test_cross_references_link_existing_articles(corpus):
    view = open_view(corpus, CATALOG, "un-cybercrime-2024/en/art-17")
    linked = [c.article for c in view.cross_references]
    assert {"7", "8", "9", "10"} <= set(linked) and "17" not in linked
    protocol = open_view(corpus, CATALOG, "coe-budapest-protocol-2003/en/art-8")
    assert any(c.treaty == "coe-budapest-2001" for c in protocol.cross_references)  # "of the Convention"


def test_council_of_europe_articles_show_chapter_section_and_title_in_the_texts_language(corpus):
    view = open_view(corpus, CATALOG, "coe-budapest-2001/en/art-2")
    assert len(view.divisions) == 3 and view.divisions[0].startswith("Chapter II.")
    assert view.divisions[1].startswith("Section 1.") and view.divisions[2].startswith("Title 1.")
    dutch = open_view(corpus, CATALOG, "coe-budapest-2001/nl/art-2")
    assert dutch.heading.startswith("Artikel 2. ") and dutch.divisions[0].startswith("Hoofdstuk II.")
    assert dutch.divisions[1].startswith("Afdeling 1.") and dutch.divisions[2].startswith("Titel 1.")
    assert table_of_contents(corpus.get("coe-budapest-2001", "nl"))[0].heading.startswith("Hoofdstuk I.")


def test_referred_by_is_the_reverse_of_refers_to(corpus):
    """Every article an article refers to lists it under "Referred to by", and nothing else is listed there."""
    un = corpus.get("un-cybercrime-2024", "en")
    referrers = {}
    for article in un.articles:
        view = open_view(corpus, CATALOG, f"un-cybercrime-2024/en/art-{article.number}")
        for target in view.cross_references:
            referrers.setdefault(target.id, set()).add(view.article.id)
    assert referrers  # the convention does cite its own articles
    for article in un.articles:
        view = open_view(corpus, CATALOG, f"un-cybercrime-2024/en/art-{article.number}")
        listed = {c.id for c in view.referred_by if c.treaty == "un-cybercrime-2024"}
        assert listed == referrers.get(view.article.id, set()), article.number
    # the Protocol's "article 2 of the Convention" is listed under the Budapest Convention's Article 1
    budapest = open_view(corpus, CATALOG, "coe-budapest-2001/en/art-1")
    assert any(c.treaty == "coe-budapest-protocol-2003" for c in budapest.referred_by)


@pytest.mark.parametrize("bad", ["", "un-cybercrime-2024/en/art-999", "un-cybercrime-2024/en/art-6/9/z",
                                 "un-cybercrime-2024/nl/art-1", "nonsense", "un-cybercrime-2024/en/note-99"])
def test_unknown_ids_are_user_errors(corpus, bad):
    with pytest.raises(UserError, match="nothing to open"):
        open_view(corpus, CATALOG, bad)


def test_table_of_contents_lists_every_article_under_its_chapter(un, corpus):
    toc = table_of_contents(un)
    assert [c.heading for c in toc][:2] == ["Chapter I. General provisions", "Chapter II. Criminalization"]
    assert len(toc) == 9 and sum(len(c.articles) for c in toc) == 68
    first = toc[4].articles[0]
    assert (first.number, first.title) == ("35", "General principles of international cooperation")
    assert open_view(corpus, CATALOG, first.id).heading == "Article 35. General principles of international cooperation"
