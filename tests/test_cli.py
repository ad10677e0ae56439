"""`python -m index` as a user runs it: real processes, real files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, data_dir: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "TREATY_QA_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run([sys.executable, "-m", "index", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def test_inspect_json(tmp_path):
    out = run("inspect", "--json", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    rows = {(r["id"], r["language"]): r for r in report["treaties"]}
    assert len(rows) == 7
    un = rows[("un-cybercrime-2024", "en")]
    assert (un["articles"], un["chapters"], un["notes"]) == (68, 9, 4)
    assert un["paragraphs"] > 200 and un["points"] > 150
    assert {k: rows[k]["articles"] for k in rows if k[0] == "un-corruption-2003"} == {
        ("un-corruption-2003", "en"): 71, ("un-corruption-2003", "nl"): 71}
    missing = {(m["id"], m["language"]) for m in report["missing"]}
    assert missing == {("un-cybercrime-2024", lang) for lang in ["fr", "es", "ru", "zh", "ar"]}
    assert report["problems"] == []


def test_inspect_table(tmp_path):
    out = run("inspect", data_dir=tmp_path)
    assert out.returncode == 0
    assert "un-cybercrime-2024           en         68        9" in out.stdout
    assert "missing: un-cybercrime-2024 (fr) — get it with: python -m index fetch un-cybercrime-2024 --lang fr" in out.stdout


def test_fetch_offline_fails_fast_with_one_line(tmp_path):
    start = time.monotonic()
    out = run("fetch", "un-cybercrime-2024", "--lang", "fr", data_dir=tmp_path,
              env={"TREATY_QA_FETCH_TIMEOUT": "5"}, timeout=60)
    elapsed = time.monotonic() - start
    assert out.returncode == 2
    assert elapsed < 30
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot download https://documents.un.org/api/symbol/access?s=A/RES/79/243&l=fr&t=pdf")
    assert not (tmp_path / "corpus").exists()


@pytest.mark.parametrize("args, message", [
    (["fetch", "nope", "--lang", "fr"], "error: unknown treaty id 'nope'"),
    (["fetch", "un-cybercrime-2024", "--lang", "de"], "error: un-cybercrime-2024 has no 'de' version"),
    (["fetch", "coe-budapest-2001", "--lang", "nl"], "error: coe-budapest-2001 has no downloadable official PDF"),
    (["add", "/nonexistent/file.pdf", "--treaty", "un-cybercrime-2024"], "error: /nonexistent/file.pdf: no such file"),
])
def test_user_errors_are_one_line(tmp_path, args, message):
    out = run(*args, data_dir=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [out.stderr.strip()]
    assert out.stderr.startswith(message), out.stderr


def test_add_registers_a_verified_file(tmp_path, corpus_dir):
    out = run("add", str(corpus_dir / "A_RES_79_243-en.pdf"), "--treaty", "un-cybercrime-2024", "--lang", "en",
              data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "68 articles, 9 chapters, 4 notes — matches un-cybercrime-2024 (en)" in out.stdout
    assert (tmp_path / "corpus" / "un-cybercrime-2024-en.pdf").exists()


def test_add_rejects_a_mismatching_file(tmp_path, corpus_dir):
    out = run("add", str(corpus_dir / "coe-ets185-budapest-convention.md"), "--treaty", "un-corruption-2003",
              data_dir=tmp_path)
    assert out.returncode == 2
    assert "does not match catalog entry un-corruption-2003 (en): 48 articles, expected 71" in out.stderr
    assert not (tmp_path / "corpus").exists()
