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
from functools import lru_cache

from .references import fold, treaty_mentions
from .text import STOPWORDS, normalize

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
_TOO_GENERIC = frozenset({"protocol"})


@dataclass(frozen=True)
class Turn:
    """One answered question, as context for the next: its topic and the treaties actually searched."""

    topic: str  # the first question of a follow-up chain: what "and what about …" continues
    treaties: tuple[str, ...]  # searched
    selection: tuple[str, ...] | None = None  # what the user had chosen (None = everything)
    language: str = "en"


@lru_cache(maxsize=256)  # one question is read for names several times on its way through `ask`
def _mentions(question: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, treaty id) of every treaty name in a question; where names overlap the one that
    starts first (then the longer) wins, so "UN convention on cybercrime" is the UN Convention."""
    return tuple(treaty_mentions(fold(normalize(question)).replace("’", "'"), _TOO_GENERIC))


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


# Words that carry no subject of their own: pronouns, the treaty itself, generic legal nouns and
# verbs that only ask about one ("apply", "cover", "say"), and words of degree.
_NO_SUBJECT = set("""it its they them their this that these those he she him her same one ones too well either
    also then there here so why how when where which what who whom whose else instead exactly really
    treaty treaties convention conventions protocol agreement text article articles provision provisions rule rules
    paragraph clause obligation obligations thing things case cases situation apply applies applied cover covers
    covered say says said mean means count counts include includes included about regard regarding concerning
    any some other another more less much many long short exception exceptions limit limits condition conditions
    mandatory optional required allowed possible true so-called example examples kind kinds type types
    het dat dit deze die zij ze hij zij ook dan daar hier waarom hoe wanneer waar welke wat wie verdrag artikel
    bepaling geldt gelden uitzondering uitzonderingen""".split())
# Words that only make sense about something already said ("any exceptions?", "how long?", "why?").
_RELATIONAL = re.compile(r"^(?:why|how\s+long|how\s+so|how|when|which\s+article|where|and\s+then|any\s+exceptions?|"
                         r"exceptions?|penalt(?:y|ies)|sanctions?|waarom|hoe\s+lang|welk\s+artikel)\b", re.I)
_PRONOUN_ANYWHERE = re.compile(r"\b(?:it|they|them|that|this|those|these|het|dat|dit|zij)\b[\s?.!,]*(?:$|\b(?:is|are|was|were|apply|"
                               r"last|mean|cover|require|allow|work|happen|include|count)\b)", re.I)
_STOP = STOPWORDS["en"] | STOPWORDS["nl"]
MIN_OWN_SUBJECT = 3  # content words a question needs to stand on its own after a connective or "it"
# "they", "that", "those" point back at what was just discussed more surely than "it" (often the treaty).
_POINTING = re.compile(r"^(?:\w+\s+){0,2}?(?:they|them|that|this|these|those|he|she|zij|ze|dat|dit|deze)\b(?!\s+(?:is|are)\s+(?:the|a)\b)", re.I)
MIN_OWN_SUBJECT_POINTING = 5
_WH = re.compile(r"^(?:(?:for|in|under|on|with|by|from|to|against|at)\s+)?(?:who|whom|which|what|when|why|how|where|waarom|wie|welke|wanneer|hoe)\b", re.I)


def own_subject(question: str) -> list[str]:
    """The words of a question that name its own subject (what remains after connectives, pronouns,
    treaty names and generic words)."""
    text = normalize(question)
    for start, end, _ in reversed(_mentions(question)):
        text = text[:start] + " " + text[end:]
    rest = _CONNECTIVE.sub("", text.strip(), count=1)
    words = re.findall(r"[^\W\d_][\w'-]*", rest.lower())
    return [w for w in words if w not in _STOP and w not in _NO_SUBJECT and len(w) > 1]


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the previous one rather than standing alone: it points back ("that
    article"), or it opens with a connective or a pronoun and names too little of its own to be understood
    alone. A question that names its own subject ("Does it criminalise sharing intimate images without
    consent?") stands alone, whatever its first word."""
    q = normalize(question).strip()
    if len(q.split()) > MAX_FOLLOW_UP_WORDS:
        return False
    if _BACK_REFERENCE.search(q):
        return True
    subject = own_subject(q)
    if _POINTING.match(q):
        return len(subject) < MIN_OWN_SUBJECT_POINTING
    if _CONNECTIVE.match(q) or _PRONOUN.match(q) or _PRONOUN_ANYWHERE.search(q):
        return len(subject) < MIN_OWN_SUBJECT
    if _WH.match(q):
        return len(subject) <= 1
    return not subject and bool(_RELATIONAL.match(q))


def follow_up_focus(question: str) -> str:
    """A follow-up's own words, without its connective ("children?" in "and what about children?")."""
    return _CONNECTIVE.sub("", normalize(question).strip(), count=1).strip()


def follow_up_query(question: str, previous: Turn | None) -> str | None:
    """The text to search for a follow-up (previous topic + what is new), or None for a standalone question."""
    if previous is None or not is_follow_up(question):
        return None
    new = _CONNECTIVE.sub("", normalize(question).strip(), count=1).strip()
    return f"{previous.topic} {new}".strip()
