"""``python -m benchmarks.languages [--runs 5] [--out docs/benchmarks-languages.md]``

Questions in other languages on this machine: language identification per question (warm, after the
models are loaded, and the one-off load), and warm ask() latency per question language, over the
eval questions (eval/questions/multilingual.jsonl and the English sets). Medians over --runs runs.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from eval.questions import load_questions
from index.config import PROJECT_ROOT

from .timing import latencies

TARGETS = {"identify_ms": 5.0, "ask_p95_ms": 150.0}


def bench_identify(questions: list[str], runs: int) -> dict:
    """Per-question identification time: the first call (models load) and warm medians/p95."""
    from assistant import language

    language._detector.cache_clear()
    started = time.perf_counter()
    language.identify(questions[0])
    first = (time.perf_counter() - started) * 1000
    p50, p95 = latencies(language.identify, questions, runs)
    return {"first_ms": first, "p50_ms": p50, "p95_ms": p95, "n": len(questions)}


def bench_ask(qa, by_language: dict[str, list[tuple[str, list[str] | None]]], runs: int) -> dict[str, dict]:
    """Warm ask() latency per question language (p50/p95, medians over runs)."""
    for questions in by_language.values():
        for q, scope in questions[:3]:
            qa.ask(q, treaties=scope)
    out = {}
    for lang, questions in sorted(by_language.items()):
        p50, p95 = latencies(lambda item: qa.ask(item[0], treaties=item[1]), questions, runs)
        out[lang] = {"p50_ms": p50, "p95_ms": p95, "n": len(questions)}
    return out


def report(identify: dict, ask: dict[str, dict], runs: int) -> str:
    """The markdown table of both measurements, with the targets."""
    ok = lambda value, target: "yes" if value < target else "**no**"  # noqa: E731
    lines = [f"# Questions in other languages: speed on this machine ({time.strftime('%Y-%m-%d')})", "",
             f"Medians of {runs} runs (`python -m benchmarks.languages`); the machine is shared and noisy.", "",
             "| measure | value | target | met |", "|---|---|---|---|",
             f"| language identification, warm, p50 ({identify['n']} questions) | {identify['p50_ms']:.2f} ms | | |",
             f"| language identification, warm, p95 | {identify['p95_ms']:.2f} ms | < {TARGETS['identify_ms']:.0f} ms | "
             f"{ok(identify['p95_ms'], TARGETS['identify_ms'])} |",
             f"| first identification (loads lingua's models for the served languages) | {identify['first_ms']:.0f} ms | | |",
             "", "| question language | questions | ask() p50 | ask() p95 | p95 < 150 ms |", "|---|---|---|---|---|"]
    for lang, r in ask.items():
        lines.append(f"| {lang} | {r['n']} | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | {ok(r['p95_ms'], TARGETS['ask_p95_ms'])} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run both measurements, print the table and write it to --out."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.languages", description=__doc__.split("\n\n")[1])
    p.add_argument("--runs", type=int, default=5, help="repetitions; medians are reported (default 5)")
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks-languages.md", help="markdown output")
    args = p.parse_args(argv)
    from assistant.engine import Assistant

    questions = load_questions()
    by_language: dict[str, list] = defaultdict(list)
    for q in questions:
        if q.gold or q.language != "en":
            by_language[q.language].append((q.question, list(q.scope) if q.scope else None))
    by_language["en"] = by_language["en"][:240]  # as many English questions as the main benchmark asks
    identify = bench_identify([q.question for q in questions], args.runs)
    qa = Assistant.open(rebuild=False)
    text = report(identify, bench_ask(qa, by_language, args.runs), args.runs)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
