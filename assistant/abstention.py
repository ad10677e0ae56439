"""When to abstain: a similarity floor per language, calibrated on held-out questions written for this purpose.

`calibration/on_topic.jsonl` holds questions the treaties answer, `calibration/off_topic.jsonl`
questions they do not (none of them is in the eval sets); a line may name its "language"
(default "en"). A floor is calibrated per regime, a pair (question language, text language):
"nl" for Dutch questions over the Dutch texts, "fr>en" for French questions over the English
ones (cross-lingual cosines run lower than same-language ones), and "other>en" for a question in a language
with neither calibration questions nor a guide of its own (Italian, say): every question not in English, scored
as such a question would be. Each floor is the cut between
the two score distributions that keeps nearly every answerable question, computed once per
index build and model and cached beside the index.
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
    language: str = "en"  # the questions' language
    searched: str = ""  # the texts' language ("" before regimes: the same as the questions')


def regime(question_language: str, text_language: str) -> str:
    """A calibration's name: "en" (English questions, English texts) or "fr>en" (French questions, English texts)."""
    return question_language if question_language == text_language else f"{question_language}>{text_language}"


# The question language of the pooled regime for languages served without calibration questions or a guide.
OTHER = "other"


def regimes(text_languages: set[str]) -> list[tuple[str, str]]:
    """(question language, text language) pairs to calibrate: each language with questions over its own texts
    when there are any, and over the English texts when it is not English; then `OTHER` over the English texts."""
    out = []
    for lang in languages():
        if lang in text_languages:
            out.append((lang, lang))
        if lang != "en" and "en" in text_languages:
            out.append((lang, "en"))
    if any(lang != "en" for lang, _ in out) and "en" in text_languages:
        out.append((OTHER, "en"))
    return out


def _questions(name: str, language: str | None = None, searched: str | None = None) -> list[str]:
    """Questions of one calibration file, optionally only those in one language and meant for texts in
    ``searched`` (a line's optional "texts" lists the text languages it was written for, e.g. Dutch
    questions on the UN Convention, which has no Dutch text here). `OTHER` takes every language but the texts'."""
    with (HERE / name).open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]

    def wanted(lang: str) -> bool:
        return lang != searched if language == OTHER else language is None or lang == language
    return [r["question"] for r in rows if wanted(r.get("language", "en"))
            and (searched is None or searched in r.get("texts", [searched]))]


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


Signal = Callable[[str, str, str], float]  # (question, its language, the texts' language) -> abstention signal


def calibrate(confidence: Signal, key: str, language: str = "en", searched: str | None = None) -> Calibration:
    """Score one language's held-out questions over texts in ``searched`` (default: the same language) and pick the floor."""
    searched = searched or language
    on = [confidence(q, language, searched) for q in _questions("on_topic.jsonl", language, searched)]
    off = [confidence(q, language, searched) for q in _questions("off_topic.jsonl", language, searched)]
    threshold, kept, rejected = choose_threshold(on, off)
    return Calibration(round(threshold, 4), kept, rejected, len(on), len(off), key, language, searched)


def floor_for(calibrations: dict[str, Calibration], asked: str, language: str) -> Calibration:
    """The calibration that applies to questions asked in ``asked`` over texts in ``language``: that regime's, else
    (for a question in another language) the pooled `OTHER` one, else the texts' language's, else English's."""
    found = calibrations.get(regime(asked, language))
    if found is None and asked != language:
        found = calibrations.get(regime(OTHER, language))
    return found or calibrations.get(language) or calibrations.get("en") or next(iter(calibrations.values()))


def calibrate_all(confidence: Signal, key: str, text_languages: set[str]) -> dict[str, Calibration]:
    """Every regime's calibration for an index holding texts in ``text_languages``, by regime name."""
    return {regime(q, t): calibrate(confidence, key, q, t) for q, t in regimes(text_languages)}


def cached_calibration(cache: Path, fingerprint: str, confidence: Signal,
                       available: set[str]) -> dict[str, Calibration]:
    """Per-regime calibrations for this index build (texts in the ``available`` languages), computed on
    first use and kept in `cache`."""
    pairs = regimes(available)
    key = f"{fingerprint}:{_files_hash()}:{','.join(regime(q, t) for q, t in pairs)}"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return {lang: Calibration(**c) for lang, c in data["languages"].items()}
    except (OSError, ValueError, TypeError, KeyError):
        pass
    result = calibrate_all(confidence, key, available)
    try:
        write_atomic(cache, json.dumps({"key": key, "languages": {k: asdict(v) for k, v in result.items()}}, indent=2).encode())
    except OSError:
        pass  # a read-only data dir only costs a recalibration next time
    return result
