"""Vectors the assistant derives from an index build (guide entries, paragraphs), kept beside the index.

    >>> vectors = load_vectors(path, (203, 384))   # None when missing, damaged or of another shape
    >>> save_vectors(path, vectors)                # atomic; a read-only data dir only costs a recomputation
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from index.corpus import write_atomic


def load_vectors(path: Path | None, shape: tuple[int, int]) -> np.ndarray | None:
    """The cached array at path if it has this shape, else None."""
    if path is None or not path.exists():
        return None
    try:
        vectors = np.load(path)
    except (OSError, ValueError):
        return None
    return vectors if vectors.shape == shape else None


def save_vectors(path: Path | None, vectors: np.ndarray) -> None:
    """Write the array atomically; failures are ignored (the cache is only an optimisation)."""
    if path is None:
        return
    buf = io.BytesIO()
    np.save(buf, vectors)
    try:
        write_atomic(path, buf.getvalue())
    except OSError:
        pass
