"""The benchmark scripts' arithmetic, synthetic corpus and report (the measurements themselves run in `make bench`)."""
from __future__ import annotations

import numpy as np

from benchmarks.__main__ import report
from benchmarks.scale import recall_at, report_lines
from benchmarks.synthetic import copy_params, copy_vectors, synthetic_copy
from index.frontmatter import PARTS


def test_report_marks_targets_met_and_missed():
    results = {
        "build": {"build_s": 20.6, "build_rss_mb": 917.0, "restart_s": 3.86, "restart_process_s": 4.7, "runs": 3,
                  "restart_stages": {"import the product's modules": 0.3, "load the question encoder": 0.1},
                  "restart_imports_torch": False},
        "in_process": {"p50_ms": 7.1, "p95_ms": 8.2, "n": 240, "runs": 3, "profile": {"encode question": 6.0}},
        "api": {"single_p50_ms": 17.5, "single_p95_ms": 19.4, "concurrent_p50_ms": 133.8, "concurrent_p95_ms": 145.2,
                "gradio_client_p50_ms": 73.0, "users": 8, "n": 240, "runs": 3, "rss_mb": 676.0},
    }
    text = report(results)
    assert "| index build, all texts (wall, median of 3) | 20.6 s | < 180 s | yes |" in text
    assert "| restart, corpus unchanged: `Assistant.open` to ready | 3.86 s | < 2 s | no (+1.9) |" in text
    assert "| HTTP API, 8 concurrent users, p95 | 145.2 ms | | |" in text
    assert "| encode question | 6.00 |" in text
    assert "cores" in text.splitlines()[2]  # the machine is described
    assert "## Scale" not in text  # no scale section when it was not run
    assert "| load the question encoder | 0.10 |" in text
    assert "torch and sentence-transformers imported during the restart: no (multilingual-e5-small runs in" in text
    results["load"] = {"users": 20, "per_user": 20, "requests": 400, "errors": 0, "different": 0, "wall_s": 8.0,
                       "p50_ms": 300.0, "p95_ms": 420.0, "max_ms": 500.0}
    text = report(results)
    assert "| requests / errors | 400 / 0 |" in text and "| wall time / throughput | 8.0 s / 50 questions/s |" in text
    results["load"].update(soak=1000, soak_errors=0, rss_first_mb=400.0, rss_last_mb=404.0, rss_max_mb=405.0)
    assert "| app RSS over 1000 more requests (after the first tenth → end, max) | 400 → 404 MB (+1.0%), max 405 MB; 0 errors |" \
        in report(results)


def test_synthetic_copies_are_rechunked_perturbed_and_keep_their_pinpoints(corpus):
    real = {(t, lang): treaty for (t, lang), treaty in corpus.treaties.items()}
    first, again, other = synthetic_copy(corpus, 0), synthetic_copy(corpus, 0), synthetic_copy(corpus, 1)
    assert [c.text for c in first] == [c.text for c in again]  # deterministic, so cached vectors stay valid
    assert copy_params(0) != copy_params(1) and len(first) != len(other)
    assert all(c.id.endswith("~0") for c in first) and len({c.id for c in first}) == len(first)
    changed = 0
    for chunk in first:
        if chunk.article in PARTS:  # a preamble paragraph (index/frontmatter.py), not an article
            assert chunk.kind == "preamble" and chunk.articles == [chunk.article]
            continue
        article = real[(chunk.treaty, chunk.language)].article(chunk.article)
        assert article is not None and chunk.articles  # still points at a real provision for scoping and citing
        original = " ".join(article.full_text().split()) if chunk.kind == "article" else None
        if original is not None:
            changed += " ".join(chunk.text.split()) not in original
    # Most chunks change; a few very short points (three words or fewer) can come through unchanged.
    assert changed > 0.75 * sum(c.kind == "article" for c in first)


def test_copy_vectors_are_cached_and_reembedded_when_the_count_changes(corpus, qa, tmp_path):
    chunks = synthetic_copy(corpus, 3)[:12]
    calls = []

    def encode(texts):
        calls.append(len(texts))
        return qa.embedder.encode_passages(texts)

    vectors, seconds = copy_vectors(tmp_path, 3, chunks, encode)
    assert vectors.shape == (12, 384) and seconds is not None and calls == [12]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    cached, seconds = copy_vectors(tmp_path, 3, chunks, encode)
    assert seconds is None and calls == [12] and np.array_equal(cached, vectors)
    copy_vectors(tmp_path, 3, chunks[:5], encode)  # another chunk count: not these vectors any more
    assert calls == [12, 5] and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_recall_counts_the_exact_top_k_found():
    exact = np.array([[1, 2, 3], [4, 5, -1]])
    approx = np.array([[3, 2, 9], [5, 4, 7]])
    assert recall_at(exact, approx, 3) == (2 / 3 + 1) / 2
    assert recall_at(exact, exact, 3) == 1.0


def test_scale_report_marks_recall_and_latency_targets():
    scale = {"copies": 100, "chunks": 147_000, "real_chunks": 934, "approximate_above": 50000, "approx_type": "IndexIVFFlat",
             "ivf": {"nlist": 1533, "nprobe": 128},
             "hnsw": {"M": 32, "ef_construction": 80, "build_s": 20.0, "recall_ef128": 0.83, "recall_ef512": 0.95}, "questions": 240, "runs": 3,
             "chunks_per_second": 70.0, "approx_build_s": 95.0, "exact_build_s": 0.1, "approx_rss_growth_mb": 300,
             "approx_bytes": 300 * 2**20, "disk_mb": 500, "write_s": 3.0, "load_s": 4.0, "assistant_s": 60.0,
             "rows_all": 147_000, "rows_en": 80_000, "rows_un": 36_000, "recall_all": 0.991, "recall_en": 0.975,
             "recall_un": 1.0, "retrieval": {"p50": 40.0, "p95": 80.0}, "ask": {"p50": 50.0, "p95": 260.0},
             "peak_rss_mb": 3000, **{f"dense_{kind}_{key}": {"p50": 1.0, "p95": 2.0}
                                     for kind in ("exact", "product") for key in ("all", "en", "un")}}
    lines = "\n".join(report_lines(scale))
    assert "## Scale: 147,000 chunks (100 synthetic copies + the 934 real ones)" in lines
    assert "| recall@10 of the product's dense search vs exact, whole index (IVF) (147,000 rows) | 0.9910 | ≥ 0.98 | yes |" in lines
    assert "English, all treaties (IVF, filtered) (80,000 rows) | 0.9750 | ≥ 0.98 | no |" in lines
    assert "`Assistant.ask`, p50 / p95 | 50.0 / 260.0 ms | p95 < 250 ms | no |" in lines
    assert "build / recall@10 at efSearch 128 / 512 | 20.0 s / 0.8300 / 0.9500 |" in lines
    assert "≈35 min for all" in lines and "the index is IVF (1,533 cells, 128 probed)" in lines
