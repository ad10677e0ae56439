"""Parse free-form citations: "Art. 41(3)(e)", "article 6(1)(a)(ii) of the Budapest Convention",
"UNCAC art. 2(a)", "Protocol Article 6", "interpretative note on article 35", "artikel 6, eerste lid, onder a".

    >>> parse_reference("article 6(1)(a)(ii) of the Budapest Convention")
    Reference(kind='article', treaty='coe-budapest-2001', language=None, article='6', path=('1', 'a', 'ii'), ...)

The whole string must be a reference: "Art. 35 and extradition" is a question, not a citation.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from index.catalog import load_catalog

from .text import normalize

_ORDINALS = {"eerste": "1", "tweede": "2", "derde": "3", "vierde": "4", "vijfde": "5", "zesde": "6",
             "zevende": "7", "achtste": "8", "negende": "9", "tiende": "10", "first": "1", "second": "2",
             "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10"}
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
_PART_WORD = (r"(?:sub-?paragraphs?|subparas?\.?|paragraphs?|paras?\.?|par\.?|§|lid|leden|points?|letters?|items?|"
              r"clauses?|sub-?points?|subs?\.?|onder|onderdeel|punt|litt?\.?)")
_FILLER = re.compile(r"^(?:,|;|\.|of|in|under|from|the|this|present|convention|protocol|treaty|van|het|dit|verdrag)\b\.?\s*|^[,;.]\s*")
_ARTICLE = re.compile(r"^(?:articles?|arts?\.?|artikel(?:en)?|art\b\.?)\s*(\d+)\b")
_NOTE = re.compile(r"^(?:the\s+)?(?:interpretative|interpretive|explanatory)?\s*notes?\s*(?:on|to|for|about|regarding)?\s*"
                   r"(?:the\s+)?(?:articles?|arts?\.?)?\s*(\d+(?:\s*(?:,|and|&)\s*(?:articles?\s+|arts?\.?\s*)?\d+)*)$")
_CHAPTER = re.compile(r"^(?:chapter|ch\.|hoofdstuk)\s*([ivxlc]+|\d+)$")
_PARA = r"(?:preambular\s+)?(?:paragraphs?|paras?\.?|pp\.?|op\.?|§|lid)"
_PREAMBLE = re.compile(rf"^(?:the\s+)?(?:preamble|preambule|considerans)(?:\s*,?\s*{_PARA}?\s*(\d+))?$")
# "A/RES/79/243, para. 12", "resolution 79/243 preamble para 2", "A/RES/79/243 title": the adopting resolution.
_RESOLUTION = re.compile(r"^(?:the\s+)?(?:general\s+assembly\s+)?(?:a/res/|resolution\s+)(\d+/\d+)\s*,?\s*(.*)$")
_RESOLUTION_PART = re.compile(rf"^(?:(title)|(meeting|plenary\s+meeting)|(preamble)(?:\s*,?\s*{_PARA}?\s*(\d+))?|"
                              rf"(?:{_PARA}\s*)?(\d+))?$")


@dataclass(frozen=True)
class Reference:
    """A parsed citation; treaty/language None when the text does not name them."""

    kind: str  # "article" | "note" | "chapter" | "preamble" | "resolution"
    treaty: str | None = None
    language: str | None = None
    article: str | None = None
    path: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()  # for notes
    chapter: str | None = None
    symbol: str | None = None  # for the resolution: "A/RES/79/243"


def to_roman(n: int) -> str:
    """Upper-case roman numeral of 1..3999; other numbers stay in digits (no chapter is numbered so)."""
    if not 0 < n < 4000:  # also keeps "Chapter 99999999999" from building a string of millions of M's
        return str(n)
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out.upper()


@lru_cache(maxsize=1)
def treaty_aliases() -> list[tuple[str, str]]:
    """(lower-case alias, treaty id), longest first so "UN Convention against Corruption" wins over "UN Convention";
    the catalog's names in other languages ("Verdrag van Boedapest", "联合国反腐败公约") are aliases too."""
    pairs = []
    for e in load_catalog():
        for alias in (e.id, e.short_title, *e.aliases, *(n for names in e.names.values() for n in names)):
            pairs.append((fold(alias), e.id))
    return sorted(pairs, key=lambda p: -len(p[0]))


def fold(text: str) -> str:
    """Lower case with "ё" read as "е", as Russian is usually typed: the form aliases are matched in."""
    return text.lower().replace("ё", "е")


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Arabic writes "and", "by", "to", "as" and "so" as one letter joined to the next word: "وفقاً لاتفاقية بودابست".
_CLITICS = "(?:[وفبلك]{1,2}(?=ا))?"


def _alias_pattern(alias: str) -> str:
    """Regex for an alias as a whole name ("the" allowed before it; in Arabic, a joined particle). Chinese and
    Japanese are written without spaces, so a name in those scripts is matched wherever it stands."""
    if _CJK.search(alias):
        return re.escape(alias)
    before = _CLITICS if _ARABIC.match(alias) else r"(?:the\s+)?"
    return rf"(?<![\w/-]){before}{re.escape(alias)}(?![\w/-])"


@lru_cache(maxsize=1)
def _alias_ids() -> dict[str, str]:
    return dict(treaty_aliases())


@lru_cache(maxsize=4)
def _names_regex(leave_out: frozenset[str]) -> re.Pattern:
    # One alternation, longest alias first: at each position the regex takes the longest name that starts there,
    # which is what a scan alias by alias would pick, at a fraction of the cost (about 150 names).
    return re.compile("|".join(f"(?:{_alias_pattern(a)})" for a, _ in treaty_aliases() if a not in leave_out))


def treaty_mentions(text: str, leave_out: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """(start, end, treaty id) of each treaty name in a lower-cased, folded text, left to right and not
    overlapping: where names overlap, the one that starts first, then the longer, wins."""
    ids = _alias_ids()
    found = []
    for m in _names_regex(leave_out).finditer(text):
        name = m.group()
        if name not in ids:  # "the" or an Arabic particle before the name
            name = re.sub(rf"^(?:the\s+|{_CLITICS})", "", name)
        found.append((m.start(), m.end(), ids[name]))
    return found


def _take_treaty(s: str) -> tuple[str | None, str]:
    mentions = treaty_mentions(fold(s))
    if not mentions:
        return None, s
    start, end, tid = max(mentions, key=lambda x: x[1] - x[0])  # the longest name, as in "Protocol article 6 of ETS 185"
    rest = (s[:start] + " " + s[end:]).strip()
    rest = re.sub(r"\s+(?:of|in|under|from|van)(?:\s+(?:the|het|dit))?\s*$", "", rest)
    return tid, " ".join(rest.split())


def _take_language(s: str) -> tuple[str | None, str]:
    m = re.search(r"\((nl|en)\)|\b(?:in\s+)?(dutch|nederlands|english)\b", s)
    if not m:
        return ("nl" if re.search(r"\bartikel", s) else None), s
    word = m.group(1) or m.group(2)
    lang = {"dutch": "nl", "nederlands": "nl", "english": "en"}.get(word, word)
    return lang, " ".join((s[:m.start()] + " " + s[m.end():]).split())


def _path(rest: str) -> tuple[str, ...] | None:
    """Pinpoint parts after the article number, or None if anything else is left over."""
    parts: list[str] = []
    while rest:
        if (m := re.match(r"^\(\s*([0-9]+|[a-z]{1,4})\s*\)\s*", rest)):
            parts.append(m.group(1))
        elif (m := re.match(rf"^{_PART_WORD}\s*\(?\s*([0-9]+|[a-z]{{1,4}})\s*\)?(?![\w])\s*", rest)):
            parts.append(m.group(1))
        elif (m := re.match(rf"^({'|'.join(_ORDINALS)})\s+(?:lid|paragraph)\b\s*", rest)):
            parts.append(_ORDINALS[m.group(1)])
        elif (m := re.match(r"^\.([0-9]+|[a-z]{1,4})(?![\w])\s*", rest)):
            parts.append(m.group(1))
        elif (m := _FILLER.match(rest)) and m.end() > 0:
            pass
        else:
            return None
        rest = rest[m.end():]
    return tuple(parts)


def parse_reference(text: str) -> Reference | None:
    """The citation a text consists of, or None when it is not (only) a citation."""
    s = normalize(text).lower().replace("’", "'").strip(" ?!")
    s = re.sub(r"^(?:the\s+)?(?:text\s+of\s+)?", "", s)
    if not s or len(s) > 200:
        return None
    if (resolution := _resolution(s)) is not None:
        return resolution
    language, s = _take_language(s)
    treaty, s = _take_treaty(s)
    s = s.strip(" ,;:.")
    if (m := _NOTE.match(s)):
        return Reference("note", treaty, language, articles=tuple(re.findall(r"\d+", m.group(1))))
    if (m := _CHAPTER.match(s)):
        chapter = m.group(1)
        return Reference("chapter", treaty, language, chapter=chapter.upper() if not chapter.isdigit() else to_roman(int(chapter)))
    if (m := _PREAMBLE.match(s)):
        return Reference("preamble", treaty, language, path=(m.group(1),) if m.group(1) else ())
    m = _ARTICLE.match(s)
    if m is None and treaty is not None:
        m = re.match(r"^(\d+)\b", s)  # "UNCAC 2(a)": a bare number once a treaty is named
    if m is None:
        return None
    path = _path(s[m.end():].strip())
    if path is None:
        return None
    return Reference("article", treaty, language, article=m.group(1), path=path)


def _resolution(s: str) -> Reference | None:
    """A reference to a General Assembly resolution (the one that adopted a treaty), or None.
    Its path is ("title",), ("meeting",), ("preamble", N), ("preamble",), (N,) for operative paragraph N, or ()."""
    m = _RESOLUTION.match(s.strip(" ,;:."))
    if m is None:
        return None
    part = _RESOLUTION_PART.match(m.group(2).strip(" ,;:."))
    if part is None:
        return None
    title, meeting, preamble, preambular, operative = part.groups()
    path = (("title",) if title else ("meeting",) if meeting else ("preamble", *filter(None, [preambular])) if preamble
            else (operative,) if operative else ())
    return Reference("resolution", symbol=f"A/RES/{m.group(1)}", path=path)


# The words a citation is made of; a near-miss spelling of one ("Artcle", "Chaptre", "Budapset") is corrected.
_KEYWORDS = ("article", "articles", "artikel", "chapter", "hoofdstuk", "preamble", "paragraph", "interpretative",
             "note", "resolution", "protocol", "convention")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    # English names only: Dutch ones ("naties") would "correct" English words ("nation") in a misspelt citation.
    names = [a for e in load_catalog() for a in (e.id, e.short_title, *e.aliases)]
    words = {w for alias in names for w in re.findall(r"[a-z]{4,}", alias.lower())}
    return tuple(sorted(words | set(_KEYWORDS) | set(_ORDINALS)))


def near_miss(text: str) -> str | None:
    """The text with misspelt citation words corrected ("Artcle 5" → "article 5"), or None if nothing was close."""
    vocabulary = _vocabulary()
    changed = False

    def fix(m: re.Match) -> str:
        nonlocal changed
        word = m.group().lower()
        if word in vocabulary:
            return m.group()
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.8)
        if not close:
            return m.group()
        changed = True
        return close[0]

    fixed = re.sub(r"[A-Za-z]{4,}", fix, normalize(text))
    return fixed if changed else None
