"""The companion treaties parse in English and Dutch to their catalogued structure."""
from __future__ import annotations

import pytest

from index.catalog import load_catalog
from index.pinpoint import citations, resolve

COMPANIONS = ["coe-budapest-2001", "coe-budapest-protocol-2003", "un-corruption-2003"]


@pytest.mark.parametrize("treaty_id", COMPANIONS)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_counts_match_catalog(corpus, treaty_id, language):
    entry = next(e for e in load_catalog() if e.id == treaty_id)
    treaty = corpus.get(treaty_id, language)
    assert treaty is not None, corpus.problems
    counts = treaty.counts()
    assert counts["articles"] == entry.expected.articles
    assert counts["chapters"] == entry.expected.chapters
    assert [a.number for a in treaty.articles] == [str(n) for n in range(1, entry.expected.articles + 1)]
    assert treaty.preamble and treaty.final_clause
    assert all(a.title for a in treaty.articles)


def test_language_versions_are_separate(corpus):
    en, nl = corpus.get("coe-budapest-2001", "en"), corpus.get("coe-budapest-2001", "nl")
    assert en.title == "Convention on Cybercrime"
    assert nl.title == "Verdrag inzake de bestrijding van strafbare feiten verbonden met elektronische netwerken"
    assert en.article("2").title == "Illegal access"
    assert nl.article("2").title == "Wederrechtelijke toegang"
    assert en.final_clause[0].startswith("IN WITNESS WHEREOF the undersigned")
    assert nl.final_clause[0].startswith("TEN BLIJKE WAARVAN de ondergetekenden")
    assert en.preamble[0].startswith("The member States of the Council of Europe")
    assert nl.preamble[0].startswith("De lidstaten van de Raad van Europa")


def test_budapest_divisions(corpus):
    en = corpus.get("coe-budapest-2001", "en")
    assert [(c.number, c.name) for c in en.chapters][:2] == [("I", "USE OF TERMS"), ("II", "MEASURES TO BE TAKEN AT THE NATIONAL LEVEL")]
    art16 = en.article("16")
    assert art16.title == "Expedited preservation of stored computer data"
    assert (art16.chapter, art16.section, art16.subsection) == ("II", "2", "2")
    sections = [d for d in en.divisions if d.kind == "section"]
    assert ("1", "SUBSTANTIVE CRIMINAL LAW", "II") in [(s.number, s.name, s.parent) for s in sections]


def test_budapest_points_and_subpoints_verbatim(corpus):
    en = corpus.get("coe-budapest-2001", "en")
    node = en.article("6").find(("1", "a", "ii"))
    assert node.marker == "(ii)"
    assert node.text.startswith("a computer password, access code, or similar data by which the whole")
    assert en.article("24").find(("6",)).text.startswith(
        "If extradition for a criminal offence referred to in paragraph 1 of this article is refused solely on the basis of the nationality")
    nl = corpus.get("coe-budapest-2001", "nl")
    assert nl.article("6").find(("1", "a", "ii")).text.startswith("een computerwachtwoord, toegangscode of soortgelijk gegeven")
    assert nl.article("1").find(("c", "i")).marker == "i."
    # a paragraph printed as "3." alone with its points on the next lines, and "a)access" without a space
    assert [c.number for c in en.article("14").find(("3",)).children] == ["a", "b"]
    assert en.article("32").find(("a",)).text.startswith("access publicly available (open source) stored computer data")


def test_markup_is_removed_but_words_kept(corpus):
    en = corpus.get("coe-budapest-2001", "en")
    text = " ".join(en.preamble) + en.article("39").full_text()
    assert "](" not in text and "*" not in text
    assert "1950 Council of Europe Convention for the Protection of Human Rights and Fundamental Freedoms" in text
    indents = [c for c in en.article("39").find(("1",)).children if c.kind == "indent"]
    assert indents and indents[0].text.startswith("the European Convention on Extradition")


def test_uncac_and_protocol_samples(corpus):
    uncac = corpus.get("un-corruption-2003", "en")
    assert uncac.article("15").title == "Bribery of national public officials"
    assert uncac.article("2").find(("a", "i")).text.startswith("any person holding a legislative, executive, administrative or judicial office")
    assert uncac.article("23").find(("1", "a", "i")).text.startswith("The conversion or transfer of property")
    assert uncac.article("44").find(("6", "a")).text.startswith("At the time of deposit of its instrument of ratification")
    nl = corpus.get("un-corruption-2003", "nl")
    assert nl.article("15").title == "Omkoping betreffende nationale overheidsfunctionarissen"
    protocol = corpus.get("coe-budapest-protocol-2003", "en")
    assert protocol.article("6").title == "Denial, gross minimisation, approval or justification of genocide or crimes against humanity"
    assert corpus.get("coe-budapest-protocol-2003", "nl").article("3").title == \
        "Verspreiding van racistisch en xenofobisch materiaal via computersystemen"


@pytest.mark.parametrize("treaty_id", COMPANIONS + ["un-cybercrime-2024"])
def test_every_pinpoint_label_and_id_resolves_to_its_text(corpus, treaty_id):
    treaties = list(corpus.treaties.values())
    for language in corpus.languages(treaty_id):
        cites = list(citations(corpus.get(treaty_id, language)))
        assert len({c.id for c in cites}) == len(cites), "ids must be unique"
        assert len({c.label for c in cites}) == len(cites), "labels must be unique"
        for cite in cites:
            assert cite.text.strip()
            assert resolve(treaties, cite.label) == cite
            assert resolve(treaties, cite.id) == cite
