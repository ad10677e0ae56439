"""Topics the treaties do not cover: an editorial list (`data/uncovered.json`) of subjects people ask about near
the UN Convention against Cybercrime that it does not address (consumer returns, tax, cyberwarfare, ...), each
described in every served language and checked against the texts.

It serves one decision, across languages: a question asked in another language than the searched texts cannot
be checked word by word against them (`Silence` does that in the texts' own language), but its words can be
compared with the guide's entries in its own language (what the treaty covers) and with these topics' descriptions
(what it does not). A question that shares more words with an uncovered topic than with any guide entry lowers
the abstention signal (`FusionSettings.uncovered_words`). A topic is never cited, quoted or shown as an answer.

    >>> topics = load_topics()
    >>> scores = topics.word_scores("Mag ik een online bestelling terugsturen en mijn geld terugkrijgen?",
    ...                             ("un-cybercrime-2024",), "nl")
    >>> max(scores, key=scores.get)
    'consumer-returns'
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .lexical import WordScorer

TOPICS_FILE = Path(__file__).resolve().parent / "data" / "uncovered.json"


@dataclass(frozen=True)
class Topic:
    """One subject the treaties named in ``not_in`` do not address, described in each served language."""

    id: str
    label: str
    descriptions: dict[str, str]
    not_in: frozenset[str]

    def outside(self, treaties) -> bool:
        """Whether none of these treaties addresses the topic (every one of them was checked and found silent)."""
        return set(treaties) <= self.not_in


class UncoveredTopics:
    """The editorial list, searchable by words (BM25 over the descriptions in one language)."""

    def __init__(self, topics: tuple[Topic, ...], digest: str = ""):
        self.topics = topics
        self.digest = digest  # part of the calibration's key: the signal depends on the list

    @lru_cache(maxsize=16)
    def _lexicon(self, language: str):
        """A word scorer over the descriptions in one language, and their topics (None when none is in it)."""
        rows = [t for t in self.topics if language in t.descriptions]
        return (WordScorer([t.descriptions[language] for t in rows], language), rows) if rows else None

    @lru_cache(maxsize=256)
    def word_scores(self, question: str, treaties: tuple[str, ...], language: str,
                    ignore: frozenset[str] = frozenset()) -> dict[str, float]:
        """Topic id -> raw BM25 of the question against its description in ``language``, for the topics none of
        ``treaties`` addresses; words in ``ignore`` (the guide's words for the treaty itself) are left out."""
        found = self._lexicon(language)
        if found is None:
            return {}
        scorer, rows = found
        return {t.id: s for t, s in zip(rows, scorer.scores(question, ignore)) if s > 0 and t.outside(treaties)}

    def best(self, question: str, treaties: tuple[str, ...], language: str,
             ignore: frozenset[str] = frozenset()) -> float:
        """The best raw word score of the question over the topics these treaties do not address (0 for none)."""
        return max(self.word_scores(question, tuple(treaties), language, ignore).values(), default=0.0)


@lru_cache(maxsize=1)
def load_topics(path: Path = TOPICS_FILE) -> UncoveredTopics:
    """The editorial list of uncovered topics (cached)."""
    raw = Path(path).read_bytes()
    data = json.loads(raw.decode("utf-8"))
    topics = tuple(Topic(row["id"], row["topic"], dict(row["descriptions"]), frozenset(row["not_in"]))
                   for row in data["topics"])
    return UncoveredTopics(topics, hashlib.sha256(raw).hexdigest())
