"""The on-disk index: build it, tell whether it is current, load it, rebuild it when it is not.

Layout under ``<data dir>/index/``::

    CURRENT                  name of the live build (replaced atomically, last)
    builds/<name>/manifest.json   model, corpus sha256s, chunker parameters, versions, file sha256s
    builds/<name>/faiss.index     vectors (exact inner product, or IVF above a size)
    builds/<name>/chunks.jsonl    the chunk table, row i = vector i
    builds/<name>/corpus.pkl      the parsed treaties, so a restart needs no PDF parsing

A build is written into a temporary folder, checked, renamed, and only then named in
CURRENT, so a crash at any point leaves the previous index in use. A builder holds
``build.lock`` (flock) while it works; a start that can take the lock knows no build is running
and removes what a killed one left (``builds/.tmp-*``, half-written ``.*.tmp`` files).
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import pickle
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from . import config
from .catalog import load_catalog
from .chunking import Chunk, ChunkParams, chunk_treaty
from .corpus import Corpus, load_corpus, sha256_file, source_path, write_atomic
from .embedding import load_embedder, model_identity

FORMAT = 1
FILES = ("faiss.index", "chunks.jsonl", "corpus.pkl")
# Above TREATY_QA_APPROX_ABOVE chunks the index is IVF, not HNSW. On the 100x benchmark corpus
# (151k chunks, perturbed copies and so near-duplicates of each other, as language versions and
# shared final clauses are in real collections), IVF probing 128 of 1,554 cells found 0.994 of
# the exact top 10; HNSW (M 32, efConstruction 80) found 0.65 at efSearch 128, 0.83 at 512
# (docs/benchmarks.md).
IVF_CELLS_PER_ROOT = 4  # nlist = 4·√n, the usual rule, and never fewer than 39 vectors per cell for training
IVF_NPROBE = 128

TMP_FILE_AGE = 600  # seconds after which a half-written cache file outside builds/ is a dead process's

Progress = Callable[[str, float], None]
REBUILD = "; rebuild it with `python -m index build`"


class IndexProblem(Exception):
    """The index is missing, stale, corrupt or cannot be written; the message says what to do."""


@dataclass
class Status:
    """Whether the live index matches what would be built now."""

    state: str  # "ready" | "missing" | "stale" | "corrupt"
    reason: str
    path: Path | None = None
    manifest: dict | None = None


@dataclass
class LoadedIndex:
    """A verified build: its manifest, chunk table, FAISS index and parsed corpus."""

    path: Path
    manifest: dict
    chunks: list[Chunk]
    vectors: object  # faiss.Index
    corpus: Corpus


def index_root(data_dir: Path | None = None) -> Path:
    """Folder holding every build and the CURRENT pointer."""
    return (data_dir or config.data_dir()) / "index"


def _code_hash() -> str:
    # Parser or chunker changes alter the chunk text, so the code itself is an input of the build.
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in sorted([*here.glob("*.py"), here / "catalog.json"]):
        if path.name not in ("__main__.py", "fetch.py", "config.py"):  # these do not shape the chunks
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def wanted(corpus_dir: Path | None = None, data_dir: Path | None = None, model: str | None = None,
           params: ChunkParams | None = None) -> dict:
    """The inputs a build would have now (cheap: file hashes, no parsing, no model loading)."""
    params = params or ChunkParams(size=config.chunk_size(), overlap=config.chunk_overlap())
    sources = {}
    for entry in load_catalog():
        for language in entry.languages:
            path = source_path(entry, language, corpus_dir, data_dir)
            if path is not None:
                sources[f"{entry.id}/{language}"] = sha256_file(path)
    return {
        "format": FORMAT,
        "sources": sources,
        "code": _code_hash(),
        "model": model_identity(model or config.model_name())[1],
        "chunker": params.to_dict(),
        "approximate_above": config.approximate_above(),
    }


def _fingerprint(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _pointer(root: Path) -> tuple[str | None, str | None]:
    """The build name CURRENT holds, or the one-line problem with it (None, None when there is no CURRENT)."""
    path = root / "CURRENT"
    try:
        name = path.read_bytes().decode("utf-8").strip()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"index pointer {path} is unreadable ({exc.strerror})"
    except UnicodeDecodeError:
        return None, f"index pointer {path} is not UTF-8 text"
    if not name or "/" in name or name.startswith("."):
        return None, f"index pointer {path} does not name a build"
    return name, None


def current_path(data_dir: Path | None = None) -> Path | None:
    """The live build folder named by CURRENT, or None."""
    root = index_root(data_dir)
    name, _ = _pointer(root)
    return root / "builds" / name if name else None


def _read_manifest(path: Path) -> tuple[dict | None, str | None]:
    """A build's manifest, or the one-line problem with it."""
    file = path / "manifest.json"
    try:
        manifest = json.loads(file.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return None, f"index file {file} is missing"
    except OSError as exc:
        return None, f"index file {file} is unreadable ({exc.strerror})"
    except UnicodeDecodeError:
        return None, f"index file {file} is not UTF-8 text"
    except ValueError:
        return None, f"index file {file} is not valid JSON"
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None, f"index file {file} is not an index manifest (wrong JSON shape)"
    return manifest, None


def verify_files(path: Path, manifest: dict) -> str | None:
    """The first index file that is missing or fails its manifest checksum, as one line; None when all match."""
    for name in FILES:
        try:
            if sha256_file(path / name) != manifest["files"].get(name):
                return f"index file {path / name} is corrupt (checksum mismatch)"
        except FileNotFoundError:
            return f"index file {path / name} is missing"
        except OSError as exc:
            return f"index file {path / name} is unreadable ({exc.strerror})"
    return None


def _why_different(old: dict, new: dict) -> str:
    if old.get("format") != new["format"]:
        return "index format changed"
    if old.get("model") != new["model"]:
        return f"model changed ({old.get('model')} -> {new['model']})"
    if old.get("chunker") != new["chunker"]:
        return "chunker parameters changed"
    if old.get("sources") != new["sources"]:
        changed = sorted(set(old.get("sources", {}).items()) ^ set(new["sources"].items()))
        return "treaty texts changed: " + ", ".join(sorted({k for k, _ in changed}))
    if old.get("code") != new["code"]:
        return "parser or chunker code changed"
    return "build settings changed"


def status(inputs: dict, data_dir: Path | None = None, verify: bool = False) -> Status:
    """Compare the live build's manifest with the inputs; with verify, also every file's checksum."""
    root = index_root(data_dir)
    name, problem = _pointer(root)
    if problem:
        return Status("corrupt", problem)
    if name is None:
        return Status("missing", f"no index in {root}")
    path = root / "builds" / name
    manifest, problem = _read_manifest(path)
    if problem:
        return Status("corrupt", problem, path)
    if manifest.get("fingerprint") != _fingerprint(inputs):
        inputs_then = manifest.get("inputs")
        return Status("stale", _why_different(inputs_then if isinstance(inputs_then, dict) else {}, inputs), path, manifest)
    if verify and (problem := verify_files(path, manifest)):
        return Status("corrupt", problem, path, manifest)
    return Status("ready", "up to date" + (", every file matches its checksum" if verify else ""), path, manifest)


def _versions() -> dict:
    out = {}
    for dist in ("faiss-cpu", "sentence-transformers", "torch", "transformers", "bm25s", "langchain-text-splitters", "pypdf"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def ivf_cells(n: int) -> int:
    """Number of IVF cells for n vectors."""
    return max(1, min(int(IVF_CELLS_PER_ROOT * n ** 0.5), n // 39))


def _faiss_index(vectors: np.ndarray, approximate_above: int):
    import faiss

    dim = vectors.shape[1]
    if len(vectors) > approximate_above:
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, ivf_cells(len(vectors)), faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)  # k-means with FAISS's fixed seed, so a rebuild gives the same cells
        index.nprobe = IVF_NPROBE
    else:
        index = faiss.IndexFlatIP(dim)
    index.add(vectors)
    return index


def index_info(index) -> dict:
    """The manifest's description of a FAISS index: its kind, size and search settings."""
    if hasattr(index, "nprobe"):
        return {"type": "ivf", "n": index.ntotal, "nlist": index.nlist, "nprobe": index.nprobe}
    return {"type": "flat", "n": index.ntotal}


def _say(progress: Progress | None, message: str, fraction: float) -> None:
    if progress:
        progress(message, fraction)


def build(corpus_dir: Path | None = None, data_dir: Path | None = None, model: str | None = None,
          params: ChunkParams | None = None, progress: Progress | None = None) -> Path:
    """Parse, chunk, embed and store the whole corpus as a new build, then make it live."""
    _check_writable(index_root(data_dir))  # before a minute of parsing and embedding, not after
    with build_lock(index_root(data_dir)):
        return _build(corpus_dir, data_dir, model, params, progress)


def _build(corpus_dir: Path | None, data_dir: Path | None, model: str | None, params: ChunkParams | None,
           progress: Progress | None) -> Path:
    """build() under the build lock."""
    params = params or ChunkParams(size=config.chunk_size(), overlap=config.chunk_overlap())
    model = model or config.model_name()
    inputs = wanted(corpus_dir, data_dir, model, params)
    started = time.perf_counter()
    _remove_leftovers(index_root(data_dir))  # we hold the lock, so any temporary folder is a dead builder's
    _say(progress, "reading treaty texts", 0.0)
    corpus = load_corpus(corpus_dir, data_dir)
    if not corpus.treaties:
        raise IndexProblem("no treaty text could be read; run `python -m index inspect` to see why")
    documents = list(corpus.documents.values())
    chunks = [c for treaty in corpus.treaties.values() for c in chunk_treaty(treaty, params, documents)]
    _say(progress, f"loading embedding model {model}", 0.05)
    embedder = load_embedder(model)
    texts = [c.embedding_text(params.header) for c in chunks]
    batches = []
    step = 64
    for i in range(0, len(texts), step):
        batches.append(embedder.encode_passages(texts[i:i + step]))
        done = min(i + step, len(texts))
        _say(progress, f"embedding chunks {done}/{len(texts)}", 0.05 + 0.9 * done / len(texts))
    vectors = np.vstack(batches)
    index = _faiss_index(vectors, inputs["approximate_above"])
    manifest = {
        "format": FORMAT,
        "fingerprint": _fingerprint(inputs),
        "inputs": inputs,
        "model": {"name": model, "id": embedder.model_id, "dimension": embedder.dimension},
        "corpus": {f"{tid}/{lang}": {"sha256": inputs["sources"].get(f"{tid}/{lang}"),
                                      "file": str(corpus.sources[(tid, lang)]),
                                      "articles": len(t.articles),
                                      "chunks": sum(1 for c in chunks if c.treaty == tid and c.language == lang)}
                   for (tid, lang), t in corpus.treaties.items()},
        "problems": corpus.problems,
        "chunker": params.to_dict(),
        "index": index_info(index),
        "versions": _versions(),
        "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    _say(progress, "writing the index", 0.96)
    path = _publish(index, chunks, corpus, manifest, started, data_dir)
    _say(progress, f"index ready: {len(chunks)} chunks", 1.0)
    return path


def _write_problem(exc: OSError, root: Path) -> IndexProblem:
    """The one-line message for a failed write under the index folder."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return IndexProblem(f"no space left (disk full, quota or file size limit) while writing the index in {root}; "
                            "the previous index is unchanged")
    return IndexProblem(f"cannot write the index in {root} ({exc.strerror}); "
                        "set TREATY_QA_DATA_DIR or --data-dir to a writable folder")


def _check_writable(root: Path) -> None:
    """IndexProblem unless a file can be created (and removed) where builds go."""
    probe = root / "builds" / f".probe-{os.getpid()}"
    try:
        probe.parent.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink(missing_ok=True)  # a start cleaning leftovers may have removed it already
    except OSError as exc:
        raise _write_problem(exc, root) from exc


def _publish(index, chunks: list[Chunk], corpus: Corpus, manifest: dict, started: float, data_dir: Path | None) -> Path:
    import faiss

    root = index_root(data_dir)
    builds = root / "builds"
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{manifest['fingerprint'][:12]}-{time.perf_counter_ns() % 10**6:06d}"
    tmp = builds / f".tmp-{name}"
    try:
        tmp.mkdir(parents=True)
        # Serialised here and written by Python, so a failed write is an OSError with its errno
        # (faiss.write_index turns it into a bare RuntimeError).
        (tmp / "faiss.index").write_bytes(faiss.serialize_index(index).tobytes())
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as f:
            for c in chunks:
                f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        with (tmp / "corpus.pkl").open("wb") as f:
            pickle.dump(corpus, f, protocol=pickle.HIGHEST_PROTOCOL)
        manifest["files"] = {n: sha256_file(tmp / n) for n in FILES}
        manifest["build_seconds"] = round(time.perf_counter() - started, 2)
        write_atomic(tmp / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode())
        tmp.rename(builds / name)
        write_atomic(root / "CURRENT", name.encode())
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _write_problem(exc, root) from exc
    _remove_old_builds(builds, keep=name)
    return builds / name


def _remove_old_builds(builds: Path, keep: str) -> None:
    # Called under the build lock: every build other than the live one is dead.
    for path in builds.iterdir():
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def build_lock(root: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the index folder's build lock (flock, released by the kernel if the holder is killed).

    Yields False without waiting when wait=False and another process holds it, or when the folder
    cannot hold a lock file (read-only data dir: nothing can be built or cleaned there anyway).
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = (root / "build.lock").open("a")
    except OSError:
        yield False
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(root: Path) -> list[Path]:
    """Delete what a killed builder left: temporary build folders, probes and half-written files (call under the lock)."""
    found = [*root.glob("builds/.tmp-*"), *root.glob("builds/.probe-*")]
    # Half-written cache files (paragraph vectors, calibration) are written by starting apps, outside the
    # build lock; one written minutes ago is dead, a fresh one may be another process's write in progress.
    found += [p for p in root.glob(".*.tmp") if _age(p) > TMP_FILE_AGE]
    for path in found:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return found


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:  # its writer finished meanwhile
        return 0.0


def clean_stale(data_dir: Path | None = None) -> list[Path]:
    """At start: remove a killed build's leftovers, unless a build is running now; returns what was removed."""
    root = index_root(data_dir)
    if not root.is_dir():
        return []
    with build_lock(root, wait=False) as free:
        return _remove_leftovers(root) if free else []


def load(path: Path) -> LoadedIndex:
    """Read and verify one build; IndexProblem naming the broken part otherwise."""
    import faiss

    manifest, problem = _read_manifest(path)
    problem = problem or verify_files(path, manifest)
    if problem:
        raise IndexProblem(problem + REBUILD)
    step = "faiss.index"  # the file being read, named in the message if it fails
    try:
        vectors = faiss.read_index(str(path / step))
        step = "chunks.jsonl"
        with (path / step).open(encoding="utf-8") as f:
            chunks = [Chunk.from_dict(json.loads(line)) for line in f]
        step = "corpus.pkl"
        with (path / step).open("rb") as f:
            corpus = pickle.load(f)
        step = "manifest.json"
        consistent = vectors.ntotal == len(chunks) and vectors.d == manifest["model"]["dimension"]
        if hasattr(vectors, "nprobe"):
            vectors.nprobe = int(manifest["index"].get("nprobe", IVF_NPROBE))
    except FileNotFoundError as exc:
        raise IndexProblem(f"index file {path / step} is missing" + REBUILD) from exc
    except (OSError, KeyError, ValueError, TypeError, RuntimeError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        raise IndexProblem(f"index file {path / step} is unreadable ({exc.__class__.__name__})" + REBUILD) from exc
    if not consistent:
        raise IndexProblem(f"index in {path} is inconsistent ({vectors.ntotal} vectors, {len(chunks)} chunks)" + REBUILD)
    return LoadedIndex(path, manifest, chunks, vectors, corpus)


def ensure(corpus_dir: Path | None = None, data_dir: Path | None = None, model: str | None = None,
           params: ChunkParams | None = None, progress: Progress | None = None,
           rebuild: bool = True) -> LoadedIndex:
    """The live index, rebuilt first when it is missing, stale or corrupt (unless rebuild=False)."""
    inputs = wanted(corpus_dir, data_dir, model, params)
    clean_stale(data_dir)
    state = status(inputs, data_dir)
    if state.state == "ready":
        try:
            return load(state.path)
        except IndexProblem as exc:
            state = Status("corrupt", str(exc).removesuffix(REBUILD), state.path)
    if not rebuild:
        raise IndexProblem(f"index {state.state}: {state.reason}; build it with `python -m index build`")
    root = index_root(data_dir)
    _check_writable(root)
    with build_lock(root):
        # Another process (a second app starting on the same data dir) may have built it while we waited.
        again = status(inputs, data_dir)
        if again.state == "ready" and again.path != state.path:
            try:
                return load(again.path)
            except IndexProblem:
                pass
        _say(progress, f"building the index ({state.state}: {state.reason})", 0.0)
        path = _build(corpus_dir, data_dir, model, params, progress)
    return load(path)
