"""`python -m assistant compare REF --with TREATY [--json]`: the JSON contract, both directions, no counterpart,
exit codes; and comparison questions in the chat (quoted verbatim, pinpoints, compare link)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from index.config import PROJECT_ROOT

UN, BUDAPEST = "un-cybercrime-2024", "coe-budapest-2001"


@pytest.fixture(scope="module")
def run(index_data_dir, corpus_dir):
    env = {**os.environ, "TREATY_QA_DATA_DIR": str(index_data_dir), "TREATY_QA_CORPUS_DIR": str(corpus_dir)}

    def _run(*args):
        return subprocess.run([sys.executable, "-m", "assistant", "compare", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    return _run


def test_compare_json_contract_both_directions(run, corpus):
    out = run("UN Convention against Cybercrime Art. 29", "--with", BUDAPEST, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"from", "with", "matches", "message"} <= set(data)
    assert data["from"]["id"] == "un-cybercrime-2024/en/art-29" and data["with"] == BUDAPEST
    assert data["from"]["text"] == corpus.get(UN, "en").article("29").full_text()
    first = data["matches"][0]
    assert {"citation", "score", "status", "note", "alignment"} <= set(first)
    assert first["citation"]["label"] == "Budapest Convention, Art. 20" and first["status"] == "reviewed"
    assert first["note"]["editorial"] is True and first["note"]["text"]
    scores = [m["score"] for m in data["matches"] if m["status"] == first["status"]]
    assert scores == sorted(scores, reverse=True)  # best first
    for row in first["alignment"]:
        assert set(row) == {"from", "to", "similarity", "diff"}
        assert row["from"] is None or row["from"].startswith("un-cybercrime-2024/en/art-29")
        assert row["to"] is None or row["to"].startswith("coe-budapest-2001/en/art-20")
        for op in row["diff"]:
            assert op["op"] in ("equal", "removed", "added", "changed")
            assert set(op) == ({"op", "from", "to"} if op["op"] == "changed" else {"op", "text"})
    back = json.loads(run("coe-budapest-2001/en/art-20", "--with", UN, "--json").stdout)
    assert back["matches"][0]["citation"]["id"] == "un-cybercrime-2024/en/art-29"


def test_no_counterpart_and_user_errors(run):
    out = run("UN Convention against Cybercrime Art. 16", "--with", BUDAPEST, "--json")
    data = json.loads(out.stdout)
    assert out.returncode == 0 and data["matches"] == [] and "no counterpart" in data["message"]
    text = run("Art. 16", "--with", BUDAPEST)
    assert "has no counterpart" in text.stdout and "Editorial note (ours, not treaty text)" in text.stdout
    bad = run("Art. 29", "--with", "nowhere")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown treaty 'nowhere'" in bad.stderr


def test_comparison_question_quotes_both_treaties_verbatim_then_the_compare_link(qa, corpus):
    answer = qa.ask("How does the UN convention differ from Budapest on real-time collection of traffic data?")
    assert answer.mode == "comparison" and not answer.abstained
    treaties = {c.treaty for _, c in answer.quotes}
    assert treaties == {UN, BUDAPEST}
    assert {c.article for _, c in answer.quotes if c.treaty == UN} == {"29"}
    assert {c.article for _, c in answer.quotes if c.treaty == BUDAPEST} == {"20"}
    for text, citation in answer.quotes:
        assert text in citation.text and f"{text} [{citation.label}]" in answer.answer  # verbatim, pinpointed
    assert answer.comparison["link"] == "compare:un-cybercrime-2024/en/art-29|coe-budapest-2001"
    assert answer.answer.rstrip().endswith(f"Compare side by side: {answer.comparison['label']}")
    # The only prose about the difference is the reviewed note, labelled as ours.
    assert "Editorial note (ours, not treaty text):" in answer.answer
    assert answer.to_dict()["comparison"]["with"] == BUDAPEST
    plain = qa.ask("Can the police collect traffic data in real time?")
    assert plain.mode != "comparison" and plain.comparison is None
