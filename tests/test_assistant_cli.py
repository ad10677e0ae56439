"""`python -m assistant ask|cite`: the JSON contracts other tools rely on, and exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from index.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def run(index_data_dir, corpus_dir):
    env = {**os.environ, "TREATY_QA_DATA_DIR": str(index_data_dir), "TREATY_QA_CORPUS_DIR": str(corpus_dir)}
    env.pop("TREATY_QA_LLM_URL", None)

    def _run(*args):
        return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    return _run


def test_ask_json_contract(run):
    out = run("ask", "How quickly must a country preserve stored computer data when asked?",
              "--treaty", "un-cybercrime-2024", "--k", "6", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["question"] == "How quickly must a country preserve stored computer data when asked?"
    assert data["abstained"] is False and isinstance(data["answer"], str)
    assert len(data["passages"]) == 6
    assert [p["rank"] for p in data["passages"]] == [1, 2, 3, 4, 5, 6]
    for p in data["passages"]:
        assert {"rank", "treaty", "article", "paragraph", "label", "score", "text"} <= set(p)
        assert p["treaty"] == "un-cybercrime-2024" and isinstance(p["score"], float)
    assert {"25", "42"} & {p["article"] for p in data["passages"][:3]}  # domestic or on-request preservation
    assert data["citations"]
    assert data["not_addressed"] is False and isinstance(data["not_found_terms"], list)
    assert data["guide"] and all(g["editorial"] is True and g["summary"] and g["label"] for g in data["guide"])
    assert data["offences"] == []  # not a "is it a crime?" question
    for c in data["citations"]:
        assert {"treaty", "article", "paragraph", "point", "label", "text"} <= set(c)
        assert c["label"] in data["answer"] and c["text"]
    para = next(p for p in data["passages"] if p["paragraph"])
    assert para["label"].endswith(f"({para['paragraph']})") or f"({para['paragraph']})(" in para["label"]


def test_ask_text_output_and_lookup_question(run):
    out = run("ask", "What does Art. 35 say?")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("1. States Parties shall cooperate with each other")
    assert out.stdout.rstrip().endswith("[UN Convention against Cybercrime, Art. 35]")


def test_cite_json_found_and_not_found(run):
    out = run("cite", "article 6(1)(a)(ii) of the Budapest Convention", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["reference"] == "article 6(1)(a)(ii) of the Budapest Convention" and data["found"] is True
    assert data["citation"]["label"] == "Budapest Convention, Art. 6(1)(a)(ii)"
    assert data["citation"]["treaty"] == "coe-budapest-2001" and data["citation"]["article"] == "6"
    assert data["citation"]["paragraph"] == "1" and data["citation"]["point"] == "a"
    assert data["suggestions"] == []
    out = run("cite", "Art. 6(9)(z)", "--json")
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert data["found"] is False and data["citation"] is None
    assert data["message"].startswith("No such provision")
    assert "UN Convention against Cybercrime, Art. 6(1)" in [s["label"] for s in data["suggestions"]]


@pytest.mark.parametrize("args, message", [
    (("ask", "   "), "error: the question is empty"),
    (("ask", "extradition", "--treaty", "nope"), "error: unknown treaty 'nope'"),
    (("cite", ""), "error: the reference is empty"),
    (("cite", "hello world"), "error: 'hello world' is not a citation"),
    # An undecodable byte in argv (0xff, which Python hands over as a lone surrogate):
    (("ask", "caf\udcff extradition"), "error: the question holds an invalid character at position 4 (an unpaired surrogate)"),
    (("cite", "Art. \udcff"), "error: the reference holds an invalid character (an unpaired surrogate)"),
])
def test_user_errors_exit_2_with_one_line(run, args, message):
    out = run(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith(message) and out.stderr.count("\n") == 1
