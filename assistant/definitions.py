"""Defined terms: read from each treaty's definitions article, matched against questions.

    >>> terms = defined_terms(treaty, "2")
    >>> [t.term for t in terms][:2]
    ['Information and communications technology system', 'Electronic data']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.model import Citation, Treaty
from index.pinpoint import article_citation

from .text import tokens

# A defined term is the first quoted phrase of a provision, printed “…”, „…", ``…" or "…".
_TERM = re.compile(r"(?:“|„|``|\")([^”“\"„]{2,90}?)(?:”|\"|“)")


@dataclass(frozen=True)
class Definition:
    """A term as the treaty defines it, and the provision that defines it."""

    term: str
    stems: tuple[str, ...]
    citation: Citation
    path: tuple[str, ...]  # pinpoint path of the defining provision in its article


def defined_terms(treaty: Treaty, article_number: str | None) -> list[Definition]:
    """Every term defined in the treaty's definitions article (none if it has no such article)."""
    article = treaty.article(article_number) if article_number else None
    if article is None:
        return []
    out, seen = [], set()
    for path, node in article.walk():
        m = _TERM.search(node.text[:160])
        if not m:
            continue
        term = m.group(1).strip()
        stems = tuple(tokens(term, treaty.language))
        if stems and stems not in seen:  # UNCAC 2(a)(iii) repeats "public official"
            seen.add(stems)
            out.append(Definition(term, stems, article_citation(treaty, article, path), path))
    return out


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(tuple(haystack[i:i + n]) == needle for i in range(len(haystack) - n + 1))


def matching(definitions: list[Definition], question_stems: list[str]) -> list[Definition]:
    """Definitions whose whole term occurs in the question; a term inside a longer matched term is dropped."""
    hits = [d for d in definitions if _contains(question_stems, d.stems)]
    return [d for d in hits if not any(o is not d and d.citation.treaty == o.citation.treaty
                                        and len(o.stems) > len(d.stems) and _contains(list(o.stems), d.stems)
                                        for o in hits)]
