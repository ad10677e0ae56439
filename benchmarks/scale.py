"""The scale benchmark: the product's index and retriever over a corpus 100× the real one.

Steps, each timed: synthetic copies (`benchmarks.synthetic`) are embedded or read from their
cache; the product's `store._faiss_index` builds the index, which above
TREATY_QA_APPROX_ABOVE chunks is IVF; an exact index over the same vectors is the reference.
Then recall@10 of the approximate index against exact search on the eval questions (over
everything, and within the UN Convention's English rows as the product searches), latency of
dense search alone, of the whole hybrid retrieval and of `Assistant.ask`, the write and
verified reload of the big index, and the process's peak RSS.

    python -m benchmarks.scale --copies 100      # standalone; `python -m benchmarks` runs it too
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.metrics import percentile
from index import config, store
from index.embedding import load_embedder

from .synthetic import cache_key, copy_vectors, synthetic_copy

TARGETS = {"recall_at_10": 0.98, "p95_ms": 250.0}
SCOPES = (("all", "whole index (IVF)"), ("en", "English, all treaties (IVF, filtered)"),
          ("un", "UN Convention, English (exact within the scope's rows)"))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def recall_at(exact: np.ndarray, approx: np.ndarray, k: int) -> float:
    """Mean share of each query's exact top k that the approximate search also returns in its top k."""
    shares = []
    for want, got in zip(exact, approx):
        truth = {int(i) for i in want[:k] if i >= 0}
        if truth:
            shares.append(len(truth & {int(i) for i in got[:k]}) / len(truth))
    return float(np.mean(shares)) if shares else float("nan")


def _timed(fn, items) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _search(index, queries: np.ndarray, k: int, rows: np.ndarray | None) -> np.ndarray:
    """Exact top-k ids per query, optionally restricted to rows: the reference the product's search is held to."""
    import faiss

    params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows)) if rows is not None else None
    return index.search(queries, k, params=params)[1]


def corpus_at_scale(loaded: store.LoadedIndex, copies: int, progress=print) -> tuple[list, np.ndarray, float]:
    """The real chunks followed by `copies` synthetic copies, their vectors, and the embedding rate (chunks/s)
    over every copy the cache ever embedded."""
    embedder = load_embedder(loaded.manifest["model"]["name"])
    folder = config.data_dir() / "bench" / f"scale-{cache_key(loaded.manifest['inputs']['sources'], embedder.model_id)}"
    chunks = list(loaded.chunks)
    parts = [loaded.vectors.reconstruct_n(0, loaded.vectors.ntotal)]
    started = time.perf_counter()
    for copy in range(copies):
        extra = synthetic_copy(loaded.corpus, copy)
        parts.append(copy_vectors(folder, copy, extra, embedder.encode_passages)[0])
        chunks += extra
        if copy % 10 == 9:
            progress(f"  copies {copy + 1}/{copies}: {len(chunks):,} chunks ({time.perf_counter() - started:.0f} s)")
    timings = [json.loads(line) for line in (folder / "timings.jsonl").read_text().splitlines()] \
        if (folder / "timings.jsonl").exists() else []
    rate = sum(t["chunks"] for t in timings) / sum(t["seconds"] for t in timings) if timings else float("nan")
    return chunks, np.ascontiguousarray(np.vstack(parts), dtype=np.float32), rate


def bench_scale(copies: int = 100, runs: int = 3, n_questions: int = 240, approximate_above: int | None = None,
                progress=print) -> dict:
    """Every scale measurement, as a dict for the report."""
    import faiss

    from assistant.engine import Assistant
    from assistant.retriever import HybridRetriever

    from .__main__ import _questions

    loaded = store.ensure()  # the live index, built first if it is missing or stale
    progress(f"scale: {copies} synthetic copies of {len(loaded.chunks)} chunks")
    chunks, vectors, rate = corpus_at_scale(loaded, copies, progress)
    n = len(chunks)
    above = config.approximate_above() if approximate_above is None else approximate_above
    out: dict = {"copies": copies, "chunks": n, "real_chunks": len(loaded.chunks), "chunks_per_second": rate,
                 "approximate_above": above}
    progress(f"  {n:,} chunks, {vectors.nbytes / 2**20:.0f} MB of vectors; building indexes")

    started = time.perf_counter()
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    out["exact_build_s"] = time.perf_counter() - started
    rss = _rss_mb()
    started = time.perf_counter()
    approx = store._faiss_index(vectors, above)  # the product's own switch
    out["approx_build_s"] = time.perf_counter() - started
    out["approx_rss_growth_mb"] = _rss_mb() - rss
    out["approx_type"] = type(approx).__name__
    out["approx_bytes"] = faiss.serialize_index(approx).nbytes
    if store.index_info(approx)["type"] == "ivf":
        out["ivf"] = store.index_info(approx)
    progress(f"  exact {out['exact_build_s']:.1f} s, {out['approx_type']} {out['approx_build_s']:.1f} s")

    embedder = load_embedder(loaded.manifest["model"]["name"])
    questions = _questions(n_questions)
    queries = embedder.encode_queries([q for q, _ in questions])
    out["hnsw"] = _hnsw_comparison(vectors, queries, exact)
    progress(f"  HNSW for comparison: {out['hnsw']}")
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        data = Path(tmp)
        manifest = dict(loaded.manifest, fingerprint="synthetic-scale-benchmark",
                        inputs={**loaded.manifest["inputs"], "approximate_above": above},
                        index=store.index_info(approx))
        started = time.perf_counter()
        path = store._publish(approx, chunks, loaded.corpus, manifest, started, data)
        out["write_s"] = time.perf_counter() - started
        out["disk_mb"] = sum(f.stat().st_size for f in path.iterdir()) / 2**20
        del approx
        started = time.perf_counter()
        big = store.load(path)
        out["load_s"] = time.perf_counter() - started
        started = time.perf_counter()
        qa = Assistant(big, data_dir=data)  # BM25 over every chunk, then calibration at this scale
        out["assistant_s"] = time.perf_counter() - started
        progress(f"  written {out['write_s']:.1f} s, reloaded {out['load_s']:.1f} s, assistant ready {out['assistant_s']:.1f} s")
        retriever: HybridRetriever = qa.retriever
        scopes = {"all": np.arange(n, dtype=np.int64),
                  "en": retriever.rows(qa.default_scope("en")),
                  "un": retriever.rows(qa.scope(["un-cybercrime-2024"], "en")[0])}
        for name, rows in scopes.items():
            out[f"rows_{name}"] = len(rows)
            ids_exact = _search(exact, queries, 10, None if len(rows) == n else rows)
            ids_product = np.array([[row for row, _ in retriever.nearest(queries[i:i + 1], rows, 10)] for i in range(len(queries))])
            out[f"recall_{name}"] = recall_at(ids_exact, ids_product, 10)
            # the retriever asks for 100 candidates per question
            exact_one = lambda i: _search(exact, queries[i:i + 1], 100, None if len(rows) == n else rows)  # noqa: E731
            product_one = lambda i: retriever.nearest(queries[i:i + 1], rows, 100)  # noqa: E731
            out[f"dense_exact_{name}"] = _summary([_timed(exact_one, range(len(queries))) for _ in range(runs)])
            out[f"dense_product_{name}"] = _summary([_timed(product_one, range(len(queries))) for _ in range(runs)])
            progress(f"  recall@10 ({name}, {len(rows):,} rows): {out[f'recall_{name}']:.4f}; dense p95 exact "
                     f"{out[f'dense_exact_{name}']['p95']:.1f} ms, product {out[f'dense_product_{name}']['p95']:.1f} ms")
        for q, scope in questions[:10]:
            qa.ask(q, treaties=scope)
        plans = [qa.plan(q, treaties=scope) for q, scope in questions]
        out["retrieval"] = _summary([_timed(lambda p: retriever.rank(p.query, p.scope, k=10), plans) for _ in range(runs)])
        out["ask"] = _summary([_timed(lambda item: qa.ask(item[0], treaties=item[1]), questions) for _ in range(runs)])
        shutil.rmtree(path, ignore_errors=True)
    out["questions"] = len(questions)
    out["runs"] = runs
    out["peak_rss_mb"] = _rss_mb()
    progress(f"  retrieval p95 {out['retrieval']['p95']:.1f} ms, ask() p95 {out['ask']['p95']:.1f} ms, "
             f"peak RSS {out['peak_rss_mb']:.0f} MB")
    return out


def _hnsw_comparison(vectors: np.ndarray, queries: np.ndarray, exact, m: int = 32, ef_construction: int = 80) -> dict:
    """What HNSW (the other approximate index FAISS offers) gives on the same vectors: why the product uses IVF."""
    import faiss

    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = ef_construction
    hnsw.add(vectors)
    out = {"M": m, "ef_construction": ef_construction, "build_s": time.perf_counter() - started}
    want = exact.search(queries, 10)[1]
    for ef in (128, 512):
        hnsw.hnsw.efSearch = ef
        out[f"recall_ef{ef}"] = recall_at(want, hnsw.search(queries, 10)[1], 10)
    return out


def _summary(runs: list[list[float]]) -> dict:
    """Median over runs of each run's p50 and p95."""
    return {"p50": statistics.median(percentile(r, 50) for r in runs), "p95": statistics.median(percentile(r, 95) for r in runs)}


def report_lines(s: dict) -> list[str]:
    """The scale section of docs/benchmarks.md."""
    ok = lambda v, target, below=True: "yes" if (v < target if below else v >= target) else "no"  # noqa: E731
    ivf = s.get("ivf")
    kind = f"IVF ({ivf['nlist']:,} cells, {ivf['nprobe']} probed)" if ivf else s["approx_type"]
    return [
        f"## Scale: {s['chunks']:,} chunks ({s['copies']} synthetic copies + the {s['real_chunks']} real ones)\n",
        "Each copy re-chunks every text with its own chunk size (300–1200) and overlap, then drops, swaps and "
        "borrows words, so copies embed apart. The synthetic text exists only for this benchmark "
        f"(`benchmarks/synthetic.py`). Above {s['approximate_above']:,} chunks (`TREATY_QA_APPROX_ABOVE`) "
        f"the index is {kind}; exact inner-product search over the same vectors is the reference. "
        f"{s['questions']} eval questions, medians of {s['runs']} runs.\n",
        "| measure | value | target | met |", "|---|---|---|---|",
        f"| embedding, all-MiniLM-L6-v2 on 2 cores | {s['chunks_per_second']:.0f} chunks/s "
        f"(≈{s['chunks'] / s['chunks_per_second'] / 60:.0f} min for all; cached by content) | | |",
        f"| approximate index build ({s['approx_type']}) | {s['approx_build_s']:.1f} s | | |",
        f"| exact index build (IndexFlatIP) | {s['exact_build_s']:.1f} s | | |",
        f"| approximate index: memory growth while building / serialised size | {s['approx_rss_growth_mb']:.0f} MB / "
        f"{s['approx_bytes'] / 2**20:.0f} MB | | |",
        f"| index on disk (FAISS + chunk table + corpus): write / verified reload | {s['disk_mb']:.0f} MB: "
        f"{s['write_s']:.1f} s / {s['load_s']:.1f} s | | |",
        f"| assistant ready on the big index (BM25 over every chunk, abstention calibration) | {s['assistant_s']:.1f} s | | |",
        *[f"| recall@10 of the product's dense search vs exact, {label} ({s[f'rows_{key}']:,} rows) | "
          f"{s[f'recall_{key}']:.4f} | ≥ 0.98 | {ok(s[f'recall_{key}'], TARGETS['recall_at_10'], False)} |" for key, label in SCOPES],
        *[f"| dense search of 100, {label}: exact / product, p50 / p95 | {s[f'dense_exact_{key}']['p50']:.1f} / "
          f"{s[f'dense_product_{key}']['p50']:.1f} ms, {s[f'dense_exact_{key}']['p95']:.1f} / "
          f"{s[f'dense_product_{key}']['p95']:.1f} ms | | |" for key, label in SCOPES],
        f"| hybrid retrieval (encode + FAISS + BM25 + fusion), p50 / p95 | {s['retrieval']['p50']:.1f} / "
        f"{s['retrieval']['p95']:.1f} ms | p95 < 250 ms | {ok(s['retrieval']['p95'], TARGETS['p95_ms'])} |",
        f"| question → cited answer, `Assistant.ask`, p50 / p95 | {s['ask']['p50']:.1f} / {s['ask']['p95']:.1f} ms | "
        f"p95 < 250 ms | {ok(s['ask']['p95'], TARGETS['p95_ms'])} |",
        f"| for comparison, HNSW (M {s['hnsw']['M']}, efConstruction {s['hnsw']['ef_construction']}) on the same vectors: "
        f"build / recall@10 at efSearch 128 / 512 | {s['hnsw']['build_s']:.1f} s / {s['hnsw']['recall_ef128']:.4f} / "
        f"{s['hnsw']['recall_ef512']:.4f} | | |",
        f"| peak RSS of the benchmark process (both indexes, {s['chunks']:,} chunks, BM25) | {s['peak_rss_mb']:.0f} MB | | |",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the scale benchmark alone and print its table (the full report is `python -m benchmarks`)."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.scale", description="The 100× corpus benchmark.")
    p.add_argument("--copies", type=int, default=100, help="synthetic copies of the corpus (default 100)")
    p.add_argument("--runs", type=int, default=3, help="repetitions; medians are reported (default 3)")
    p.add_argument("--questions", type=int, default=240, help="English eval questions (default 240)")
    p.add_argument("--approx-above", type=int, help="chunk count above which the index is approximate "
                   "(default TREATY_QA_APPROX_ABOVE; a flag here so the live index stays current)")
    p.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = p.parse_args(argv)
    result = bench_scale(args.copies, args.runs, args.questions, args.approx_above)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print("\n".join(report_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
