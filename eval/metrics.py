"""Retrieval metrics over ranked lists, written out so that each can be checked by hand.

    >>> ranked = [("un", "7"), ("un", "8"), ("un", "25")]
    >>> hit_at(ranked, {("un", "25")}, 3), reciprocal_rank(ranked, {("un", "25")}, 10)
    (1.0, 0.3333333333333333)
"""
from __future__ import annotations

import math
from typing import Hashable, Iterable, Sequence


def hit_at(ranked: Sequence[Hashable], gold: set, k: int) -> float:
    """1.0 if any gold item is among the first k, else 0.0."""
    return 1.0 if any(item in gold for item in ranked[:k]) else 0.0


def recall_at(ranked: Sequence[Hashable], gold: set, k: int) -> float:
    """Share of the gold items found among the first k."""
    return len(gold & set(ranked[:k])) / len(gold) if gold else 0.0


def reciprocal_rank(ranked: Sequence[Hashable], gold: set, k: int) -> float:
    """1/rank of the first gold item within the first k, else 0.0."""
    for rank, item in enumerate(ranked[:k], start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[Hashable], gold: set, k: int) -> float:
    """Normalised discounted cumulative gain with binary relevance."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(ranked[:k], start=1) if item in gold)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal if ideal else 0.0


def first_hit(units: Sequence[set], gold: set, k: int) -> int | None:
    """Rank (1-based) of the first retrieved unit that contains a gold item, within the first k."""
    for rank, unit in enumerate(units[:k], start=1):
        if unit & gold:
            return rank
    return None


def abstention(abstained: Iterable[bool], negative: Iterable[bool]) -> dict:
    """Precision and recall of abstaining, with negatives as the positive class (None when undefined)."""
    pairs = list(zip(abstained, negative))
    true_pos = sum(1 for a, n in pairs if a and n)
    predicted = sum(1 for a, _ in pairs if a)
    negatives = sum(1 for _, n in pairs if n)
    return {
        "precision": true_pos / predicted if predicted else None,
        "recall": true_pos / negatives if negatives else None,
        "abstained": predicted,
        "negatives": negatives,
    }


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean, None for no values."""
    values = list(values)
    return sum(values) / len(values) if values else None
