"""Fault injection over copies of built indexes: undecodable, truncated, deleted and wrong-type files,
a broken registry, and a build killed with SIGKILL mid-write. Each is named in one line and recovered
without anyone deleting anything."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from index import store
from index.config import PROJECT_ROOT
from index.corpus import load_corpus, read_registry, registry_problem

PROTOCOL = "coe-ets189-additional-protocol.md"


@pytest.fixture(scope="module")
def small_built(corpus_dir, tmp_path_factory):
    """(corpus dir, data dir) of an index of the Additional Protocol only: a rebuild takes seconds."""
    root = tmp_path_factory.mktemp("small-index")
    small = root / "corpus"
    small.mkdir()
    shutil.copy(corpus_dir / PROTOCOL, small / PROTOCOL)
    store.build(small, root / "data")
    return small, root / "data"


@pytest.fixture()
def small(small_built, tmp_path):
    """A fresh copy of the small index for one test to damage."""
    corpus, data = small_built
    shutil.copytree(data, tmp_path / "data")
    return corpus, tmp_path / "data"


@pytest.fixture()
def full_copy(index_data_dir, tmp_path):
    """A copy of the session's full index (the shared fixture's files are never touched)."""
    shutil.copytree(index_data_dir / "index", tmp_path / "data" / "index",
                    ignore=shutil.ignore_patterns("blocks-*", "guide-*", "calibration.json"))
    return tmp_path / "data"


def _cli(module: str, *args: str, corpus, data, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "TREATY_QA_CORPUS_DIR": str(corpus), "TREATY_QA_DATA_DIR": str(data), **(env or {})}
    full_env.pop("TREATY_QA_LLM_URL", None)
    return subprocess.run([sys.executable, "-m", module, *args], cwd=PROJECT_ROOT, env=full_env,
                          capture_output=True, text=True, timeout=300)


def _one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if not line.startswith("[")]  # progress lines start with [
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


# name -> (damage(build folder, index root), words the one-line reason must contain)
FAULTS = {
    "CURRENT not UTF-8": (lambda b, r: (r / "CURRENT").write_bytes(b"\xff\xfe\x00bad"), "CURRENT is not UTF-8 text"),
    "CURRENT names nothing": (lambda b, r: (r / "CURRENT").write_bytes(b"\n"), "CURRENT does not name a build"),
    "manifest not UTF-8": (lambda b, r: (b / "manifest.json").write_bytes(b'{"files": "\xc3\x28"}'), "manifest.json is not UTF-8 text"),
    "manifest a JSON list": (lambda b, r: (b / "manifest.json").write_text("[1, 2]"), "manifest.json is not an index manifest"),
    "manifest truncated": (lambda b, r: (b / "manifest.json").write_bytes((b / "manifest.json").read_bytes()[:50]),
                           "manifest.json is not valid JSON"),
    "faiss.index truncated": (lambda b, r: (b / "faiss.index").write_bytes((b / "faiss.index").read_bytes()[:100]),
                              "faiss.index is corrupt (checksum mismatch)"),
    "chunks.jsonl deleted": (lambda b, r: (b / "chunks.jsonl").unlink(), "chunks.jsonl is missing"),
    "corpus.pkl garbage": (lambda b, r: (b / "corpus.pkl").write_bytes(os.urandom(64)), "corpus.pkl is corrupt"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_damage_is_named_in_one_line_by_status_and_by_a_start(full_copy, corpus_dir, fault):
    damage, words = FAULTS[fault]
    damage(store.current_path(full_copy), store.index_root(full_copy))
    state = store.status(store.wanted(corpus_dir, full_copy), full_copy, verify=True)
    assert state.state == "corrupt" and words in state.reason and "\n" not in state.reason
    with pytest.raises(store.IndexProblem, match=f"^index corrupt: .*{words.split()[0]}") as caught:
        store.ensure(corpus_dir, full_copy, rebuild=False)  # a start that may not rebuild (read-only data dir)
    assert "\n" not in str(caught.value) and str(caught.value).endswith("build it with `python -m index build`")


@pytest.mark.parametrize("fault", ["CURRENT not UTF-8", "faiss.index truncated"])
def test_index_status_command_names_the_damage_in_one_line(full_copy, corpus_dir, fault):
    damage, words = FAULTS[fault]
    damage(store.current_path(full_copy), store.index_root(full_copy))
    out = _cli("index", "status", corpus=corpus_dir, data=full_copy)
    assert out.returncode == 1, out.stderr
    line = _one_line(out.stdout)
    assert line.startswith("corrupt: ") and words in line, line
    assert out.stderr == ""


def test_status_with_checksums_says_so(full_copy, corpus_dir):
    out = _cli("index", "status", corpus=corpus_dir, data=full_copy)
    assert out.returncode == 0 and out.stdout.startswith("ready: up to date, every file matches its checksum")


# A rebuild takes seconds of embedding even for the small index, so recovery is checked through the two
# command-line entry points the issue names (in-process rebuilds of damaged build files: test_store.py).
def test_cli_entry_points_rebuild_an_undecodable_index(small):
    corpus, data = small
    FAULTS["CURRENT not UTF-8"][0](store.current_path(data), store.index_root(data))
    out = _cli("assistant", "cite", "Protocol Article 2", corpus=corpus, data=data)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "building the index (corrupt: " in out.stderr and "CURRENT is not UTF-8 text" in out.stderr
    assert out.stdout.startswith("Additional Protocol (ETS 189), Art. 2")
    for fault in ("manifest not UTF-8", "manifest a JSON list"):
        FAULTS[fault][0](store.current_path(data), store.index_root(data))
        assert store.status(store.wanted(corpus, data), data).state == "corrupt"
    out = _cli("index", "build", "--force", corpus=corpus, data=data)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert out.stdout.startswith("built ")
    assert store.status(store.wanted(corpus, data), data, verify=True).state == "ready"


@pytest.mark.parametrize("content, words", [
    (b"\xff\xfe{}", "not UTF-8 text"),
    (b'["un-corruption-2003/nl"]', "holds a JSON list, not an object of registered files"),
    (b"{not json", "not valid JSON"),
    (b'{"un-corruption-2003/nl": {"file": "../../etc/passwd"}}', "1 entries lack a plain file name"),
])
def test_a_broken_registry_is_named_and_ignored(small, content, words):
    corpus, data = small
    registry = data / "corpus" / "registry.json"
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_bytes(content)
    assert read_registry(data) == {}
    assert words in registry_problem(data) and "python -m index add" in registry_problem(data)
    assert any(words in p for p in load_corpus(corpus, data).problems)
    assert store.status(store.wanted(corpus, data), data).state == "ready"  # no registered file was in the build


def test_a_broken_registry_does_not_stop_the_command_line(small):
    corpus, data = small
    registry = data / "corpus" / "registry.json"
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_bytes(b'["a list"]')
    out = _cli("index", "inspect", corpus=corpus, data=data)
    assert out.returncode == 1 and "Traceback" not in out.stderr + out.stdout
    assert [line for line in out.stdout.splitlines() if line.startswith("problem: ")] == [f"problem: {registry_problem(data)}"]
    out = _cli("index", "status", corpus=corpus, data=data)
    assert out.returncode == 0 and out.stdout.startswith("ready:"), out.stdout + out.stderr
    out = _cli("assistant", "cite", "Protocol Article 2", corpus=corpus, data=data)
    assert out.returncode == 0 and out.stdout.startswith("Additional Protocol (ETS 189), Art. 2"), out.stderr


SLOW_BUILD = """
import sys, time
from pathlib import Path
from index import store
real_dump = store.pickle.dump
def slow_dump(*args, **kwargs):
    print("WRITING", flush=True)  # faiss.index and chunks.jsonl are written; corpus.pkl is next
    time.sleep(120)
    real_dump(*args, **kwargs)
store.pickle.dump = slow_dump
store.build(Path(sys.argv[1]), Path(sys.argv[2]), params=store.ChunkParams(size=500))
"""


def test_kill_9_mid_write_leaves_the_previous_index_and_the_next_start_cleans_up(small):
    corpus, data = small
    good = store.current_path(data)
    child = subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(corpus), str(data)], cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "WRITING", child.stderr.read()
        builds = store.index_root(data) / "builds"
        temporary = [p for p in builds.iterdir() if p.name.startswith(".tmp-")]
        assert len(temporary) == 1 and (temporary[0] / "faiss.index").exists()
        # While the build runs: its folder is not touched by a start, and the previous index serves.
        assert store.clean_stale(data) == [] and temporary[0].exists()
        serving = store.ensure(corpus, data, rebuild=False)
        assert serving.path == good and serving.vectors.ntotal == len(serving.chunks)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert temporary[0].exists()  # what kill -9 leaves
    assert store.current_path(data) == good
    loaded = store.ensure(corpus, data, rebuild=False)  # the next start: cleans up, serves the previous build
    assert loaded.path == good
    assert not temporary[0].exists() and [p.name for p in builds.iterdir()] == [good.name]
    assert store.status(store.wanted(corpus, data), data, verify=True).state == "ready"


def test_a_start_leaves_a_running_build_alone(small):
    corpus, data = small
    root = store.index_root(data)
    leftover = root / "builds" / ".tmp-20260101T000000-abc"
    leftover.mkdir()
    with store.build_lock(root) as held:  # as a builder in another process holds it
        assert held
        with store.build_lock(root, wait=False) as free:
            assert free is False
        assert store.clean_stale(data) == [] and leftover.exists()
    old_cache, fresh_cache = root / ".calibration.json.x1.tmp", root / ".blocks-1.npy.x2.tmp"
    old_cache.write_bytes(b"half")
    fresh_cache.write_bytes(b"being written by another start")
    os.utime(old_cache, (time.time() - 3600, time.time() - 3600))
    assert sorted(store.clean_stale(data)) == sorted([leftover, old_cache])
    assert not leftover.exists() and not old_cache.exists() and fresh_cache.exists()
