"""Latency of a call over a list of items, repeated: the medians over runs of each run's p50 and p95."""
from __future__ import annotations

import statistics
import time
from typing import Callable, Iterable

from eval.metrics import percentile


def latencies(call: Callable, items: Iterable, runs: int) -> tuple[float, float]:
    """(p50 ms, p95 ms): call(item) timed for every item, each percentile the median over ``runs`` runs."""
    items = list(items)
    p50s, p95s = [], []
    for _ in range(runs):
        lat = []
        for item in items:
            started = time.perf_counter()
            call(item)
            lat.append((time.perf_counter() - started) * 1000)
        p50s.append(percentile(lat, 50))
        p95s.append(percentile(lat, 95))
    return statistics.median(p50s), statistics.median(p95s)
