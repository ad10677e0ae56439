"""When to abstain: a similarity floor per language, calibrated on held-out questions written for this purpose.

`calibration/on_topic.jsonl` holds questions the treaties answer, `calibration/off_topic.jsonl`
questions they do not (none of them is in the eval sets); a line may name its "language"
(default "en"). For each language the floor is the point between the two score distributions
with the best balanced accuracy, computed once per index build and model and cached beside the
index. A language without calibration questions uses the English floor.
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
    language: str = "en"


def _questions(name: str, language: str | None = None) -> list[str]:
    """Questions of one calibration file, optionally only those in one language."""
    with (HERE / name).open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r["question"] for r in rows if language is None or r.get("language", "en") == language]


def languages() -> list[str]:
    """Languages that have both on-topic and off-topic calibration questions."""
    def langs(name: str) -> set[str]:
        with (HERE / name).open(encoding="utf-8") as f:
            return {json.loads(line).get("language", "en") for line in f if line.strip()}
    return sorted(langs("on_topic.jsonl") & langs("off_topic.jsonl"))


def _files_hash() -> str:
    h = hashlib.sha256()
    for name in ("on_topic.jsonl", "off_topic.jsonl"):
        h.update((HERE / name).read_bytes())
    return h.hexdigest()[:16]


MIN_KEPT = 0.97  # a wrong abstention hides a real answer: keep at least this share of answerable questions


def choose_threshold(on: list[float], off: list[float], min_kept: float = MIN_KEPT) -> tuple[float, float, float]:
    """(threshold, kept share of on, rejected share of off): among the cuts that keep at least min_kept of
    the on-topic scores, the one rejecting most off-topic scores; ties go to the lower cut."""
    values = sorted(set(on) | set(off))
    cuts = [(a + b) / 2 for a, b in zip(values, values[1:])] or values
    best = None
    for cut in cuts:
        kept = sum(s >= cut for s in on) / len(on)
        rejected = sum(s < cut for s in off) / len(off)
        if kept < min_kept - 1e-12:
            continue
        if best is None or rejected > best[2] + 1e-12:
            best = (cut, kept, rejected)
    if best is None:  # no cut keeps enough: abstain only below every on-topic score
        cut = min(on) - 1e-6
        best = (cut, 1.0, sum(s < cut for s in off) / len(off))
    return best


def calibrate(confidence: Callable[[str, str], float], key: str, language: str = "en") -> Calibration:
    """Score one language's held-out questions (confidence(question, language)) and pick the floor."""
    on = [confidence(q, language) for q in _questions("on_topic.jsonl", language)]
    off = [confidence(q, language) for q in _questions("off_topic.jsonl", language)]
    threshold, kept, rejected = choose_threshold(on, off)
    return Calibration(round(threshold, 4), kept, rejected, len(on), len(off), key, language)


def cached_calibration(cache: Path, fingerprint: str, confidence: Callable[[str, str], float],
                       available: set[str] | None = None) -> dict[str, Calibration]:
    """Per-language calibrations for this index build, computed on first use and kept in `cache`."""
    key = f"{fingerprint}:{_files_hash()}"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return {lang: Calibration(**c) for lang, c in data["languages"].items()}
    except (OSError, ValueError, TypeError, KeyError):
        pass
    result = {lang: calibrate(confidence, key, lang) for lang in languages() if available is None or lang in available}
    try:
        write_atomic(cache, json.dumps({"key": key, "languages": {k: asdict(v) for k, v in result.items()}}, indent=2).encode())
    except OSError:
        pass  # a read-only data dir only costs a recalibration next time
    return result
