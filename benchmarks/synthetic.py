"""A synthetic corpus 100× the real one, for the scale benchmark only.

Each copy re-chunks every loaded treaty with its own chunk size and overlap, then perturbs
each chunk's words (drops, neighbour swaps, words from elsewhere in the chunk), so no two
copies embed alike. The chunks keep their treaty, article and pinpoint metadata, so scopes,
BM25 and answer assembly work on them as on real chunks; their ids end in ``~<copy>``.

This text is NOT treaty text: it is never shown to a user and never kept on disk (the scale
benchmark writes it only into a temporary index folder it removes). Only its vectors are cached (``<data dir>/bench/scale-<key>/copy-NNN.npy``), because embedding ≈150k
chunks takes the better part of an hour on two cores.

    >>> chunks = synthetic_copy(corpus, 7)
    >>> chunks[0].id
    'coe-budapest-2001/en/art-1#0~7'
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from index.chunking import Chunk, ChunkParams, chunk_treaty
from index.corpus import Corpus

VERSION = 1  # bump when the generator changes, so cached vectors are not reused
SIZES = (300, 400, 500, 600, 800, 1000, 1200)  # ≈1,470 chunks per copy on average, ≈147k for 100 copies
OVERLAPS = (0, 60, 120)
DROP, SWAP, BORROW = 0.08, 0.05, 0.05


def copy_params(copy: int) -> ChunkParams:
    """The chunker settings of one copy (every size comes round; overlaps vary)."""
    return ChunkParams(size=SIZES[copy % len(SIZES)], overlap=OVERLAPS[(copy // len(SIZES)) % len(OVERLAPS)])


def perturb(text: str, rng: random.Random) -> str:
    """The text with some words dropped, some neighbours swapped and some replaced by other words of it."""
    words = text.split(" ")
    pool = [w for w in words if w]
    out: list[str] = []
    i = 0
    while i < len(words):
        roll = rng.random()
        if roll < DROP and len(words) > 3:
            i += 1
            continue
        if roll < DROP + SWAP and i + 1 < len(words):
            out += [words[i + 1], words[i]]
            i += 2
            continue
        out.append(rng.choice(pool) if roll < DROP + SWAP + BORROW and pool else words[i])
        i += 1
    return " ".join(out)


def synthetic_copy(corpus: Corpus, copy: int) -> list[Chunk]:
    """Copy number `copy` of the whole corpus: re-chunked and perturbed, deterministically."""
    params = copy_params(copy)
    out = []
    for key in sorted(corpus.treaties):
        for chunk in chunk_treaty(corpus.treaties[key], params):
            rng = random.Random(f"{VERSION}:{copy}:{chunk.id}")
            blocks = [(path, perturb(text, rng)) for path, text in chunk.blocks]
            out.append(replace(chunk, id=f"{chunk.id}~{copy}", blocks=blocks))
    return out


def cache_key(sources: dict, model_id: str) -> str:
    """Names the cached vectors: which treaty files, model and generator made them.

    Parser code is left out on purpose: a parser change rarely moves the chunk count, and a copy
    whose count no longer matches is re-embedded (see `copy_vectors`)."""
    raw = json.dumps([VERSION, sorted(sources.items()), model_id, SIZES, OVERLAPS, DROP, SWAP, BORROW])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def copy_vectors(folder: Path, copy: int, chunks: list[Chunk],
                 encode: Callable[[list[str]], np.ndarray]) -> tuple[np.ndarray, float | None]:
    """Vectors of one copy's chunks, from the cache or embedded now (then cached); and the seconds embedding took, if it ran."""
    path = folder / f"copy-{copy:03d}.npy"
    if path.exists():
        cached = np.load(path)
        if len(cached) == len(chunks):
            return cached, None
    started = time.perf_counter()
    vectors = encode([c.embedding_text() for c in chunks])
    seconds = time.perf_counter() - started
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    with tmp.open("wb") as f:
        np.save(f, vectors)
    tmp.replace(path)  # a killed run leaves no half-written copy behind
    with (folder / "timings.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"copy": copy, "chunks": len(chunks), "seconds": round(seconds, 2)}) + "\n")
    return vectors, seconds
