"""Recompute the concordance's computed links from the index, keeping every reviewed entry:

    python -m assistant.concordance_build [--data-dir D] [--corpus-dir D]

Writes `assistant/data/concordance/<a>__<b>.json` for every pair of treaties in the catalog. Run it after
the texts, the model or `concordance.Method` change; reviewed links and "none" entries survive (their
similarity is recomputed). Needs the index (its chunk vectors) and the embedding model (for titles).
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from index import config, store
from index.catalog import load_catalog
from index.corpus import write_atomic
from index.embedding import load_embedder

from .concordance import DATA, Concordance, Method, Signals, computed, file_name, merge_reviewed, signals


def pairs() -> list[tuple[str, str]]:
    """Every pair of catalog treaties, each in sorted order (the file's order)."""
    ids = sorted(e.id for e in load_catalog())
    return list(itertools.combinations(ids, 2))


def all_signals(loaded: store.LoadedIndex, embedder=None) -> dict[tuple[str, str], Signals]:
    """Signals of every pair of treaties with an English text in the index."""
    embedder = embedder or load_embedder(loaded.manifest["model"]["name"])
    vectors = loaded.vectors.reconstruct_n(0, loaded.vectors.ntotal)
    have = {t for t, lang in loaded.corpus.treaties if lang == "en"}
    return {(a, b): signals(loaded.corpus, loaded.chunks, vectors, embedder, a, b)
            for a, b in pairs() if a in have and b in have}


def write(book: Concordance, folder: Path = DATA) -> Path:
    """Write one pair's file atomically."""
    path = folder / file_name(book.a, book.b)
    write_atomic(path, book.to_json().encode())
    return path


def rebuild(loaded: store.LoadedIndex, method: Method = Method(), folder: Path = DATA) -> list[Path]:
    """Recompute every pair's computed links, keep the reviewed ones, write the files."""
    out = []
    for (a, b), sig in all_signals(loaded).items():
        path = folder / file_name(a, b)
        stored = Concordance.from_dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None
        out.append(write(merge_reviewed(computed(sig, method), stored, sig, method), folder))
    return out


def main(argv: list[str] | None = None) -> int:
    """Rebuild the concordance files."""
    parser = argparse.ArgumentParser(prog="python -m assistant.concordance_build", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus-dir", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    config.require_valid()
    loaded = store.ensure(args.corpus_dir, args.data_dir)
    for path in rebuild(loaded):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
