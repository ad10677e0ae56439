"""Property-based tests: any text given to the citation parser, the lookup or the question path ends in
a result or a one-line UserError, never a crash (hypothesis generates the inputs)."""
from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engine import MAX_QUESTION, clean_question
from assistant.errors import UserError
from assistant.lookup import lookup
from assistant.references import parse_reference

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NUMBERS = st.one_of(st.integers(0, 120).map(str), st.integers(10 ** 6, 10 ** 30).map(str), st.sampled_from(["٣", "０", "xvii"]))
PARTS = st.one_of(st.integers(0, 40).map(str), st.sampled_from(list("abcdefghijklmnopqrstuvwxyz") + ["i", "ii", "iv", "xx", "z"]))
WRAPS = st.sampled_from(["({})", "{}", ".{}", " para {}", " paragraph {}", " (({}", "){}(", " lid {}", " onder {}"])
TREATIES = st.sampled_from(["", " of the Budapest Convention", "UNCAC ", " ETS 185", " Protocol", " (NL)", " of UNCAC in Dutch"])


@st.composite
def references(draw) -> str:
    """Citation-shaped strings, well-formed or not: "Art. 41(3)(e)", "artikel 6 lid 1 onder a", "Art. 5(((3"."""
    head = draw(st.sampled_from(["Art. ", "art ", "Article ", "artikel ", "Arts. ", "interpretative note on article ", "Chapter "]))
    parts = "".join(draw(WRAPS).format(draw(PARTS)) for _ in range(draw(st.integers(0, 6))))
    text = head + draw(NUMBERS) + parts
    treaty = draw(TREATIES)
    return treaty + text if treaty.endswith(" ") else text + treaty


def _one_line_error(exc: UserError) -> None:
    message = str(exc)
    assert message and "\n" not in message and "Traceback" not in message and len(message) < 400


@FUZZ
@given(st.text(max_size=300))
def test_parser_never_crashes_on_any_text(text):
    ref = parse_reference(text)
    assert ref is None or ref.kind in {"article", "note", "chapter", "preamble"}


@FUZZ
@given(references())
def test_parser_reads_citation_shaped_text(text):
    ref = parse_reference(text)
    if ref is not None and ref.kind == "article":
        assert ref.article and all(ref.path)


@FUZZ
@given(st.one_of(references(), st.text(max_size=200), st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "So"]), max_size=50)))
def test_lookup_gives_a_provision_a_no_such_provision_or_a_user_error(corpus, text):
    try:
        found = lookup(corpus, text)
    except UserError as exc:
        _one_line_error(exc)
        return
    if found.found:
        assert found.citation.text.strip() and found.citation.label
    else:
        assert found.message.startswith("No such provision:") and "\n" not in found.message
        assert all(s.text for s in found.suggestions)


@FUZZ
@given(st.text(max_size=3000))
def test_clean_question_removes_control_characters_or_refuses(text):
    try:
        question = clean_question(text)
    except UserError as exc:
        _one_line_error(exc)
        return
    assert 0 < len(question) <= MAX_QUESTION
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in question)
    assert question == question.strip() and "  " not in question


def test_huge_and_nested_inputs_are_refused_quickly(corpus):
    for text in ("x" * 100_000, "Art. " + "(1)" * 50_000, "\x00" * 10_000, "(" * 100_000):
        try:
            lookup(corpus, text)
            raise AssertionError("a 100 KB reference was accepted")
        except UserError as exc:
            _one_line_error(exc)
        try:
            clean_question(text)
            raise AssertionError("a 100 KB question was accepted")
        except UserError as exc:
            _one_line_error(exc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(min_size=1, max_size=200), references(), st.from_regex(r"\A(?:and |what about |)[a-z ]{1,40}\?\Z")))
def test_ask_answers_abstains_or_refuses_on_any_question(qa, text):
    try:
        answer = qa.ask(text, treaties=["un-cybercrime-2024"])
    except UserError as exc:
        _one_line_error(exc)
        return
    assert answer.mode in {"extractive", "abstained", "lookup", "generated"}
    data = answer.to_dict()
    assert data["question"] and isinstance(data["answer"], str) and data["answer"]
    for citation in answer.citations:  # every cited label appears in the answer it supports
        assert citation.label in answer.answer


def test_huge_chapter_numbers_are_answered_at_once(corpus):
    # hypothesis found this: "Chapter 3393696767" used to build a roman numeral of 3.4 million M's
    found = lookup(corpus, "Chapter 46102120776 of UNCAC")
    assert not found.found and "has no Chapter 46102120776" in found.message
