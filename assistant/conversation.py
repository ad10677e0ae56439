"""What a question means in its conversation: the treaties it names and whether it follows up the last turn.

    >>> first = Turn("Can a provider be ordered to preserve stored data?", ("un-cybercrime-2024",), ("un-cybercrime-2024",))
    >>> follow_up_query("and what about traffic data?", first)
    'Can a provider be ordered to preserve stored data? traffic data?'
    >>> named_treaties("Does the Budapest Convention cover child pornography?")
    ['coe-budapest-2001']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .references import treaty_aliases
from .text import normalize

# Words that open a question leaning on the previous one ("and what about …", "en wat als …").
_CONNECTIVE = re.compile(
    r"^(?:and\s+what\s+about|what\s+about|how\s+about|and\s+how\s+about|and\s+what\s+if|what\s+if|and\s+also|and\s+for|"
    r"and\s+in|and\s+under|same\s+(?:for|question\s+for)|and|but|also|or|then|"
    r"en\s+wat\s+(?:over|met|als)|hoe\s+zit\s+het\s+met|wat\s+als|en\s+voor|en\s+in|en|maar|ook)\b[\s,]*", re.I)
# Short questions whose subject is a pronoun ("Does it apply to …?", "Can they refuse?").
_PRONOUN = re.compile(r"^(?:does|do|is|are|can|could|must|may|might|would|should|will|did|geldt|kan|kunnen|moet|mag)\s+"
                      r"(?:it|they|this|that|these|those|he|she|the\s+same|het|dat|dit|zij|ze)\b", re.I)
_BACK_REFERENCE = re.compile(r"\b(?:that|this|the\s+same|the\s+previous|the\s+above)\s+(?:article|provision|rule|paragraph|obligation)\b|"
                             r"\b(?:dat|dit|hetzelfde)\s+(?:artikel|lid|bepaling)\b", re.I)
MAX_FOLLOW_UP_WORDS = 14
# Single everyday words among the catalog's aliases ("Protocol") would fire on ordinary questions.
_TOO_GENERIC = {"protocol"}


@dataclass(frozen=True)
class Turn:
    """One answered question, as context for the next: its topic and the treaties actually searched."""

    topic: str  # the first question of a follow-up chain: what "and what about …" continues
    treaties: tuple[str, ...]  # searched
    selection: tuple[str, ...] | None = None  # what the user had chosen (None = everything)
    language: str = "en"


def _mentions(question: str) -> list[tuple[int, int, str]]:
    """(start, end, treaty id) of every treaty name in a question; where names overlap the one that
    starts first (then the longer) wins, so "UN convention on cybercrime" is the UN Convention."""
    text = normalize(question).lower().replace("’", "'")
    found = sorted(((m.start(), m.end(), tid) for alias, tid in treaty_aliases() if alias not in _TOO_GENERIC
                    for m in re.finditer(rf"(?<![\w/-])(?:the\s+)?{re.escape(alias)}(?![\w/-])", text)),
                   key=lambda x: (x[0], -(x[1] - x[0])))
    kept: list[tuple[int, int, str]] = []
    for start, end, tid in found:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, tid))
    return kept


def named_treaties(question: str) -> list[str]:
    """Catalog ids of the treaties a question names ("under the Budapest Convention", "UNCAC"), in order of mention."""
    return list(dict.fromkeys(tid for _, _, tid in _mentions(question)))


def without_treaty_names(question: str) -> str:
    """The question with the treaty names taken out: they choose where to search, not what to look for."""
    text = normalize(question)
    out, at = [], 0
    for start, end, _ in _mentions(question):
        out.append(text[at:start])
        at = end
    rest = " ".join("".join(out + [text[at:]]).split())
    rest = re.sub(r"\b(?:under|in|of|by|from|according to)\s*(?=[,?.!]|$)", "", rest, flags=re.I)
    rest = re.sub(r"\s+([,?.!])", r"\1", rest).strip(" ,")
    return rest if len(re.findall(r"\w+", rest)) >= 2 else text


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the previous one rather than standing alone."""
    q = normalize(question).strip()
    if len(q.split()) > MAX_FOLLOW_UP_WORDS:
        return False
    return bool(_CONNECTIVE.match(q) or _PRONOUN.match(q) or _BACK_REFERENCE.search(q))


def follow_up_query(question: str, previous: Turn | None) -> str | None:
    """The text to search for a follow-up (previous topic + what is new), or None for a standalone question."""
    if previous is None or not is_follow_up(question):
        return None
    new = _CONNECTIVE.sub("", normalize(question).strip(), count=1).strip()
    return f"{previous.topic} {new}".strip()
