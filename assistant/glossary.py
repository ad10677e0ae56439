"""Everyday words mapped to treaty words ("withdraw" → "denounce"), so plain questions find the
provisions that use the legal term. The mapping is data: `data/glossary.json`.

    >>> expand("How can a country withdraw from the convention?", "en")
    'How can a country withdraw from the convention? denounce denunciation'
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parent / "data" / "glossary.json"


@lru_cache(maxsize=1)
def _entries() -> dict[str, list[tuple[re.Pattern, str]]]:
    data = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    out: dict[str, list[tuple[re.Pattern, str]]] = {}
    for language, entries in data.items():
        if language.startswith("_"):
            continue
        out[language] = [(re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in e["lay"]) + r")(?:s|es|ed|ing)?(?!\w)", re.I),
                          e["treaty"]) for e in entries]
    return out


def matches(question: str, language: str = "en") -> list[tuple[str, str]]:
    """(everyday words as typed, the treaty wording they map to) for every glossary entry the question uses."""
    return [(m.group(0), terms) for pattern, terms in _entries().get(language, []) for m in pattern.finditer(question)]


def treaty_terms(question: str, language: str = "en") -> list[str]:
    """The treaty wording for each everyday term the question uses (nothing when it uses none)."""
    return [terms for pattern, terms in _entries().get(language, []) if pattern.search(question)]


def expand(question: str, language: str = "en") -> str:
    """The question followed by the treaty wording of its everyday terms: what retrieval searches for."""
    extra = [t for t in treaty_terms(question, language) if t.lower() not in question.lower()]
    return " ".join([question, *extra]) if extra else question
