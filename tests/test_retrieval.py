"""Hybrid retrieval over the real index: outcomes checked by reading the treaty texts."""
from __future__ import annotations

import pytest

from assistant.retriever import Scope

UN = "un-cybercrime-2024"
BUDAPEST = "coe-budapest-2001"
UNCAC = "un-corruption-2003"


def articles(passages, n):
    return [(p.chunk.treaty, p.chunk.article) for p in passages[:n]]


def ask(qa, question, treaties=None, language="en", k=5, mode="hybrid"):
    scope, _ = qa.scope(treaties, language)
    return qa.retrieve(question, scope, k=k, mode=mode)


def test_preserving_stored_data_quickly(qa):
    q = "How quickly must a country preserve stored computer data when asked?"
    assert (UN, "25") in articles(ask(qa, q, [UN]), 3)
    assert (BUDAPEST, "16") in articles(ask(qa, q, [BUDAPEST]), 3)


@pytest.mark.parametrize("question, treaty, article", [
    ("Can a country refuse to extradite its own nationals?", UN, "37"),
    ("What is the 24/7 network?", UN, "41"),
    ("Is it a crime to access someone's computer system without permission?", UN, "7"),
    ("Can a public official be bribed?", UNCAC, "15"),
])
def test_plain_questions_find_the_article_first(qa, question, treaty, article):
    assert articles(ask(qa, question), 1) == [(treaty, article)]


def test_dutch_question_searches_dutch_texts(qa):
    passages = ask(qa, "Wat is een computersysteem?", [BUDAPEST], language="nl")
    assert articles(passages, 1) == [(BUDAPEST, "1")]
    assert passages[0].chunk.label.startswith("Budapest Convention (NL), Art. 1")
    assert "computersysteem" in passages[0].chunk.text


def test_scope_limits_treaty_language_and_chapter(qa):
    scope, notices = qa.scope([BUDAPEST, UNCAC], "nl")
    passages = qa.retrieve("bevriezing en confiscatie van opbrengsten", scope, k=20)
    assert {p.chunk.treaty for p in passages} <= {BUDAPEST, UNCAC}
    assert {p.chunk.language for p in passages} == {"nl"}
    scope, _ = qa.scope([UN], "en", chapter="IV")
    passages = qa.retrieve("extradition of nationals", scope, k=10)
    assert passages and {p.chunk.chapter for p in passages} == {"IV"}
    assert all(p.chunk.article != "37" for p in passages)  # Art. 37 is in chapter V


def test_treaty_without_the_language_is_named_not_silently_searched(qa):
    scope, notices = qa.scope([UN, BUDAPEST], "nl")
    assert scope.treaties == (BUDAPEST,)
    assert notices == ["UN Convention against Cybercrime was not searched: no 'nl' text here (available: en)"]


def test_primary_treaty_first_among_equally_relevant(qa):
    passages = ask(qa, "illegal access to a computer system without right", [UN, BUDAPEST], k=10)
    assert articles(passages, 2) == [(UN, "7"), (BUDAPEST, "2")]


def test_interpretative_note_is_retrieved_with_the_articles_it_interprets(qa):
    q = "When is an investigation a criminal investigation, reasonable grounds to believe an offence was committed?"
    passages = ask(qa, q, [UN])
    note = passages[0]
    assert note.chunk.kind == "note"
    assert note.chunk.label == "UN Convention against Cybercrime, interpretative note on Arts. 23 and 35"
    assert [a.label for a in note.interprets] == ["UN Convention against Cybercrime, Art. 23",
                                                   "UN Convention against Cybercrime, Art. 35"]
    art23 = next(p for p in passages if p.chunk.article == "23" and p.chunk.kind == "article")
    assert [n.label for n in art23.notes] == ["UN Convention against Cybercrime, interpretative note on Arts. 23 and 35"]


def test_cross_references_become_links(qa):
    passages = ask(qa, "Is selling software designed for committing offences, like hacking tools, illegal?", [UN])
    misuse = next(p for p in passages if p.chunk.article == "11")
    assert [x.label for x in misuse.cross_references][:4] == [
        f"UN Convention against Cybercrime, Art. {n}" for n in ("7", "8", "9", "10")]
    assert all(x.text for x in misuse.cross_references)


def test_protocol_reference_to_the_convention_links_to_budapest(qa):
    scope = Scope(("coe-budapest-protocol-2003",), "en")
    rows = [i for i in qa.retriever.rows(scope) if "of the Convention" in qa.retriever.chunks[i].text]
    links = {(x.treaty, x.article) for i in rows for x in qa._links(qa.retriever.chunks[i])}
    assert (BUDAPEST, "35") in links or (BUDAPEST, "41") in links


def test_definitions_attach_for_defined_terms(qa):
    scope, _ = qa.scope(None, "en")
    found = {(d.citation.label, d.term) for d in qa.definitions_for("What is traffic data?", scope)}
    assert ("UN Convention against Cybercrime, Art. 2(c)", "Traffic data") in found
    assert ("Budapest Convention, Art. 1(d)", "traffic data") in found
    assert qa.definitions_for("Who pays for the translation?", scope) == []


def test_modes_and_scores_are_reported(qa):
    hybrid = ask(qa, "24/7 network contact point", [UN], k=3)
    assert all(p.hit.dense is not None or p.hit.bm25 is not None for p in hybrid)
    assert hybrid[0].hit.dense_rank is not None and hybrid[0].hit.bm25_rank is not None
    dense = ask(qa, "24/7 network contact point", [UN], k=3, mode="dense")
    assert all(p.hit.bm25 is None for p in dense)
    assert [p.hit.dense for p in dense] == sorted([p.hit.dense for p in dense], reverse=True)
    bm25 = ask(qa, "24/7 network contact point", [UN], k=3, mode="bm25")
    assert all(p.hit.dense is None and p.hit.bm25 > 0 for p in bm25)
