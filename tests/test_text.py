"""Text helpers: lexical units in every language questions are asked in, and their stopwords."""
from __future__ import annotations

from assistant.text import stopwords, tokens, word_units


def test_chinese_is_cut_into_character_pairs():
    assert word_units("黑客攻击", "zh") == ["黑客", "客攻", "攻击"]
    assert word_units("罪", "zh") == ["罪"]  # a run of one character stays whole
    assert word_units("勒索软件 ransomware", "zh") == ["勒索", "索软", "软件", "ransomwar"]  # Latin words as English


def test_arabic_short_vowels_do_not_split_words():
    # "يُعاقَب" (is punished) written with and without its optional vowel marks gives one and the same unit.
    assert word_units("هل يُعاقَب", "ar") == word_units("هل يعاقب", "ar")
    assert "يعاقب" in word_units("هل يُعاقَب", "ar")


def test_other_languages_are_stemmed_without_their_stopwords():
    assert word_units("Можно ли конфисковать криптовалюту?", "ru") == ["конфискова", "криптовалют"]
    assert word_units("Wann tritt das Übereinkommen in Kraft?", "de") == ["tritt", "ubereinkomm", "kraft"]
    assert word_units("¿Qué protección tienen los testigos?", "es") == ["proteccion", "testig"]


def test_english_and_dutch_keep_their_own_stopword_lists():
    assert "shall" in stopwords("en") and "worden" in stopwords("nl")
    assert tokens("Can a country refuse extradition?") == ["countri", "refus", "extradit"]
    assert stopwords("xx") == stopwords("en")  # a language with no list falls back to English
