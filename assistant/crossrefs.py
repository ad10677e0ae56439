"""Cross-references in treaty text ("articles 7 to 10 of this Convention", "artikelen 14 en 15")
turned into links (treaty, article) that exist in the loaded corpus.

    >>> references_in("… under articles 7 to 10 of this Convention …", "en")
    [(None, '7'), (None, '8'), (None, '9'), (None, '10')]
"""
from __future__ import annotations

import re

from index.corpus import Corpus
from index.model import Citation
from index.pinpoint import article_citation

_EN = re.compile(r"\b[Aa]rticles?\s+(?P<list>\d+(?:(?:\s*,\s*|\s+)(?:and|or|to|through|paragraphs?|subparagraphs?|\d+|\(?[a-z]{1,4}\)|,)+)*)")
_NL = re.compile(r"\b[Aa]rtikel(?:en)?\s+(?P<list>\d+(?:(?:\s*,\s*|\s+)(?:en|of|tot en met|[a-z]+\s+leden|[a-z]+\s+lid|lid|onder|onderdeel|\d+|\(?[a-z]{1,4}\)|,)+)*)")
_RANGE = {"en": r"(\d+)\s+(?:to|through)\s+(\d+)", "nl": r"(\d+)\s+tot en met\s+(\d+)"}
_PARA_WORD = {"en": r"(?:sub)?paragraphs?\s+$", "nl": r"(?:lid|leden)\s+$"}
_SAME = {"en": r"^,?\s*of\s+(?:this|the present)\s+(?:Convention|Protocol)", "nl": r"^,?\s*van\s+(?:dit|deze)\s+(?:Verdrag|Protocol)"}
_PARENT = {"en": r"^,?\s*of\s+the\s+Convention\b", "nl": r"^,?\s*van\s+het\s+Verdrag\b"}
_OTHER = {"en": r"^,?\s*of\s+(?:the|that)\s+\S", "nl": r"^,?\s*van\s+(?:het|de)\s+\S"}
MAX_RANGE = 30


def _numbers(span: str, language: str) -> list[str]:
    out: list[str] = []
    for lo, hi in re.findall(_RANGE.get(language, _RANGE["en"]), span):
        if 0 < int(hi) - int(lo) <= MAX_RANGE:
            out += [str(n) for n in range(int(lo), int(hi) + 1)]
    para = _PARA_WORD.get(language, _PARA_WORD["en"])
    for m in re.finditer(r"\d+", span):
        if not re.search(para, span[:m.start()]):  # "paragraph 1" is not an article
            out.append(m.group())
    return list(dict.fromkeys(out))


def references_in(text: str, language: str) -> list[tuple[str | None, str]]:
    """(which treaty, article) pairs named in text: None = this treaty, "parent" = the parent convention."""
    pattern = _NL if language == "nl" else _EN
    lang = "nl" if language == "nl" else "en"
    out: list[tuple[str | None, str]] = []
    for m in pattern.finditer(text):
        after = text[m.end():m.end() + 60]
        if re.match(_SAME[lang], after):
            which = None
        elif re.match(_PARENT[lang], after):
            which = "parent"
        elif re.match(_OTHER[lang], after):
            continue  # an article of another instrument
        else:
            which = None
        out += [(which, n) for n in _numbers(m.group("list"), lang)]
    return list(dict.fromkeys(out))


def linked_articles(corpus: Corpus, treaty_id: str, parent_id: str | None, language: str, text: str,
                    own: list[str]) -> list[Citation]:
    """Citations of the articles a text refers to that exist in the corpus, leaving out its own articles."""
    out = []
    for which, number in references_in(text, language):
        tid = parent_id if which == "parent" else treaty_id
        target = corpus.get(tid, language) if tid else None
        article = target.article(number) if target else None
        if article is not None and not (tid == treaty_id and number in own):
            out.append(article_citation(target, article))
    return out
