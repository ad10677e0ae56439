"""The offence catalogue: for "does it make X a crime?" questions, every offence article of the
searched treaty with its title, so the reader sees the whole list and not only the closest match.

    >>> is_crime_question("Does the convention make fake news a crime?")
    True
    >>> [o.label for o in offence_catalogue(corpus, "un-cybercrime-2024", "en")][:2]
    ['UN Convention against Cybercrime, Art. 7', 'UN Convention against Cybercrime, Art. 8']
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.corpus import Corpus
from index.pinpoint import label, node_id

OFFENCES = Path(__file__).resolve().parent / "data" / "offences.json"
_CRIME = re.compile(
    r"\b(?:crimes?|criminal(?:ly)?|criminali[sz](?:e|es|ed|ing|ation)|offen[cs]es?|illegal|unlawful|punish\w*|"
    r"prosecut\w*|penal\w*|outlaw\w*|jail|prison|strafbaar|misdrijf|delict)\b", re.I)


@lru_cache(maxsize=1)
def _articles() -> dict[str, list[str]]:
    data = json.loads(OFFENCES.read_text(encoding="utf-8"))
    return {k: [str(a) for a in v] for k, v in data.items() if not k.startswith("_")}


def is_crime_question(question: str) -> bool:
    """Whether a question asks if something is (or must be made) a crime."""
    return bool(_CRIME.search(question))


@dataclass(frozen=True)
class Offence:
    """One offence article: its id, pinpoint label and title as printed."""

    id: str
    label: str
    title: str

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"id": self.id, "label": self.label, "title": self.title}


def offence_catalogue(corpus: Corpus, treaty_id: str, language: str) -> list[Offence]:
    """Every offence article of one treaty text, in article order."""
    treaty = corpus.get(treaty_id, language)
    if treaty is None:
        return []
    return [Offence(node_id(treaty.id, language, a.number, ()), label(treaty.short_title, language, a.number, ()), a.title)
            for n in _articles().get(treaty_id, []) if (a := treaty.article(n))]
