"""The benchmark scripts' arithmetic and report (the measurements themselves are run by `make bench`)."""
from __future__ import annotations

from benchmarks.__main__ import _pct, report


def test_percentiles_interpolate_between_ranks():
    assert _pct([10, 20, 30, 40], 50) == 25 and _pct([5], 95) == 5
    assert _pct(list(range(1, 101)), 95) == 95.05


def test_report_marks_targets_met_and_missed():
    results = {
        "build": {"build_s": 20.6, "build_rss_mb": 917.0, "restart_s": 3.86, "restart_process_s": 4.7, "runs": 3},
        "in_process": {"p50_ms": 7.1, "p95_ms": 8.2, "n": 240, "runs": 3, "profile": {"encode question": 6.0}},
        "api": {"single_p50_ms": 17.5, "single_p95_ms": 19.4, "concurrent_p50_ms": 133.8, "concurrent_p95_ms": 145.2,
                "gradio_client_p50_ms": 73.0, "users": 8, "n": 240, "runs": 3, "rss_mb": 676.0},
    }
    text = report(results)
    assert "| index build, all texts (wall, median of 3) | 20.6 s | < 60 s | yes |" in text
    assert "| restart, corpus unchanged: `Assistant.open` to ready | 3.86 s | < 2 s | no (+1.9) |" in text
    assert "| HTTP API, 8 concurrent users, p95 | 145.2 ms | | |" in text
    assert "| encode question | 6.00 |" in text
    assert "cores" in text.splitlines()[2]  # the machine is described
