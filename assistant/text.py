"""Text helpers shared by lexical search and answer assembly: tokens, sentences, markers."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
import stop_words

_WORD = re.compile(r"[^\W_]+")
# Printed provision markers at the start of a block: "1.", "(a)", "a)", "a.", "(i)", "i.", "-".
_MARKER = re.compile(r"^(?:\d+\.|\((?:\d+|[a-z]{1,2}|[ivxlc]+)\)|[a-z]\)|[ivxlc]+\)|[a-z]\.|[ivxlc]+\.|[-–—])\s+")
_ABBREVIATIONS = {"art", "arts", "no", "nos", "para", "paras", "e.g", "i.e", "etc", "cf", "vol", "p", "pp", "nr", "jo", "bijv", "o.a"}

STOPWORDS = {
    "en": set("""a about above after again all also am an and any are as at be because been before being
        below between both but by can could did do does doing down during each few for from further had has
        have having he her here hers him his how i if in into is it its itself just me more most my no nor not
        now of off on once only or other our out over own same she should so some such than that the their them
        then there these they this those through to too under until up very was we were what when where which
        while who whom why will with would you your yours shall may must""".split()),
    "nl": set("""de het een en van in op te dat die is voor met aan als om door bij of uit tot over naar er
        zijn wordt worden kan kunnen moet moeten dan ook nog niet geen wat wie waar hoe welke dit deze
        zij hij ze je u ik we wij hun haar zich mag mogen wel heeft hebben had was waren""".split()),
}
_STEMMER_NAMES = {"en": "english", "nl": "dutch", "fr": "french", "es": "spanish", "ru": "russian", "de": "german",
                  "ar": "arabic", "it": "italian", "pt": "portuguese"}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_ARABIC_MARKS = re.compile(r"[\u0640\u064b-\u065f\u0670]")  # short vowels and tatweel: optional in writing, they split words


@lru_cache(maxsize=8)
def _stemmer(language: str):
    return Stemmer.Stemmer(_STEMMER_NAMES.get(language, "english"))


def stem_words(words: list[str], language: str = "en") -> list[str]:
    """Stems of already lower-cased words (stopwords kept)."""
    return _stemmer(language).stemWords(words)


def normalize(text: str) -> str:
    """NFKC, control characters turned into spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())


def unpaired_surrogate(text: str) -> int | None:
    """Position of the first lone UTF-16 surrogate (no Unicode text holds one; JSON "\\ud800" and undecodable
    command-line bytes produce them), or None."""
    return next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), None)


@lru_cache(maxsize=16)
def stopwords(language: str) -> frozenset[str]:
    """A language's stopwords: our own lists for the texts' languages (English, Dutch), the `stop-words`
    package's for the other languages questions are asked in, English when neither has the language."""
    if language in STOPWORDS:
        return frozenset(STOPWORDS[language])
    try:
        return frozenset(w.lower() for w in stop_words.get_stop_words(language))
    except stop_words.StopWordError:
        return frozenset(STOPWORDS["en"])


def tokens(text: str, language: str = "en") -> list[str]:
    """Lower-cased, stemmed content words (stopwords dropped) for lexical matching."""
    stop = stopwords(language)
    words = [w for w in _WORD.findall(text.lower()) if w not in stop]
    return _stemmer(language).stemWords(words)


def word_units(text: str, language: str = "en") -> list[str]:
    """Lexical units of a text in any served language: `tokens`, and for Chinese, which is written without
    spaces, the character pairs of each run of Han characters (single characters for a run of one).

        >>> word_units("黑客攻击", "zh")
        ['黑客', '客攻', '攻击']
    """
    if language == "ar":
        return tokens(_ARABIC_MARKS.sub("", text), language)
    if language != "zh":
        return tokens(text, language)
    out: list[str] = []
    for run in _HAN.findall(text):
        out += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
    return out + tokens(_HAN.sub(" ", text), "en")


def strip_marker(block: str) -> str:
    """A block's text without its printed marker ("1.", "(a)", "a)", "(i)")."""
    rest = _MARKER.sub("", block, count=1)
    if re.match(r"^\d+\.\s+(?:\(a\)|a\)|a\.)\s", block):  # "12. (a) ...": paragraph number on its first point's line
        rest = _MARKER.sub("", rest, count=1)
    return rest


def sentences(text: str) -> list[str]:
    """Split verbatim text into sentences at ". ", "? ", "! " before a capital, keeping every character."""
    out, start = [], 0
    for m in re.finditer(r"[.?!][”\"’)]?\s+(?=[A-Z“\"(])", text):
        before = text[start:m.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        if m.group().startswith(".") and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
