"""Pinpoint labels and ids name exactly one node and give back its verbatim text."""
from __future__ import annotations

import pytest

from index.pinpoint import resolve


@pytest.fixture(scope="module")
def treaties(corpus):
    return list(corpus.treaties.values())


def test_issue_examples(treaties):
    c = resolve(treaties, "UN Convention against Cybercrime, Art. 41(3)(e)")
    assert c.text == "(e) The provision of electronic data to avert an emergency."
    assert (c.treaty, c.article, c.paragraph, c.point) == ("un-cybercrime-2024", "41", "3", "e")
    c = resolve(treaties, "Budapest Convention, Art. 6(1)(a)(ii)")
    assert (c.paragraph, c.point, c.subpoint) == ("1", "a", "ii")
    assert c.text.startswith("(ii) a computer password, access code")
    c = resolve(treaties, "UNCAC, Art. 2(a)")
    assert c.text.startswith('a) ``Public official" shall mean:')
    assert "(iii) any other person defined as a" in c.text  # the point carries its sub-points


def test_interpretative_note_label(treaties):
    c = resolve(treaties, "UN Convention against Cybercrime, interpretative note on Art. 35")
    assert c.text.startswith("5. Outside the convention, States parties may afford one another")
    c = resolve(treaties, "UN Convention against Cybercrime, interpretative note on Arts. 23 and 35")
    assert c.id == "un-cybercrime-2024/en/note-23-35"
    assert "criminal investigations" in c.text


def test_dutch_label_names_the_language(treaties):
    c = resolve(treaties, "Budapest Convention (NL), Art. 2")
    assert c.language == "nl" and c.text.startswith("Iedere Partij neemt de wetgevende")


def test_article_with_tail_includes_it(treaties):
    c = resolve(treaties, "un-cybercrime-2024/en/art-11/1/a")
    assert c.text.startswith("(a) The obtaining, production, sale")
    assert c.text.endswith("articles 7 to 10 of this Convention; and")


@pytest.mark.parametrize("ref", [
    "UN Convention against Cybercrime, Art. 69",
    "UN Convention against Cybercrime, Art. 41(3)(z)",
    "UN Convention against Cybercrime, Art. 6(9)",
    "Nonexistent Treaty, Art. 1",
    "un-cybercrime-2024/en/art-999",
    "un-cybercrime-2024/xx/art-1",
    "UN Convention against Cybercrime, interpretative note on Art. 7",
    "",
    "Art. 5",
])
def test_nonexistent_pinpoints_raise_never_a_near_miss(treaties, ref):
    with pytest.raises(KeyError):
        resolve(treaties, ref)


def test_preamble_chapter_and_resolution_are_citable(corpus, treaties):
    c = resolve(treaties, "UN Convention against Cybercrime, Preamble")
    assert c.text.startswith("The States Parties to the present Convention,") and c.text.endswith("Have agreed as follows:")
    c = resolve(treaties, "un-cybercrime-2024/en/chapter-III")
    assert c.label == "UN Convention against Cybercrime, Chapter III"
    assert c.text.startswith("Chapter III. Jurisdiction\n\nArticle 22. Jurisdiction\n\n1. Each State Party shall adopt")
    docs = list(corpus.documents.values())
    c = resolve(treaties, "A/RES/79/243, para. 2", docs)
    assert c.id == "un-cybercrime-2024/resolution/para-2"
    assert c.text.startswith("2. Adopts the United Nations Convention against Cybercrime")
    assert resolve(treaties, "un-cybercrime-2024/resolution", docs).text.startswith("79/243. United Nations Convention")
    with pytest.raises(KeyError):
        resolve(treaties, "A/RES/79/243, para. 13", docs)
