"""The answer eval (eval/answers.py): its metrics checked by hand, its sets valid, and a small real run."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.answers import ANSWERS_DIR, Asker, _decides, evaluate_answers, follow_ups, load_cases, must_quote
from eval.questions import QuestionFileError
from index.frontmatter import PARTS, front_paragraphs

UN = "un-cybercrime-2024"


def test_a_line_decides_when_its_paragraph_is_a_must_quote_one():
    gold = ((UN, "37", "11"), (UN, "22", None))
    assert _decides((UN, "37", "11"), gold)
    assert not _decides((UN, "37", "8"), gold)
    assert _decides((UN, "22", "3"), gold)  # a whole-article gold accepts any of its paragraphs
    assert not _decides(("coe-budapest-2001", "37", "11"), gold)


def test_follow_up_precision_and_recall_by_hand():
    rows = [{"id": "a", "previous": "p", "question": "and what about children?", "followup": True},
            {"id": "b", "previous": "p", "question": "why?", "followup": True},
            {"id": "c", "previous": "p", "question": "Can a country refuse to extradite its own nationals?", "followup": True},
            {"id": "d", "previous": "p", "question": "Is that mandatory?", "followup": False}]
    result = follow_ups(rows)
    assert result["precision"] == pytest.approx(2 / 3, abs=1e-4) and result["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert {m["id"] for m in result["misses"]} == {"c", "d"}


def test_the_sets_are_valid_and_split(corpus):
    for name, minimum in (("must-quote.jsonl", 120), ("not-addressed.jsonl", 80)):
        cases = load_cases(name)
        assert len(cases) >= minimum and {c.split for c in cases} == {"dev", "test"}
        assert len({c.id for c in cases}) == len(cases)
    documents = list(corpus.documents.values())
    for case in load_cases("must-quote.jsonl"):
        for treaty, article, paragraph in case.must_quote:
            if article in PARTS:  # a paragraph of the preamble or of the adopting resolution
                numbers = {p.number for p in front_paragraphs(corpus.get(treaty, "en"), documents) if p.part == article}
                assert paragraph in numbers, case.id
                continue
            found = corpus.get(treaty, "en").article(article)
            assert found is not None and (paragraph is None or found.find((paragraph,)) is not None), case.id
    rows = [json.loads(line) for line in (ANSWERS_DIR / "followups.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 80 and 0.3 < sum(r["followup"] for r in rows) / len(rows) < 0.7


def test_a_bad_answer_file_is_one_line(tmp_path):
    (tmp_path / "must-quote.jsonl").write_text('{"id": "x", "question": "q"}\n', encoding="utf-8")
    with pytest.raises(QuestionFileError, match="must-quote.jsonl:1: each row needs an id and a split"):
        load_cases("must-quote.jsonl", folder=tmp_path)


def test_must_quote_on_real_answers(qa, tmp_path):
    rows = [{"id": "t1", "question": "How long can stored data be preserved under an order?", "scope": [UN],
             "must_quote": [{"treaty": UN, "article": "25", "paragraph": "2"}], "split": "dev"},
            {"id": "t2", "question": "Who is the depositary of the convention?", "scope": [UN],
             "must_quote": [{"treaty": UN, "article": "68", "paragraph": "1"}], "split": "dev"},
            {"id": "t3", "question": "How long can stored data be preserved under an order?", "scope": [UN],
             "must_quote": [{"treaty": UN, "article": "1"}], "split": "dev"}]
    (tmp_path / "must-quote.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = must_quote(Asker(qa), load_cases("must-quote.jsonl", folder=tmp_path))
    by_id = {r["id"]: r for r in result["per_question"]}
    assert by_id["t1"]["lead"] and by_id["t1"]["lead_two"] and not by_id["t3"]["anywhere"]
    assert result["verbatim"] == 1.0 and result["quoted_lines"] >= 3
    assert result["lead_two"] == pytest.approx(sum(r["lead_two"] for r in result["per_question"]) / 3, abs=1e-4)


def test_the_whole_answer_eval_runs_on_the_test_split_shape(qa, tmp_path):
    for name in ("must-quote.jsonl", "not-addressed.jsonl", "followups.jsonl"):
        rows = [json.loads(line) for line in (ANSWERS_DIR / name).read_text(encoding="utf-8").splitlines()][:6]
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = evaluate_answers(qa, None, tmp_path)
    assert set(result) == {"split", "must_quote", "not_addressed", "not_addressed_nl", "off_topic", "follow_ups"}
    assert result["must_quote"]["verbatim"] == 1.0
    assert 0.0 <= result["not_addressed"]["recall"] <= 1.0 and result["off_topic"]["recall"] >= 0.8
    # the Dutch questions of dutch.jsonl over the Dutch texts: at most the English target wrongly declared not addressed
    dutch = result["not_addressed_nl"]
    assert dutch["n_answerable"] == 37 and dutch["answerable_flagged"] <= 0.05, dutch["wrongly_flagged"]
