"""``python -m eval [--questions PATH ...] [--system NAME ...] [--k 10] [--json] [--report DIR] [--ablations]``

Runs retrieval systems over hand-written question sets and prints their article-level metrics.
With one system, ``--json`` prints that system's result object; with several, a list of them.
``--report DIR`` also writes report.md, results.json and PNG plots there.
Exit codes: 0 done, 2 a user error (bad question file, unknown system, missing index).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index import config
from index.embedding import ModelError
from index.store import IndexProblem

from .questions import QuestionFileError, check_gold, load_questions
from .systems import ABLATIONS, ALL, EXTRA, MAIN


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (documented in --help)."""
    p = argparse.ArgumentParser(prog="python -m eval", description="Retrieval-accuracy evaluation.")
    p.add_argument("--questions", type=Path, action="append", default=None, metavar="PATH",
                   help="JSONL question file (repeatable; default: every set in eval/questions)")
    p.add_argument("--system", action="append", default=None, choices=ALL, metavar="NAME",
                   help=f"system to run (repeatable; default: {', '.join(MAIN + EXTRA)}); one of {', '.join(ALL)}")
    p.add_argument("--split", choices=("dev", "test"), default=None,
                   help="only the questions of this split of the split sets (outsiders'); settings are chosen on dev only")
    p.add_argument("--answers", action="store_true",
                   help="run the answer eval (eval/answers: must-quote lines, not addressed, off-topic, follow-ups) instead")
    p.add_argument("--concordance", action="store_true",
                   help="run the concordance eval (eval/concordance/gold.jsonl: top-1 accuracy, no-counterpart precision) instead")
    p.add_argument("--tune", action="store_true", help="with --concordance: also search the method's settings on dev")
    p.add_argument("--ablations", action="store_true", help="also run the ablations of the product's choices")
    p.add_argument("--k", type=int, default=10, help="length of each ranked article list (default 10)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--report", type=Path, default=None, metavar="DIR", help="write report.md, results.json and plots here")
    p.add_argument("--corpus-dir", type=Path, default=None, help="shared treaty texts (env TREATY_QA_CORPUS_DIR)")
    p.add_argument("--data-dir", type=Path, default=None, help="index and eval cache (env TREATY_QA_DATA_DIR)")
    return p


def _table(results: list[dict]) -> str:
    keys = ("hit@1", "hit@3", "hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10")
    rows = [f"{'system':<26}" + "".join(f"{k:>10}" for k in keys) + f"{'abst P/R':>14}{'p50 ms':>9}"]
    for r in results:
        ab = r["abstention"]
        pr = "-" if ab["precision"] is None and ab["recall"] is None else f"{_f(ab['precision'])}/{_f(ab['recall'])}"
        rows.append(f"{r['system']:<26}" + "".join(f"{_f(r[k]):>10}" for k in keys) + f"{pr:>14}{r['latency_ms']['p50']:>9.1f}")
    return "\n".join(rows)


def _f(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    """Run the eval; user errors print one line and return 2."""
    args = build_parser().parse_args(argv)
    config.require_valid()  # every bad setting in one go, before the index is opened or rebuilt
    if not 1 <= args.k <= 50:
        print("error: --k must be between 1 and 50", file=sys.stderr)
        return 2
    if args.answers:
        return _answers(args)
    if args.concordance:
        return _concordance(args)
    names = list(dict.fromkeys(args.system or (MAIN + EXTRA)))
    if args.ablations:
        names += [n for n in ABLATIONS if n not in names]
    try:
        questions = load_questions(args.questions, args.split)
        from assistant.engine import Assistant

        from .run import evaluate
        from .systems import build_systems

        qa = Assistant.open(args.corpus_dir, args.data_dir, progress=lambda msg, frac: _say(f"[{frac:4.0%}] {msg}"))
        problems = check_gold(questions, qa.corpus)
        if problems:
            raise QuestionFileError(f"{len(problems)} gold label problem(s), first: {problems[0]}")
        cache = (args.data_dir or config.data_dir()) / "eval"
        systems = build_systems(qa, names, cache, args.corpus_dir, progress=_say)
        chapter_of = _chapters(qa)
        results = []
        for name in names:
            _say(f"running {name} on {len(questions)} questions")
            results.append(evaluate(systems[name], questions, chapter_of, k=args.k))
    except (QuestionFileError, IndexProblem, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.report:
        from .report import write_report

        write_report(args.report, results, questions)
        _say(f"report written to {args.report / 'report.md'}")
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=1))
    else:
        print(_table(results))
    return 0


def _answers(args) -> int:
    """The answer eval on each split (or the one asked for): a table, and answers.md/answers.json with --report."""
    from assistant.engine import Assistant

    from .answers import Asker, evaluate_answers
    from .report import write_answer_report

    try:
        qa = Assistant.open(args.corpus_dir, args.data_dir, progress=lambda msg, frac: _say(f"[{frac:4.0%}] {msg}"))
        ask = Asker(qa)  # shared: the sets without a split are asked once, not once per split
        results = [evaluate_answers(qa, split, ask=ask) for split in ([args.split] if args.split else ["dev", "test"])]
    except (QuestionFileError, IndexProblem, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.report:
        write_answer_report(args.report, results)
        _say(f"report written to {args.report / 'answers.md'}")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        print(_answer_table(results))
    return 0


def _concordance(args) -> int:
    """The concordance eval on both splits: a table, and concordance.md/concordance.json with --report."""
    from index import store

    from . import concordance as ce

    try:
        rows = ce.load_gold()
        loaded = store.ensure(args.corpus_dir, args.data_dir, progress=lambda msg, frac: _say(f"[{frac:4.0%}] {msg}"))
        problems = ce.check_gold(rows, loaded.corpus)
        if problems:
            raise QuestionFileError(f"{len(problems)} gold label problem(s), first: {problems[0]}")
        sigs = ce.gold_signals(loaded, rows)
    except (QuestionFileError, ValueError, IndexProblem, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    method = ce.Method()
    if args.tune:
        method, dev = ce.tune(rows, sigs)
        _say(f"best on dev: {method} -> {dev}")
    result = ce.evaluate(rows, sigs, method)
    if args.split:
        result["splits"] = {args.split: result["splits"][args.split]}
        result["shipped"] = {args.split: result["shipped"][args.split]}
    if args.report:
        args.report.mkdir(parents=True, exist_ok=True)
        (args.report / "concordance.md").write_text(ce.report_md(result), encoding="utf-8")
        brief = {k: v for k, v in result.items() if k not in ("splits", "shipped")}
        for part in ("splits", "shipped"):
            brief[part] = {s: {p: {k: v for k, v in r.items() if k != "rows"} for p, r in pairs.items()}
                           for s, pairs in result[part].items()}
        (args.report / "concordance.json").write_text(json.dumps(brief, indent=1) + "\n", encoding="utf-8")
        _say(f"report written to {args.report / 'concordance.md'}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(f"{'split':<6}{'pair':<22}{'n':>4}{'top-1':>8}{'NC P':>8}{'NC R':>8}")
        for split, pairs in result["splits"].items():
            for pair, s in pairs.items():
                nc = s["no_counterpart"]
                print(f"{split:<6}{pair:<22}{s['n']:>4}{_f(s['top1']):>8}{_f(nc['precision']):>8}{_f(nc['recall']):>8}")
    return 0


def _answer_table(results: list[dict]) -> str:
    rows = [f"{'split':<6}{'lead':>7}{'lead2':>7}{'verbatim':>9}{'NA P':>7}{'NA R':>7}{'ans NA':>8}{'nl NA':>7}"
            f"{'off P':>7}{'off R':>7}{'FU P':>7}{'FU R':>7}{'p95 ms':>8}"]
    for r in results:
        q, na, off, fu = r["must_quote"], r["not_addressed"], r["off_topic"], r["follow_ups"]
        rows.append(f"{r['split']:<6}{_f(q['lead']):>7}{_f(q['lead_two']):>7}{_f(q['verbatim']):>9}{_f(na['precision']):>7}"
                    f"{_f(na['recall']):>7}{_f(na['answerable_flagged']):>8}{_f(r['not_addressed_nl']['answerable_flagged']):>7}"
                    f"{_f(off['precision']):>7}{_f(off['recall']):>7}"
                    f"{_f(fu['precision']):>7}{_f(fu['recall']):>7}{q['latency_ms']['p95']:>8.1f}")
    return "\n".join(rows)


def _chapters(qa):
    """(treaty, language, article) -> chapter number, from the loaded corpus."""
    table = {(tid, lang, a.number): a.chapter for (tid, lang), t in qa.corpus.treaties.items() for a in t.articles}
    return lambda treaty, language, article: table.get((treaty, language, article))


if __name__ == "__main__":
    sys.exit(main())
