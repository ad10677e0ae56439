"""``python -m benchmarks.compare [--runs 7] [--data-dir D] [--out docs/benchmarks-compare.md]``

Speed of comparing treaties on this machine: the compare view (concordance lookup, paragraph alignment, word
differences and the HTML) in process, and `python -m assistant compare … --json` as a whole process with the
index present. Medians over --runs runs (the machine is shared and noisy). Targets: view < 300 ms, CLI < 1 s.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from index.config import PROJECT_ROOT

# Short and long articles, both directions, English and Dutch.
VIEWS = [("un-cybercrime-2024/en/art-29", "coe-budapest-2001"), ("un-cybercrime-2024/en/art-40", "un-corruption-2003"),
         ("un-corruption-2003/en/art-46", "un-cybercrime-2024"), ("coe-budapest-2001/nl/art-24", "un-corruption-2003"),
         ("un-cybercrime-2024/en/art-37", "coe-budapest-2001")]
CLI = ["UN Convention against Cybercrime Art. 29", "--with", "coe-budapest-2001", "--json"]
TARGETS = {"view_ms": 300.0, "cli_s": 1.0}


def time_views(data_dir: Path | None, runs: int) -> dict[str, list[float]]:
    """Milliseconds per compare view (comparison + HTML), each view `runs` times, after one warm-up."""
    from assistant.comparison import compare
    from index import store
    from index.catalog import load_catalog
    from ui.compare import compare_html

    corpus = store.ensure(data_dir=data_dir, rebuild=False).corpus
    titles = {e.id: e.short_title for e in load_catalog()}
    out = {}
    for ref, other in VIEWS:
        compare_html(compare(corpus, ref, other), titles)  # warm-up: the concordance files are read once
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            compare_html(compare(corpus, ref, other), titles)
            times.append((time.perf_counter() - started) * 1000)
        out[f"{ref} vs {other}"] = times
    return out


def time_cli(data_dir: Path | None, runs: int) -> list[float]:
    """Seconds of the whole `compare --json` process, `runs` times."""
    env = dict(os.environ)
    if data_dir is not None:
        env["TREATY_QA_DATA_DIR"] = str(data_dir)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "compare", *CLI], cwd=PROJECT_ROOT, env=env, check=True,
                       capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def report(views: dict[str, list[float]], cli: list[float], runs: int) -> str:
    """The markdown report."""
    worst = max(statistics.median(t) for t in views.values())
    lines = ["# Compare benchmarks", "",
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores (shared), Python {platform.python_version()}; medians of {runs} runs.", "",
             "| measure | median | max | target | met |", "| --- | ---: | ---: | ---: | --- |"]
    for name, times in views.items():
        lines.append(f"| compare view {name} | {statistics.median(times):.1f} ms | {max(times):.1f} ms | "
                     f"< {TARGETS['view_ms']:.0f} ms | {'yes' if statistics.median(times) < TARGETS['view_ms'] else 'no'} |")
    lines.append(f"| `python -m assistant compare … --json` (whole process) | {statistics.median(cli):.2f} s | "
                 f"{max(cli):.2f} s | < {TARGETS['cli_s']:.0f} s | {'yes' if statistics.median(cli) < TARGETS['cli_s'] else 'no'} |")
    lines += ["", f"Slowest view (median): {worst:.1f} ms. The process time is mostly Python start-up and imports "
              "(the index's modules); the comparison itself takes a few milliseconds.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run both measurements, print and write the report."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks-compare.md")
    args = p.parse_args(argv)
    text = report(time_views(args.data_dir, args.runs), time_cli(args.data_dir, args.runs), args.runs)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
