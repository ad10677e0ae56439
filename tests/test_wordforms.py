"""Other forms of a word: Dutch lemmas and compounds, for finding a question's word in a treaty's stems."""
from __future__ import annotations

from assistant.text import stem_words
from assistant.wordforms import compound_found, lemma_stems


def _stems(*words: str) -> set[str]:
    return set(stem_words(list(words), "nl"))


def test_a_dutch_participle_reaches_its_verb_through_the_lemma():
    # Snowball stems the participle and the verb differently; the lemma ("uitleveren") bridges them.
    assert stem_words(["uitgeleverd"], "nl") != stem_words(["uitlevering"], "nl")
    assert lemma_stems("uitgeleverd", "nl") == tuple(stem_words(["uitlevering"], "nl"))
    assert lemma_stems("omgekocht", "nl") == tuple(stem_words(["omkoping"], "nl"))
    assert lemma_stems("corruptie", "nl") == ()  # a word that is its own lemma adds nothing
    assert lemma_stems("extradited", "en") == ()  # English keeps its plain stems


def test_a_dutch_compound_is_found_when_its_parts_are():
    text = _stems("corruptie", "onderzoek", "opsporing", "bevoegdheden", "aanval")
    assert compound_found("corruptieonderzoek", text, "nl")
    assert compound_found("opsporingsbevoegdheden", text, "nl")  # with the linking "s"
    assert compound_found("Corruptie-aanval", text, "nl")  # hyphenated: every part
    assert not compound_found("sollicitatieonderzoek", text, "nl")  # one part missing
    assert not compound_found("wetaanval", text | _stems("wet"), "nl")  # halves shorter than MIN_PART never count
    assert compound_found("Corruptie-aanval", _stems("corruptie"), "nl", also=_stems("aanval"))  # parts from two sets
    assert not compound_found("corruptieonderzoek", text, "en")  # English writes compounds apart
