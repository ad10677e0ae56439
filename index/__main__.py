"""Command line: ``python -m index inspect|fetch|add|build|status``.

Exit codes: 0 success, 2 a user error (one line on stderr), 1 a structural problem found by inspect.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import config
from .catalog import catalog_entry
from .corpus import load_corpus, register_file
from .embedding import ModelError
from .errors import CorpusError
from .fetch import FetchError, fetch
from .store import IndexProblem


def _inspect(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.corpus_dir, args.data_dir)
    rows = []
    for (tid, lang), treaty in corpus.treaties.items():
        rows.append({"id": tid, "language": lang, **treaty.counts(), "source": str(corpus.sources[(tid, lang)])})
    report = {"treaties": rows, "missing": corpus.missing, "problems": corpus.problems}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"{'treaty':<28} {'lang':<4} {'articles':>8} {'chapters':>8} {'paragraphs':>10} {'points':>6} {'notes':>5}")
        for r in rows:
            print(f"{r['id']:<28} {r['language']:<4} {r['articles']:>8} {r['chapters']:>8} {r['paragraphs']:>10} {r['points']:>6} {r['notes']:>5}")
        for m in corpus.missing:
            print(f"missing: {m['id']} ({m['language']}) — get it with: {m['how']}")
        for p in corpus.problems:
            print(f"problem: {p}")
    return 1 if corpus.problems else 0


def _fetch(args: argparse.Namespace) -> int:
    print(fetch(args.treaty, args.lang, args.data_dir))
    return 0


def _add(args: argparse.Namespace) -> int:
    treaty, dest = register_file(Path(args.file), args.treaty, args.lang, args.data_dir)
    c = treaty.counts()
    print(f"registered {dest}: {c['articles']} articles, {c['chapters']} chapters, {c['notes']} notes — matches {args.treaty} ({args.lang})")
    return 0


def _params(args: argparse.Namespace):
    from .chunking import ChunkParams

    return ChunkParams(size=args.chunk_size or config.chunk_size(), overlap=config.chunk_overlap())


def _progress(message: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _build(args: argparse.Namespace) -> int:
    from . import store

    started = time.perf_counter()
    inputs = store.wanted(args.corpus_dir, args.data_dir, args.model, _params(args))
    state = store.status(inputs, args.data_dir)
    if state.state == "ready" and not args.force:
        try:
            store.load(state.path)
            print(f"index is up to date ({state.manifest['index']['n']} chunks, {state.manifest['model']['id']}): {state.path}"
                  f" [{time.perf_counter() - started:.2f} s]")
            return 0
        except store.IndexProblem as exc:
            print(f"rebuilding: {exc}", file=sys.stderr)
    elif state.state != "ready":
        print(f"building: index {state.state} ({state.reason})", file=sys.stderr)
    path = store.build(args.corpus_dir, args.data_dir, args.model, _params(args), progress=_progress)
    manifest = store.load(path).manifest
    print(f"built {manifest['index']['n']} chunks with {manifest['model']['id']} in {manifest['build_seconds']} s: {path}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from . import store

    # Every file's checksum is verified, not only the manifest: a damaged faiss.index is "corrupt", not "ready".
    state = store.status(store.wanted(args.corpus_dir, args.data_dir, args.model, _params(args)), args.data_dir, verify=True)
    print(f"{state.state}: {state.reason}" + (f" ({state.path})" if state.path else ""))
    return 0 if state.state == "ready" else 1


def chunk_size(text: str) -> int:
    """The --chunk-size flag: a whole number of characters within the range TREATY_QA_CHUNK_SIZE allows."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; use 50 to 100000") from None
    if not 50 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"{value} is out of range; use 50 to 100000")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (all flags documented in --help)."""
    parser = argparse.ArgumentParser(prog="python -m index", description="Treaty corpus: inspect, fetch and add treaty texts.")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="shared treaty texts (env TREATY_QA_CORPUS_DIR)")
    parser.add_argument("--data-dir", type=Path, default=None, help="where fetched/added files go (env TREATY_QA_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inspect", help="counts per treaty and language; missing catalog entries")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=_inspect)
    p = sub.add_parser("fetch", help="download another official language version of a UN PDF")
    p.add_argument("treaty")
    p.add_argument("--lang", required=True, help="fr, es, ru, zh or ar")
    p.set_defaults(run=_fetch)
    p = sub.add_parser("add", help="register a treaty file you supply (PDF, txt, md)")
    p.add_argument("file")
    p.add_argument("--treaty", required=True, help="catalog id, e.g. un-corruption-2003")
    p.add_argument("--lang", default="en")
    p.set_defaults(run=_add)
    for name, run, text in (("build", _build, "build the search index (skips work when nothing changed)"),
                            ("status", _status, "is the index present and current? exit 0 if so, 1 if not")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--model", default=None, help="sentence-transformers name or folder (env TREATY_QA_MODEL)")
        p.add_argument("--chunk-size", type=chunk_size, default=None, metavar="N",
                       help="max characters per chunk, 50-100000 (env TREATY_QA_CHUNK_SIZE)")
        if name == "build":
            p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
        p.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user errors print one line to stderr and return 2."""
    args = build_parser().parse_args(argv)
    config.require_valid()  # every bad setting in one go, before a rebuild starts
    try:
        if getattr(args, "treaty", None):
            catalog_entry(args.treaty)
        return args.run(args)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
    except (CorpusError, FetchError, IndexProblem, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
