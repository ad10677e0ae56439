"""Hybrid retrieval over the real index: outcomes checked by reading the treaty texts."""
from __future__ import annotations

import numpy as np
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
    # "when asked" reads as a request from another state too: domestic (25/16) or on request (42/29) preservation
    assert {(UN, "25"), (UN, "42")} & set(articles(ask(qa, q, [UN]), 3))
    assert {(BUDAPEST, "16"), (BUDAPEST, "29")} & set(articles(ask(qa, q, [BUDAPEST]), 3))
    q = "Can authorities order a provider to quickly preserve stored computer data?"
    assert articles(ask(qa, q, [UN]), 1) == [(UN, "25")]


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


APPROXIMATE_QUESTIONS = [
    "Can a country refuse to extradite its own nationals?", "What must a state do to protect witnesses?",
    "Is it a crime to access a computer system without right?", "How long can traffic data be preserved?",
    "Who can ask for mutual legal assistance?", "Does the convention cover child sexual abuse material?",
    "What is a service provider?", "How are proceeds of crime confiscated?", "Can companies be held liable?",
    "What about the protection of personal data?", "Are there rules on joint investigations?",
    "When does the convention enter into force?",
]


@pytest.fixture(scope="module")
def approximate_retrievers(qa):
    """The session index's vectors in an IVF index (as above TREATY_QA_APPROX_ABOVE), behind two retrievers."""
    from assistant.retriever import HybridRetriever
    from index import store

    flat = qa.retriever.vectors
    ivf = store._faiss_index(flat.reconstruct_n(0, flat.ntotal), approximate_above=100)
    ivf.nprobe = 4  # of 24 cells: few enough that approximate search really misses things unless widened
    make = lambda exact_up_to: HybridRetriever(qa.retriever.chunks, ivf, qa.embedder, qa.retriever.settings,  # noqa: E731
                                               exact_up_to=exact_up_to)
    return make(exact_up_to=300), make(exact_up_to=0)


def _recall(qa, retriever, rows) -> float:
    found = 0
    for question in APPROXIMATE_QUESTIONS:
        query = qa.embedder.encode_queries([question])
        want = {row for row, _ in qa.retriever.nearest(query, rows, 10)}
        got = [row for row, _ in retriever.nearest(query, rows, 10)]
        assert set(got) <= set(rows.tolist())
        found += len(want & set(got))
    return found / (10 * len(APPROXIMATE_QUESTIONS))


def test_approximate_index_is_exact_within_a_small_scope(qa, approximate_retrievers):
    exact_in_scope, _ = approximate_retrievers
    assert exact_in_scope.vectors.nlist == 24  # 968 chunks: 968 // 39 cells of at least 39 vectors
    scope = qa.scope(["un-cybercrime-2024"], "en")[0]
    rows = qa.retriever.rows(scope)
    assert len(rows) <= 300  # so the scope is searched exactly, among its own rows
    for question in APPROXIMATE_QUESTIONS:
        query = qa.embedder.encode_queries([question])
        got, want = exact_in_scope.nearest(query, rows, 20), qa.retriever.nearest(query, rows, 20)
        assert [r for r, _ in got] == [r for r, _ in want], question
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-6)


def test_approximate_index_widens_its_search_for_a_scope(qa, approximate_retrievers):
    """IVF over the whole index, and filtered to a scope (UN Convention English rows, a quarter of the index)."""
    _, approximate = approximate_retrievers
    whole = _recall(qa, approximate, np.arange(len(qa.retriever.chunks)))
    scoped = _recall(qa, approximate, qa.retriever.rows(qa.scope(["un-cybercrime-2024"], "en")[0]))
    assert 0.5 < whole < 1.0  # 4 of 23 cells: an approximation, measurably
    assert scoped >= 0.97  # 4 cells × (934 / 229 rows) = 17 probed for the scope (0.975 with e5, 0.98 with MiniLM); 0.88 with only 4
    hits, _ = approximate.rank("Can a country refuse to extradite its own nationals?", qa.default_scope("en"), k=3)
    assert qa.retriever.chunks[hits[0].row].article == "37"
