"""Which language a question is asked in, and which text language it is searched in.

Identification is lingua's (models in the wheel), restricted to the languages served here: with
every language loaded it takes seconds to load and calls Dutch questions Afrikaans. What is not
prose is taken out first (article numbers, citations, treaty names, acronyms such as DDoS or
UNCAC), because those read as any language; a short or uncertain result falls back to the
language the user selected.

    >>> identify("Un pays peut-il refuser d'extrader ses propres ressortissants ?", fallback="en").code
    'fr'
    >>> identify("Art. 37(11)", fallback="en").detected
    False
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from .conversation import without_treaty_names

# The six UN languages and the two of the companion treaties' Dutch and German readers: every one has
# calibration and eval questions. Italian and Portuguese are recognised so that they are named
# correctly instead of being called Spanish or French; they have no floor of their own.
NAMES = {"en": "English", "fr": "French", "es": "Spanish", "ru": "Russian", "zh": "Chinese", "ar": "Arabic",
         "de": "German", "nl": "Dutch", "it": "Italian", "pt": "Portuguese"}
SERVED = ("en", "fr", "es", "ru", "zh", "ar", "de", "nl")
MIN_CONFIDENCE = 0.5  # lingua's relative confidence under which the selected language is kept
MIN_LETTERS = 8  # letters of prose (citations, names and acronyms out) needed to judge at all

_CITATION = re.compile(r"\b(?:art(?:icles?|ikel(?:en)?|ículos?|icolo|igo)?s?\.?\s*)?\d+(?:\s*\(\s*\w{1,4}\s*\))*", re.I)
_ACRONYM = re.compile(r"\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b")  # two capitals or more: DDoS, VPN, UNCAC, ETS
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class QuestionLanguage:
    """The language a question was read as: its code, how sure lingua was, and whether it was detected
    (False: too short or too uncertain, so the selected language was kept)."""

    code: str
    confidence: float
    detected: bool

    @property
    def name(self) -> str:
        """The language's English name ("French")."""
        return name(self.code)

    def to_dict(self) -> dict:
        """The CLI/API JSON shape."""
        return {"code": self.code, "name": self.name, "confidence": round(self.confidence, 3), "detected": self.detected}


def name(code: str) -> str:
    """A language code's English name, or the code itself when unknown."""
    return NAMES.get(code, code)


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in NAMES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def warm_up() -> threading.Thread:
    """Load the language models in the background (the first identification otherwise waits ~1.5 s)."""
    thread = threading.Thread(target=lambda: _detector().compute_language_confidence_values("warm up"), daemon=True)
    thread.start()
    return thread


def prose(question: str) -> str:
    """The part of a question that tells its language: without citations, treaty names and acronyms."""
    text = without_treaty_names(question)
    text = _CITATION.sub(" ", text)
    return " ".join(_ACRONYM.sub(" ", text).split())


def identify(question: str, fallback: str = "en") -> QuestionLanguage:
    """The question's language among those served, or ``fallback`` when there is too little to judge."""
    text = prose(question)
    if len(_LETTER.findall(text)) < MIN_LETTERS:
        return QuestionLanguage(fallback, 0.0, False)
    values = _detector().compute_language_confidence_values(text)
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    if best.value < MIN_CONFIDENCE:
        return QuestionLanguage(fallback, float(best.value), False)
    return QuestionLanguage(code, float(best.value), True)


_NON_LATIN = {"ru", "zh", "ar"}
_LATIN_TERM = re.compile(r"\b[A-Za-z][A-Za-z-]{2,}\b")


def shared_terms(question: str, asked: str, text_language: str) -> str:
    """What lexical search may use of a question asked in another language than the texts: the terms both
    share, acronyms ("DDoS", "VPN") and, inside a question in another script, the Latin-script terms
    ("ransomware"). Empty when question and texts share no term; the question itself when they share the language."""
    if asked == text_language:
        return question
    terms = _ACRONYM.findall(question)
    if asked in _NON_LATIN:
        terms += _LATIN_TERM.findall(question)
    return " ".join(dict.fromkeys(terms))


def text_language(asked: QuestionLanguage, selected: str, primary_languages: set[str] | list[str]) -> str:
    """The language of the texts to search: the question's, when it was detected and the first treaty of the
    selection has a text in it; otherwise the selected one."""
    if asked.detected and asked.code != selected and asked.code in primary_languages:
        return asked.code
    return selected


def notice(asked: QuestionLanguage, searched: str, selected: str) -> str | None:
    """The line that says what happened when the question's language is not the selected one, else None."""
    if not asked.detected or (asked.code == searched == selected):
        return None
    if asked.code == searched:
        return (f"Asked in {asked.name}; the {asked.name} text was searched instead of the {name(selected)} one; "
                f"quotations are in {asked.name}.")
    return (f"Asked in {asked.name}; the searched text is {name(searched)}; quotations are in {name(searched)}.")
