"""Other forms of a question's word, for finding it in a text whose stems differ: its lemma, and the parts of a compound.

Snowball's Dutch stemmer leaves participles and strong verb forms apart from their verb ("uitgeleverd" stems to
"uitlever", "uitlevering" to "uitleveer"; "omgekocht" to "omkocht", "omkoping" to "omkoop"), and Dutch writes
compounds as one word ("corruptieonderzoek", "DDoS-aanval"). English needs neither for the not-addressed decision,
whose floors were chosen with plain stems, so both apply to Dutch only.

    >>> lemma_stems("uitgeleverd", "nl")
    ('uitleveer',)
    >>> compound_found("corruptieonderzoek", {"corruptie", "onderzoek"}, "nl")
    True
"""
from __future__ import annotations

import threading
from functools import lru_cache

from .text import stem_words

LEMMATIZED = frozenset({"nl"})  # languages whose words are also matched through their lemma
CLOSED_COMPOUNDS = frozenset({"nl"})  # languages that write compounds as one word
MIN_PART = 4  # shorter halves match too much by chance: "aan", "lid", "wet" are words of any treaty
_LINKS = ("s", "en", "e")  # linking sounds between a compound's halves: opsporing-s-bevoegdheid, boek-en-kast


@lru_cache(maxsize=4096)
def _lemma(word: str, language: str) -> str:
    import simplemma  # its dictionaries ship in the wheel and load on first use (~1 s and 46 MB for Dutch)

    return simplemma.lemmatize(word, lang=language)


def warm_up(languages: set[str]) -> threading.Thread:
    """Load the lemma dictionaries of these languages in the background (the first Dutch question otherwise waits)."""
    thread = threading.Thread(target=lambda: [_lemma("warm", lang) for lang in sorted(languages & LEMMATIZED)], daemon=True)
    thread.start()
    return thread


def lemma_stems(word: str, language: str) -> tuple[str, ...]:
    """The stem of a word's lemma when it differs from the word's own stem (empty outside `LEMMATIZED`)."""
    if language not in LEMMATIZED:
        return ()
    low = word.lower()
    own, lemma = stem_words([low, _lemma(low, language).lower()], language)
    return (lemma,) if lemma != own else ()


def _known(part: str, found: tuple[set[str], ...], language: str) -> bool:
    """Whether one part of a compound, or its lemma, is in one of the stem sets."""
    if not part:
        return False
    return any(s in stems for s in (stem_words([part], language)[0], *lemma_stems(part, language)) for stems in found)


def compound_found(word: str, stems: set[str], language: str, also: set[str] = frozenset()) -> bool:
    """Whether a compound's parts are all among the stems (or ``also``, a second set, kept apart to spare a union):
    each part of a hyphenated word, or both halves of some split of a closed one (its first half with or without a
    linking sound); False outside `CLOSED_COMPOUNDS`."""
    if language not in CLOSED_COMPOUNDS:
        return False
    found = (stems, also)
    low = word.lower()
    if "-" in low:
        parts = [p for p in low.split("-") if len(p) >= 2]
        return len(parts) > 1 and all(_known(p, found, language) or compound_found(p, stems, language, also)
                                      for p in parts)
    for at in range(MIN_PART, len(low) - MIN_PART + 1):
        head, tail = low[:at], low[at:]
        if not _known(tail, found, language):
            continue
        heads = [head] + [head[:-len(link)] for link in _LINKS if head.endswith(link) and len(head) - len(link) >= MIN_PART]
        if any(_known(h, found, language) for h in heads):
            return True
    return False
