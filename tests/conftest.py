"""Shared fixtures: the real shared corpus, loaded once per test session."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/oracle.py

from index import config  # noqa: E402
from index.corpus import Corpus, load_corpus  # noqa: E402

CORPUS = config.corpus_dir()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "A_RES_79_243-en.pdf").exists():
        pytest.fail(f"shared corpus not found at {CORPUS} (set TREATY_QA_CORPUS_DIR)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus(corpus_dir, tmp_path_factory) -> Corpus:
    return load_corpus(corpus_dir, tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def un(corpus):
    return corpus.get("un-cybercrime-2024", "en")


@pytest.fixture(scope="session")
def index_data_dir(corpus_dir, tmp_path_factory) -> Path:
    """A data dir holding one index of the whole shared corpus, built once per session."""
    from index import store

    data_dir = tmp_path_factory.mktemp("index-data")
    store.build(corpus_dir, data_dir)
    return data_dir


@pytest.fixture(scope="session")
def qa(corpus_dir, index_data_dir):
    """The assistant over the session index (real model, real FAISS, all four treaties)."""
    from assistant.engine import Assistant

    return Assistant.open(corpus_dir, index_data_dir, rebuild=False)


@pytest.fixture(scope="session")
def seed_guide_vectors(qa, index_data_dir):
    """Copies the session's guide vectors into another data dir: they depend only on the guide and the model,
    and embedding the guide again costs a test minutes on two cores (tests of that cache build their own)."""
    from index import store

    def seed(data_dir: Path) -> None:
        root = store.index_root(data_dir)
        root.mkdir(parents=True, exist_ok=True)
        for path in store.index_root(index_data_dir).glob("guide-*.npy"):
            shutil.copy(path, root / path.name)
    return seed


@pytest.fixture(scope="session")
def app_url(qa):
    """The Gradio app over the session assistant, served on a free loopback port."""
    import socket

    from app import serve

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    page = serve(qa, "127.0.0.1", port, concurrency=4, block=False)
    yield f"http://127.0.0.1:{port}/"
    page.close()
