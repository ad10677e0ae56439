"""Command line: ``python -m assistant ask "QUESTION" [...]``, ``python -m assistant cite "REFERENCE"`` and
``python -m assistant compare "REFERENCE" --with TREATY_ID``.

Exit codes: 0 success (including "no such provision" and abstentions), 2 a user error
(one line on stderr: empty or oversized question, text that is not a citation, unknown
treaty or language, missing index that cannot be built).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index import config
from index.catalog import load_catalog
from index.embedding import ModelError
from index.store import IndexProblem

from .errors import UserError
from .guide import LABEL as GUIDE_LABEL


def _progress(message: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _open(args: argparse.Namespace):
    from .engine import Assistant

    return Assistant.open(args.corpus_dir, args.data_dir, args.model, progress=_progress)


def _ask(args: argparse.Namespace) -> int:
    from .engine import clean_question

    clean_question(args.question)  # fail fast, before loading the model
    known = [e.id for e in load_catalog()]
    for tid in args.treaty or []:
        if tid not in known:
            raise UserError(f"unknown treaty {tid!r}; known: {', '.join(known)}")
    result = _open(args).ask(args.question, treaties=args.treaty, language=args.lang, k=args.k, chapter=args.chapter)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    for notice in result.notices:
        print(f"note: {notice}")
    for g in result.guide:
        print(f"{GUIDE_LABEL}: {g['label']}: {g['summary']}")
    if result.guide:
        print()
    print(result.answer)
    if result.not_found_terms and not result.abstained:
        print(f"\nNot found in the quoted provisions: {', '.join(result.not_found_terms)}")
    if result.offences:
        print("\nEvery offence the searched treaties define:")
        for o in result.offences:
            print(f"- {o.label} — {o.title}")
    for d in result.definitions:
        print(f"\nDefinition of “{d.term}”: {d.citation.text} [{d.citation.label}]")
    return 0


def _cite(args: argparse.Namespace) -> int:
    from index import store

    from .lookup import lookup

    # A lookup needs the parsed texts only, not the embedding model.
    corpus = store.ensure(args.corpus_dir, args.data_dir, args.model, progress=_progress).corpus
    found = lookup(corpus, args.reference)
    if args.json:
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    elif found.found:
        lead = "".join(f"{line} …\n\n" for line in found.lead_in)  # a point under its paragraph's opening words
        print(f"{found.citation.label}\n\n{lead}{found.citation.text}")
    else:
        print(found.message)
        for s in found.suggestions:
            print(f"- {s.label}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from index import store

    from .comparison import compare
    from .concordance import EDITORIAL

    # A comparison needs the parsed texts and the concordance data only, not the embedding model.
    corpus = store.ensure(args.corpus_dir, args.data_dir, args.model, progress=_progress).corpus
    result = compare(corpus, args.reference, args.with_treaty)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{result.source.label} — {result.heading}\n{result.message}")
    for m in result.matches:
        print(f"\n== {m.citation.label} — {m.heading} ({m.status}, similarity {m.score:.2f})")
        if m.note:
            print(f"{EDITORIAL}: {m.note}")
        for row in m.rows:
            left = row.source.label if row.source else "(nothing)"
            right = row.target.label if row.target else "(nothing)"
            print(f"- {left}  <->  {right}")
            for op in row.diff:
                if op.op == "removed":
                    print(f"    only in {left}: {op.a.strip()}")
                elif op.op == "added":
                    print(f"    only in {right}: {op.b.strip()}")
                elif op.op == "changed":
                    print(f"    changed: {op.a.strip()!r} -> {op.b.strip()!r}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (all flags documented in --help)."""
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Answers and citation lookup over the treaties.")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="shared treaty texts (env TREATY_QA_CORPUS_DIR)")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the index lives (env TREATY_QA_DATA_DIR)")
    parser.add_argument("--model", default=None, help="embedding model name or folder (env TREATY_QA_MODEL)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ask", help="answer a question with pinpoint citations")
    p.add_argument("question")
    p.add_argument("--treaty", action="append", default=None, metavar="ID",
                   help="search only this treaty (repeatable; default: all loaded treaties)")
    p.add_argument("--lang", default="en", help="language of the texts searched: en or nl (default en)")
    p.add_argument("--k", type=int, default=5, help="number of passages to return (1-50, default 5)")
    p.add_argument("--chapter", default=None, help="restrict to one chapter, e.g. IV")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=_ask)
    p = sub.add_parser("cite", help="show the exact text of a provision, e.g. 'Art. 41(3)(e)'")
    p.add_argument("reference")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=_cite)
    p = sub.add_parser("compare", help="an article beside its counterpart(s) in another treaty, with word differences")
    p.add_argument("reference", help="an article, as `cite` takes it, e.g. 'UN Convention against Cybercrime Art. 29'")
    p.add_argument("--with", dest="with_treaty", required=True, metavar="TREATY_ID",
                   help="the treaty to compare with, e.g. coe-budapest-2001")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=_compare)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user errors print one line to stderr and return 2."""
    args = build_parser().parse_args(argv)
    config.require_valid()  # every bad setting in one go, before the index is opened or rebuilt
    try:
        return args.run(args)
    except (UserError, IndexProblem, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
