"""Settings: every bad value named in one line at start, exit 2, before any index work; --data-dir everywhere."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from index import config
from index.config import PROJECT_ROOT

BAD = {"TREATY_QA_PORT": "abc", "TREATY_QA_CONCURRENCY": "abc", "TREATY_QA_FUSION": "foo", "TREATY_QA_CHUNK_SIZE": "-5"}
LINES = [
    "error: TREATY_QA_PORT='abc' is not a whole number; use a whole number from 1 to 65535",
    "error: TREATY_QA_CONCURRENCY='abc' is not a whole number; use a whole number from 1 to 1000",
    "error: TREATY_QA_CHUNK_SIZE='-5' is out of range; use a whole number from 50 to 100000",
    "error: TREATY_QA_FUSION='foo' is not a choice; use one of: score, rrf",
]


def _run(args: list[str], data_dir, env: dict) -> subprocess.CompletedProcess:
    full = {**{k: v for k, v in os.environ.items() if not k.startswith("TREATY_QA_")},
            "TREATY_QA_DATA_DIR": str(data_dir), **env}
    return subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, env=full, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name, value, words", [
    ("TREATY_QA_PORT", "70000", "TREATY_QA_PORT='70000' is out of range; use a whole number from 1 to 65535"),
    ("TREATY_QA_PORT", "80.5", "TREATY_QA_PORT='80.5' is not a whole number"),
    ("TREATY_QA_CHUNK_SIZE", "1e3", "TREATY_QA_CHUNK_SIZE='1e3' is not a whole number"),
    ("TREATY_QA_CHUNK_OVERLAP", "900", "TREATY_QA_CHUNK_OVERLAP=900 is not smaller than the chunk size (800)"),
    ("TREATY_QA_RATE_LIMIT", "-1", "TREATY_QA_RATE_LIMIT='-1' is out of range; use a finite number of at least 0"),
    ("TREATY_QA_RATE_BURST", "0", "TREATY_QA_RATE_BURST='0' is out of range"),
    ("TREATY_QA_BM25_WEIGHT", "nan", "TREATY_QA_BM25_WEIGHT='nan' is out of range; use a finite number"),
    ("TREATY_QA_ALLOWED_HOSTS", "https://qa.example.org", "'https://qa.example.org' is not a host name"),
    ("TREATY_QA_QUERY_ENCODER", "torch", "TREATY_QA_QUERY_ENCODER='torch' is not a choice"),
    ("TREATY_QA_LLM_URL", "localhost:8000", "TREATY_QA_LLM_URL='localhost:8000' is not an http(s) URL"),
    ("TREATY_QA_FETCH_TIMEOUT", "0", "TREATY_QA_FETCH_TIMEOUT='0' is out of range"),
])
def test_each_bad_value_is_one_line(monkeypatch, name, value, words):
    monkeypatch.setenv(name, value)
    found = config.problems()
    assert len(found) == 1 and words in found[0], found


def test_good_values_and_defaults(monkeypatch):
    for name in [n for n in os.environ if n.startswith("TREATY_QA_")]:
        monkeypatch.delenv(name)
    assert config.problems() == []
    assert config.allowed_hosts() == ("127.0.0.1", "localhost", "::1")
    monkeypatch.setenv("TREATY_QA_ALLOWED_HOSTS", " QA.example.org , [::1],*.example.net ")
    monkeypatch.setenv("TREATY_QA_PORT", " 8080 ")
    assert config.allowed_hosts() == ("qa.example.org", "::1", "*.example.net") and config.app_port() == 8080
    assert config.problems() == []


@pytest.mark.parametrize("entry", [
    ["-m", "index", "build"],
    ["-m", "index", "status"],
    ["-m", "assistant", "ask", "extradition"],
    ["-m", "eval", "--system", "bm25"],
])
def test_every_entry_point_reports_all_bad_settings_before_any_work(tmp_path, entry):
    data = tmp_path / "data"
    out = _run([entry[0], entry[1], "--data-dir", str(data), *entry[2:]], tmp_path / "unused", BAD)
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().splitlines() == LINES and out.stdout == ""
    assert not data.exists() and not (tmp_path / "unused").exists()  # nothing built, nothing written


def test_app_reports_all_bad_settings_before_any_work(tmp_path, monkeypatch, capsys):
    import app

    for name, value in BAD.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exited:
        app.main(["--data-dir", str(tmp_path / "data")])
    assert exited.value.code == 2 and capsys.readouterr().err.strip().splitlines() == LINES
    assert not (tmp_path / "data").exists()


def test_bad_flags_are_usage_errors(tmp_path, capsys):
    import app

    out = _run(["-m", "index", "build", "--chunk-size", "-5"], tmp_path, {})
    assert out.returncode == 2 and "argument --chunk-size: -5 is out of range; use 50 to 100000" in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "index").exists()
    with pytest.raises(SystemExit) as exited:
        app.main(["--port", "abc"])
    assert exited.value.code == 2 and "argument --port: invalid int value: 'abc'" in capsys.readouterr().err


def test_data_dir_flag_on_every_entry_point():
    import app
    from assistant.__main__ import build_parser as assistant_parser
    from eval.__main__ import build_parser as eval_parser
    from index.__main__ import build_parser as index_parser

    for parser in (app.build_parser(), index_parser(), assistant_parser(), eval_parser()):
        assert "--data-dir" in parser.format_help(), parser.prog


def test_app_on_a_busy_port_says_so_in_one_line_before_any_index_work(tmp_path, monkeypatch, capsys):
    import socket

    import app

    for name in [n for n in os.environ if n.startswith("TREATY_QA_")]:
        monkeypatch.delenv(name)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as exited:
            app.main(["--data-dir", str(tmp_path / "data"), "--port", str(port)])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "choose another with --port / TREATY_QA_PORT or --host / TREATY_QA_HOST"]
    assert not (tmp_path / "data").exists()
