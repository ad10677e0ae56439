"""The eval: metrics on hand-computed cases, the question sets, the systems, the CLI and the report."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections import Counter

import pytest

from assistant.abstention import _questions as calibration_questions
from eval import metrics as m
from eval.questions import QuestionFileError, check_gold, load_questions
from eval.run import summarize
from index.config import PROJECT_ROOT
from index.frontmatter import PARTS

UN = "un-cybercrime-2024"
A, B, C, D = ("un", "1"), ("un", "2"), ("un", "3"), ("un", "4")


def test_rank_metrics_on_hand_computed_lists():
    ranked = [A, B, C, D]
    assert (m.hit_at(ranked, {C}, 1), m.hit_at(ranked, {C}, 3)) == (0.0, 1.0)
    assert m.reciprocal_rank(ranked, {C}, 10) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(ranked, {C}, 2) == 0.0  # outside the cut-off
    assert m.recall_at(ranked, {A, D}, 3) == 0.5 and m.recall_at(ranked, {A, D}, 4) == 1.0
    # one relevant item at rank 3: DCG = 1/log2(4) = 0.5, ideal DCG = 1
    assert m.ndcg_at(ranked, {C}, 10) == pytest.approx(0.5)
    # relevant at ranks 1 and 4: (1 + 1/log2 5) / (1 + 1/log2 3)
    assert m.ndcg_at(ranked, {A, D}, 10) == pytest.approx((1 + 1 / math.log2(5)) / (1 + 1 / math.log2(3)))
    assert m.ndcg_at([], {A}, 10) == 0.0 and m.recall_at([], {A}, 5) == 0.0
    assert m.first_hit([{("un", "1", "2")}, {("un", "3", "1")}], {("un", "3", "1")}, 10) == 2
    assert m.first_hit([set()], {("un", "3", "1")}, 10) is None


def test_abstention_percentile_and_mean():
    # abstained on a negative, on an answerable question, not on a negative, not on an answerable one
    result = m.abstention([True, True, False, False], [True, False, True, False])
    assert (result["precision"], result["recall"]) == (0.5, 0.5)
    assert m.abstention([False, False], [True, False])["precision"] is None
    assert m.percentile([1, 2, 3, 4], 50) == 2.5
    assert m.percentile(list(range(1, 21)), 95) == pytest.approx(19.05)
    assert m.percentile([], 50) is None and m.mean([]) is None and m.mean([1, 2]) == 1.5


def test_summarize_averages_answerable_questions_and_counts_abstentions():
    def rec(gold, hit1, abstained, **extra):
        return {"gold": gold, "hit@1": hit1, "hit@3": hit1, "hit@5": 1.0, "recall@5": 1.0, "recall@10": 1.0,
                "mrr@10": hit1 or 0.5, "ndcg@10": 1.0, "abstained": abstained, "latency_ms": 10.0, **extra}
    gold = [{"treaty": UN, "article": "7", "paragraph": "1"}]
    records = [rec(gold, 1.0, False, paragraph={"hit@1": 1.0, "hit@3": 1.0, "hit@5": 1.0, "mrr@10": 1.0},
                   node={"hit@1": 0.0, "hit@3": 1.0, "rank": 2}),
               rec(gold, 0.0, True, node={"hit@1": 0.0, "hit@3": 0.0, "rank": None}),
               {"gold": [], "abstained": True, "latency_ms": 30.0},
               {"gold": [], "abstained": False, "latency_ms": 20.0}]
    s = summarize(records)
    assert (s["n"], s["n_answerable"], s["hit@1"], s["mrr@10"]) == (4, 2, 0.5, 0.75)
    assert s["paragraph"] == {"n": 1, "hit@1": 1.0, "hit@3": 1.0, "hit@5": 1.0, "mrr@10": 1.0}
    assert s["node"] == {"n": 2, "hit@1": 0.0, "hit@3": 0.5}
    assert (s["abstention"]["precision"], s["abstention"]["recall"]) == (0.5, 0.5)
    assert s["latency_ms"] == {"p50": 15.0, "p95": 28.5}


def test_question_sets_are_complete_and_valid(corpus):
    questions = load_questions()
    assert not check_gold(questions, corpus)  # every gold article (and paragraph) exists, inside the scope
    assert len(questions) >= 300
    assert sum(1 for q in questions if any(g.treaty == UN for g in q.gold)) >= 150
    own = [q for q in questions if q.split is None]  # the outsiders' sets are English by design
    assert 0.08 <= sum(q.language == "nl" for q in own) / len(own) <= 0.15
    assert sum(1 for q in questions if q.kind == "negative") >= 30
    outsiders = [q for q in questions if q.split is not None and q.language == "en"]
    assert len(outsiders) >= 250 and sum(1 for q in outsiders if q.gold[0].treaty == UN) >= 150
    assert sum(q.kind == "near-miss" for q in outsiders) >= 40 and {q.split for q in outsiders} == {"dev", "test"}
    assert all(q.extra.get("source") for q in outsiders)  # each names the public page it was written from
    kinds = Counter(q.kind for q in questions)
    assert set(kinds) == {"keyword", "paraphrase", "plain", "definition", "cross-treaty", "citation", "negative", "lay", "near-miss"}
    assert kinds["paraphrase"] + kinds["plain"] > len(own) / 2
    assert any(len({g.treaty for g in q.gold}) == 2 for q in questions)  # comparisons across treaties
    assert any(len({g.key for g in q.gold}) == 2 and len({g.treaty for g in q.gold}) == 1 for q in questions)
    for (tid, lang), treaty in corpus.treaties.items():  # every chapter of every treaty is asked about
        if lang != "en":
            continue
        asked = {treaty.article(g.article).chapter for q in questions for g in q.gold
                 if g.treaty == tid and g.article not in PARTS}
        assert asked >= {c.number for c in treaty.chapters if any(a.chapter == c.number for a in treaty.articles)}, tid
    front = [q for q in questions if any(g.article in PARTS for g in q.gold)]  # preamble and adopting resolution
    assert len(front) >= 30 and {q.split for q in front} == {"dev", "test"} and all(q.extra.get("source") for q in front)
    # Questions in other languages: at least 40 per UN language and 20 in German and Dutch, each with 15 off-topic ones.
    asked = Counter((q.language, bool(q.gold)) for q in questions if q.split is not None and q.language != "en")
    assert all(asked[(lang, True)] >= 40 for lang in ("ar", "zh", "fr", "ru", "es")), asked
    assert all(asked[(lang, True)] >= 20 for lang in ("de", "nl")) and all(asked[(lang, False)] >= 15 for lang, _ in asked)
    # Questions in other languages naming a companion treaty: 9 per language, 3 on each of the three.
    named = Counter((q.language, q.gold[0].treaty) for q in questions if q.source == "multilingual-companions.jsonl")
    assert set(named.values()) == {3} and {lang for lang, _ in named} == {"ar", "zh", "fr", "ru", "es", "de"}
    held_out = set(calibration_questions("on_topic.jsonl")) | set(calibration_questions("off_topic.jsonl"))
    assert not held_out & {q.question for q in questions}  # the abstention floor is not fitted on eval questions


@pytest.mark.parametrize("line, message", [
    ("{not json", "not JSON"),
    ('{"id": "x", "question": "q", "gold": []}', "missing kind"),
    ('{"id": "x", "question": "q", "gold": [], "kind": "plain"}', "negative questions, and only they"),
    ('{"id": "x", "question": "q", "gold": [{"treaty": "un"}], "kind": "plain"}', "needs treaty and article"),
    ('{"id": "x", "question": "q", "gold": [], "kind": "weird"}', "kind 'weird'"),
])
def test_bad_question_files_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "question": "q", "gold": [], "kind": "negative"}\n' + line + "\n")
    with pytest.raises(QuestionFileError, match=f"bad.jsonl:2: .*{message}"):
        load_questions([path])


def test_unknown_gold_is_reported(corpus, tmp_path):
    path = tmp_path / "gold.jsonl"
    rows = [{"id": "a", "question": "q", "gold": [{"treaty": UN, "article": "99"}], "kind": "plain", "scope": [UN]},
            {"id": "b", "question": "q", "gold": [{"treaty": UN, "article": "7", "paragraph": "9"}], "kind": "plain"},
            {"id": "c", "question": "q", "gold": [{"treaty": UN, "article": "7"}], "kind": "plain", "scope": ["coe-budapest-2001"]},
            {"id": "d", "question": "q", "gold": [{"treaty": UN, "article": "resolution", "paragraph": "13"}], "kind": "lay"},
            {"id": "e", "question": "q", "gold": [{"treaty": UN, "article": "preamble", "paragraph": "12"},
                                                  {"treaty": UN, "article": "resolution", "paragraph": "meeting"}], "kind": "lay"}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    problems = check_gold(load_questions([path]), corpus)
    assert problems == ["a: un-cybercrime-2024 has no article 99",
                        "b: un-cybercrime-2024 article 7 has no top-level provision 9",
                        "c: gold treaty un-cybercrime-2024 is outside the question's scope",
                        "d: un-cybercrime-2024 has no resolution paragraph 13"]


def test_every_system_ranks_articles(qa, index_data_dir, corpus_dir):
    from eval.__main__ import _chapters
    from eval.run import evaluate
    from eval.systems import build_systems

    questions = [q for q in load_questions() if q.id in {"un-116", "un-096", "bud-005", "neg-001", "un-167"}]
    from index.embedding import load_embedder

    # The passage baselines' own vectors come from the bundled MiniLM here: embedding 1,500 windows and
    # articles with e5 would add four minutes to the suite for the same check of their ranking code.
    systems = build_systems(qa, ["hybrid", "bm25", "naive-dense", "article-dense", "article-bm25"],
                            index_data_dir / "eval", corpus_dir, baseline_embedder=load_embedder("all-MiniLM-L6-v2"))
    for name, system in systems.items():
        result = evaluate(system, questions, _chapters(qa), k=10)
        assert result["n"] == 5 and result["n_answerable"] == 4, name
        assert result["recall@10"] >= 0.75, (name, result["recall@10"])
        for record in result["per_question"]:
            ranked = {(x["treaty"], x["article"]) for x in record["ranked"]}
            assert len(ranked) == len(record["ranked"]) <= 10  # distinct articles
            if name != "bm25" and name != "article-bm25":  # BM25 lists only passages sharing a word
                assert len(ranked) == 10, name
    hybrid = evaluate(systems["hybrid"], questions, _chapters(qa))
    by_id = {r["id"]: r for r in hybrid["per_question"]}
    assert by_id["un-116"]["ranked"][0] == {"treaty": UN, "article": "41"}  # 24/7 contact point
    assert by_id["un-167"]["lookup"] and by_id["un-167"]["ranked"][0]["article"] == "41"  # "Article 41" is a lookup
    assert by_id["neg-001"]["abstained"] is True and by_id["un-096"]["abstained"] is False
    assert systems["naive-dense"].search(questions[0], 10).units is not None
    assert systems["article-dense"].search(questions[0], 10).units is None  # whole articles: no paragraph metrics


@pytest.fixture(scope="module")
def run_eval(index_data_dir, corpus_dir):
    env = {**os.environ, "TREATY_QA_DATA_DIR": str(index_data_dir), "TREATY_QA_CORPUS_DIR": str(corpus_dir)}

    def _run(*args):
        return subprocess.run([sys.executable, "-m", "eval", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
    return _run


def test_cli_json_and_report(run_eval, tmp_path):
    path = tmp_path / "small.jsonl"
    rows = [{"id": "s1", "question": "Is there a 24/7 contact point?", "gold": [{"treaty": UN, "article": "41"}],
             "kind": "plain", "language": "en", "scope": [UN]},
            {"id": "s2", "question": "Who won the World Cup in 1998?", "gold": [], "kind": "negative", "language": "en"}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    out = run_eval("--questions", str(path), "--system", "hybrid", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"system", "n", "n_answerable", "hit@1", "hit@3", "hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10",
            "abstention", "latency_ms", "by_kind", "per_question"} <= set(data)
    assert (data["system"], data["n"], data["n_answerable"], data["hit@1"]) == ("hybrid", 2, 1, 1.0)
    assert set(data["abstention"]) >= {"precision", "recall"} and set(data["latency_ms"]) == {"p50", "p95"}
    assert data["abstention"]["precision"] == 1.0 and data["abstention"]["recall"] == 1.0
    report = tmp_path / "report"
    out = run_eval("--questions", str(path), "--system", "hybrid", "--system", "bm25", "--report", str(report), "--json")
    assert out.returncode == 0, out.stderr
    assert [r["system"] for r in json.loads(out.stdout)] == ["hybrid", "bm25"]
    for name in ("report.md", "results.json", "recall_at_k.png", "chapters.png", "abstention.png"):
        assert (report / name).stat().st_size > 500, name
    text = (report / "report.md").read_text()
    assert "## Targets" in text and "| hybrid | 1 | 1.000 |" in text


def test_cli_user_errors(run_eval, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    out = run_eval("--questions", str(bad))
    assert out.returncode == 2 and out.stderr.strip().startswith("error: bad.jsonl:1: missing") and out.stderr.count("\n") == 1
    out = run_eval("--questions", str(tmp_path / "missing.jsonl"))
    assert out.returncode == 2 and "cannot read" in out.stderr


def test_e5_embedder_the_default_model(corpus):
    import numpy as np

    from index.embedding import load_embedder

    e5 = load_embedder("multilingual-e5-small")
    budapest = corpus.get("coe-budapest-2001", "nl")
    passages = [budapest.article("2").full_text(), budapest.article("47").full_text()]  # illegal access, denunciation
    vectors = e5.encode_passages(passages)
    query = e5.encode_queries(["Is inbreken in een computer strafbaar?"])
    assert vectors.shape == (2, e5.dimension) and query.shape == (1, e5.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    scores = vectors @ query[0]
    assert scores[0] > scores[1]  # the Dutch question lands on the Dutch article about illegal access
    assert e5.model_id.startswith("multilingual-e5-small")
