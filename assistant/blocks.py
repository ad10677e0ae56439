"""Paragraph-level meaning for choosing answer sentences: one vector per printed block (paragraph,
point, sub-point) of every chunk, so the answer can open with the paragraph that is closest in
meaning to the question, not only the one sharing most words with it.

The vectors are computed once per index build and model and kept beside the index
(`blocks-<key>.npy`, written atomically); a restart reads them.

    >>> vectors = BlockVectors(chunks, embedder, index_root)
    >>> vectors.similarity(query_vector, row=12, block=0)
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from index.chunking import Chunk

from .vectorcache import load_vectors, save_vectors


def block_text(chunk: Chunk, n: int) -> str:
    """What is embedded for block n of a chunk: the article's title (its subject) and the block's verbatim text."""
    lead = f"{chunk.context}\n" if chunk.context and n == 0 else ""
    return f"{chunk.title}\n{lead}{chunk.blocks[n][1]}"


class BlockVectors:
    """Vectors of every block of every chunk, in chunk order."""

    def __init__(self, chunks: list[Chunk], embedder, cache_dir: Path | None = None, key: str = "",
                 progress=None):
        self.offsets = np.cumsum([0] + [len(c.blocks) for c in chunks])
        texts = [block_text(c, n) for c in chunks for n in range(len(c.blocks))]
        digest = hashlib.sha256((key + "\0" + embedder.model_id + "\0" + "\0".join(texts)).encode()).hexdigest()[:16]
        path = cache_dir / f"blocks-{digest}.npy" if cache_dir else None
        self.vectors = load_vectors(path, (len(texts), embedder.dimension))
        if self.vectors is None:
            if progress:
                progress(f"embedding {len(texts)} paragraphs for choosing answer sentences (once per index build)", 0.99)
            self.vectors = np.vstack([embedder.encode_passages(texts[i:i + 32]) for i in range(0, len(texts), 32)]
                                     ) if texts else np.zeros((0, embedder.dimension), np.float32)
            save_vectors(path, self.vectors)

    def similarity(self, query: np.ndarray, row: int, block: int) -> float:
        """Cosine of the question vector with block `block` of chunk `row`."""
        return float(self.vectors[self.offsets[row] + block] @ query.reshape(-1))
