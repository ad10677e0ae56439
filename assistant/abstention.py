"""When to abstain: a similarity floor calibrated on held-out questions written for this purpose.

`calibration/on_topic.jsonl` holds questions the treaties answer, `calibration/off_topic.jsonl`
questions they do not (none of them is in the eval sets). The floor is the point between the
two score distributions with the best balanced accuracy, computed once per index build and
model and cached beside the index.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from index.corpus import write_atomic

HERE = Path(__file__).resolve().parent / "calibration"


@dataclass(frozen=True)
class Calibration:
    """The abstention floor and how well it separated the held-out questions."""

    threshold: float
    on_topic_kept: float  # share of answerable questions above the floor
    off_topic_rejected: float  # share of off-topic questions below it
    n_on: int
    n_off: int
    key: str = ""


def _questions(name: str) -> list[str]:
    with (HERE / name).open(encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


def _files_hash() -> str:
    h = hashlib.sha256()
    for name in ("on_topic.jsonl", "off_topic.jsonl"):
        h.update((HERE / name).read_bytes())
    return h.hexdigest()[:16]


def choose_threshold(on: list[float], off: list[float]) -> tuple[float, float, float]:
    """(threshold, kept share of on, rejected share of off) maximising balanced accuracy."""
    values = sorted(set(on) | set(off))
    cuts = [(a + b) / 2 for a, b in zip(values, values[1:])] or values
    best = None
    for cut in cuts:
        kept = sum(s >= cut for s in on) / len(on)
        rejected = sum(s < cut for s in off) / len(off)
        score = (kept + rejected) / 2
        # Among equally good cuts prefer the lower one: a wrong abstention hides a real answer.
        if best is None or score > best[0] + 1e-12:
            best = (score, cut, kept, rejected)
    return best[1], best[2], best[3]


def calibrate(confidence: Callable[[str], float], key: str) -> Calibration:
    """Score the held-out questions and pick the floor."""
    on = [confidence(q) for q in _questions("on_topic.jsonl")]
    off = [confidence(q) for q in _questions("off_topic.jsonl")]
    threshold, kept, rejected = choose_threshold(on, off)
    return Calibration(round(threshold, 4), kept, rejected, len(on), len(off), key)


def cached_calibration(cache: Path, fingerprint: str, confidence: Callable[[str], float]) -> Calibration:
    """The calibration for this index build, computed on first use and kept in `cache`."""
    key = f"{fingerprint}:{_files_hash()}"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return Calibration(**data)
    except (OSError, ValueError, TypeError):
        pass
    result = calibrate(confidence, key)
    try:
        write_atomic(cache, json.dumps(asdict(result), indent=2).encode())
    except OSError:
        pass  # a read-only data dir only costs a recalibration next time
    return result
