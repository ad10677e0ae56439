"""What the searched texts do not say: the question's terms that no quoted provision contains, and
whether the question's key concept is in the texts at all.

Two decisions, both about words, never about meaning alone:

- `not_found_terms`: the question's distinctive terms that none of the cited provisions contains,
  the way search engines show "Missing: …". A term counts as found when a cited provision has it,
  when the glossary maps it to treaty words a cited provision has ("withdraw" → "denounce"), or
  when the guide lists it among a cited article's everyday terms ("ransomware"); in Dutch also when a
  provision has its lemma ("uitgeleverd" -> "uitleveren") or every part of it as a compound
  ("corruptieonderzoek"), see `wordforms`.
- `Silence.judge`: a question is *not addressed* when some of its key terms occur nowhere in the
  searched treaties (not in the text, not among the guide's everyday terms, not through the
  glossary) and the closest passage is not close in meaning either. Both floors are chosen on the
  answer eval's dev split (eval/answers); an off-topic question is still left to abstention.

    >>> silence = Silence(guide, vocabulary)
    >>> silence.judge("Does the convention make fake news a crime?", scope, best_cosine=0.80).not_addressed
    True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import stop_words

from .conversation import without_treaty_names
from .glossary import matches
from .guide import Guide
from .text import STOPWORDS, stem_words
from .wordforms import compound_found, lemma_stems

# Words that ask about the treaty or the form of the answer rather than name a subject: a question
# is not "missing" them when no provision repeats them.
_GENERIC = set("""treaty treaties convention conventions protocol protocols text texts article articles provision
    provisions paragraph chapter law laws legal legally country countries state states party parties
    government governments signatory signatories member members international domestic world global un
    crime crimes criminal criminalise criminalize criminalised criminalized criminalises criminalizes offence offences
    offense offenses illegal unlawful lawful legal punish punished punishable punishment penalty penalties prosecute
    prosecuted prosecution ban banned bans prohibit prohibited forbid forbidden allow allowed allows permit permitted
    require required requires requirement need needs must make makes made mean means meaning define defined definition
    say says said cover covers covered covering deal deals address addresses addressed mention mentions mentioned
    regulate regulates regulated rule rules include includes included apply applies applied count counts counted
    happen happens happened get gets got give gives do does did done can could would should will shall may might
    also still even just really actually anything something everything nothing thing things way ways kind kinds type
    types case cases example anyone someone everyone people person persons one ones use used using new old first
    other others another same whole part parts yes no not non right rights under within whether there here
    allowed ok okay work works happen exactly specifically generally like
    ask asks asked asking want wants wanted tell tells told explain explains run runs running ran staff decide decides
    decided back many much show shows let lets create creates support supports guarantee guarantees fast quickly slow
    keep keeps kept send sends sent pass passes passed fall falls different difference try tries tried can't won't
    isn't aren't doesn't don't didn't reveal take takes taking took put puts go goes going went come comes turn
    big small large high low far near help helps helped stop stops stopped start starts started end ends need needed
    set sets find finds found know knows known think thinks look looks see sees seen become becomes became""".split())
# The same for Dutch, with the function words the texts' stopword list (kept short for retrieval) leaves in:
# without them "Zegt het corruptieverdrag iets over giften?" was "not addressed" because no provision says "zegt" or "iets".
_GENERIC_NL = set("""verdrag verdragen protocol protocollen aanvullend tekst teksten artikel artikelen bepaling bepalingen
    lid leden hoofdstuk wet wetten wetgeving juridisch juridische land landen staat staten partij partijen overheid
    overheden regering lidstaat lidstaten internationaal internationale nationaal nationale wereld vn boedapest
    misdrijf misdrijven strafbaar strafbare strafbaarstelling straf straffen bestraffen bestraft vervolgen vervolgd
    vervolging verbod verboden verbieden toegestaan toestaan verplicht verplichten verplichting eisen eist vereist nodig
    maken maakt gemaakt betekent betekenen betekenis definitie definieert gedefinieerd zeggen zegt zei gezegd regelen
    regelt geregeld behandelen behandelt noemen noemt vermelden vermeldt vallen valt gelden geldt toepassen toepassing
    iets niets alles iemand niemand iedereen ding dingen manier manieren geval gevallen voorbeeld soort soorten mensen
    persoon personen nieuw nieuwe oud oude eerst eerste ander andere anderen zelfde hetzelfde geheel deel delen ja nee
    recht rechten krachtens binnen echt eigenlijk precies specifiek algemeen zoals vragen vraagt vraag willen wilt wil
    uitleggen hoeveel wanneer waarom welk lang lange kort groot grote klein hoog laag snel langzaam gaan gaat ging
    kunt kon konden zou zouden zal zullen zult moest moesten mocht mochten heb hebt gehad werd werden geworden laten laat
    liet doen doet deed gedaan krijgen krijgt kreeg komen komt kwam houden geven geeft gegeven staan stond voordat nadat
    daarover daarmee daarvoor hierover waarover zichzelf direct extra mis achter tijdens volgens elk elke ieder iedere""".split())
_GENERIC_BY_LANGUAGE = {"en": _GENERIC, "nl": _GENERIC | _GENERIC_NL}
_WORD = re.compile(r"[^\W\d_][\w'-]*")


@dataclass(frozen=True)
class Term:
    """One distinctive word of a question: as typed, and its stem for matching."""

    word: str
    stem: str
    forms: tuple[str, ...] = ()  # stems of its other forms (its lemma, in Dutch): `wordforms`


def distinctive_terms(question: str, language: str = "en") -> list[Term]:
    """The question's words that name what it is about (no stopwords, question words, treaty names or generic words)."""
    question = without_treaty_names(question)
    stop = _stop_words(language)
    out, seen = [], set()
    words = [w.strip("'-") for w in _WORD.findall(question)]
    for word, stem in zip(words, stem_words([w.lower() for w in words], language)):
        low = word.lower()
        if len(low) < 2 or low in stop or stem in seen or stem in _GENERIC_STEMS.get(language, set()):
            continue
        seen.add(stem)
        out.append(Term(word, stem, lemma_stems(word, language)))
    return out


@lru_cache(maxsize=8)
def _stop_words(language: str) -> frozenset[str]:
    """Words that never name a subject: stopwords and the generic words, in Dutch also the `stop-words` list."""
    words = STOPWORDS.get(language, STOPWORDS["en"]) | _GENERIC_BY_LANGUAGE.get(language, _GENERIC)
    return frozenset(words | set(stop_words.get_stop_words("dutch")) if language == "nl" else words)


def stems(text: str, language: str) -> set[str]:
    """Stems of every word of a text (stopwords included: a question word may be one)."""
    words = [w.lower().strip("'-") for w in _WORD.findall(text)]
    return set(stem_words(words, language))


_GENERIC_STEMS = {lang: set(stem_words(sorted(words), lang)) for lang, words in _GENERIC_BY_LANGUAGE.items()}


def generic_stems(language: str) -> set[str]:
    """Stems of the words that ask about the treaty or the answer's form rather than name a subject."""
    return _GENERIC_STEMS.get(language, _GENERIC_STEMS["en"])


def _glossarystems(question: str, language: str) -> list[tuple[set[str], set[str]]]:
    """For each glossary entry the question uses: (stems of the question words it covers, stems of the treaty words)."""
    return [(stems(typed, language), stems(treaty_words, language)) for typed, treaty_words in matches(question, language)]


def found_in(term: Term, stems: set[str], glossary: list[tuple[set[str], set[str]]], guide_stems: set[str],
             language: str = "en") -> bool:
    """Whether a term is found in a text's stems (as itself, another of its forms or, in Dutch, a compound of
    words found there), through the glossary, or among guide terms."""
    if term.stem in stems or term.stem in guide_stems or any(f in stems for f in term.forms):
        return True
    if any(term.stem in lay and (treaty & stems) for lay, treaty in glossary):
        return True
    return compound_found(term.word, stems, language, guide_stems)


def not_found_terms(question: str, language: str, cited: list[tuple[str, str | None, str]], guide: Guide) -> list[str]:
    """The question's distinctive words that none of the cited provisions contains (as typed, in order).

    ``cited`` is (treaty, article, text) of every cited provision."""
    terms = distinctive_terms(question, language)
    if not terms or not cited:
        return []
    found: set[str] = set()
    guide_stems: set[str] = set()
    for treaty, article, text in cited:
        found |= stems(text, language)
        entry = guide.entry(treaty, article)
        if entry is not None:
            guide_stems |= stems(" ".join(entry.terms), "en")
    glossary = _glossarystems(question, language)
    return [t.word for t in terms if not found_in(t, found, glossary, guide_stems, language)]


@dataclass
class Judgement:
    """Whether the searched texts address a question's key concept, and the evidence."""

    not_addressed: bool
    unmatched: list[str] = field(default_factory=list)  # key terms found nowhere in the searched treaties
    share: float = 0.0  # share of the question's distinctive terms that are unmatched
    best_cosine: float = 0.0


class Silence:
    """Decides "the searched texts do not appear to address this" for in-domain questions.

    ``vocabulary`` maps (treaty, language) to the stems of that text; the guide's terms count as
    the treaty's words (stemmed in English, the guide's language)."""

    def __init__(self, guide: Guide, vocabulary: dict[tuple[str, str], set[str]], min_share: float = 0.5,
                 max_cosine: float = 1.0, max_guide: float = 1.0, most: tuple[float, float, float] = (1.1, 0.0, 0.0),
                 by_language: dict[str, tuple[float, float, float]] | None = None):
        self.guide = guide
        self.vocabulary = vocabulary
        self.min_share = min_share
        self.max_cosine = max_cosine
        self.max_guide = max_guide
        # A second, looser pair of floors for a question most of whose key words are absent:
        # (share at least, best cosine under, best guide cosine under).
        self.most = most
        # A language's own (share, cosine, guide) floors, in place of both pairs: Dutch questions over the Dutch
        # texts have no everyday terms or glossary of their own, so more of their lay words are absent.
        self.by_language = by_language or {}
        self._guide_stems: dict[str, set[str]] = {}
        for entry in guide.entries.values():
            self._guide_stems.setdefault(entry.treaty, set()).update(stems(" ".join(entry.terms), "en"))

    def unmatched(self, question: str, treaties, language: str) -> tuple[list[Term], list[Term]]:
        """(distinctive terms, those found nowhere in these treaties: text, guide terms or glossary)."""
        terms = distinctive_terms(question, language)
        stems: set[str] = set()
        guide_stems: set[str] = set()
        for tid in treaties:
            stems |= self.vocabulary.get((tid, language), set())
            guide_stems |= self._guide_stems.get(tid, set())
        glossary = _glossarystems(question, language)
        return terms, [t for t in terms if not found_in(t, stems, glossary, guide_stems, language)]

    def judge(self, question: str, treaties, language: str, best_cosine: float, best_guide: float = 0.0) -> Judgement:
        """Not addressed when enough key terms are absent from the texts and neither the best passage nor the
        best article's guide entry is close in meaning."""
        terms, missing = self.unmatched(question, treaties, language)
        share = len(missing) / len(terms) if terms else 0.0
        if language in self.by_language:
            floors = [self.by_language[language]]
        else:
            floors = [(self.min_share, self.max_cosine, self.max_guide), self.most]
        decided = bool(missing) and any(share >= least and best_cosine < cosine and best_guide < guide
                                        for least, cosine, guide in floors)
        return Judgement(decided, [t.word for t in missing], share, best_cosine)
