"""The editorial list of topics the treaties do not cover, and its part in the abstention signal across languages."""
from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import replace

import pytest

from assistant.guide import GUIDE_DIR
from assistant.uncovered import TOPICS_FILE, load_topics

UN = "un-cybercrime-2024"
BUDAPEST = "coe-budapest-2001"
TREATIES = {UN, BUDAPEST, "coe-budapest-protocol-2003", "un-corruption-2003"}
# Every language the guide serves, and English.
LANGUAGES = {"en"} | {p.name for p in GUIDE_DIR.iterdir() if p.is_dir()}


def test_the_list_is_editorial_checked_and_in_every_served_language():
    data = json.loads(TOPICS_FILE.read_text(encoding="utf-8"))
    assert "Editorial" in data["_comment"] and "Not treaty text" in data["_comment"]
    topics = load_topics().topics
    assert len(topics) >= 40 and len({t.id for t in topics}) == len(topics)
    treaty_words = re.compile(r"(?i)convention|treaty|verdrag|abkommen|übereinkommen|traité|tratado|convención|"
                              r"конвенц|公约|条约|الاتفاقية|المعاهدة")  # not "договор": also a contract
    for row, topic in zip(data["topics"], topics):
        assert set(topic.descriptions) == LANGUAGES, topic.id
        assert UN in topic.not_in and topic.not_in <= TREATIES, topic.id
        assert len(row["checked"]) > 40, topic.id  # what was searched for in the texts, and where
        for language, text in topic.descriptions.items():
            # A description names a subject; it never speaks of a treaty (that would match every question).
            assert text.strip() and not treaty_words.search(text), (topic.id, language)


def test_a_question_is_matched_with_topics_by_words_in_its_own_language():
    topics = load_topics()
    scores = topics.word_scores("Mag ik een online bestelling terugsturen en mijn geld terugkrijgen?", (UN,), "nl")
    assert max(scores, key=scores.get) == "consumer-returns"
    scores = topics.word_scores("Dürfen Polizei und Geschäfte Kameras mit Gesichtserkennung einsetzen?", (UN,), "de")
    assert max(scores, key=scores.get) == "facial-recognition"
    # A topic counts only when none of the searched treaties addresses it: Budapest's Art. 10 covers copyright.
    piracy = "Ist es strafbar, Filme und Musik herunterzuladen, ohne dafür zu bezahlen, gegen das Urheberrecht?"
    assert "copyright-piracy" in topics.word_scores(piracy, (UN,), "de")
    assert "copyright-piracy" not in topics.word_scores(piracy, (UN, BUDAPEST), "de")
    assert topics.word_scores(piracy, (UN,), "it") == {}  # no descriptions in Italian
    assert topics.best("", (UN,), "de") == 0.0


def test_uncovered_topic_words_lower_the_signal_only_where_they_outweigh_the_guide(qa):
    field, topics = qa.retriever.guide, qa.retriever.uncovered
    treaties = qa.default_scope("en").treaties
    clone = copy.copy(qa)
    clone.retriever = copy.copy(qa.retriever)
    clone.retriever.settings = replace(qa.retriever.settings, uncovered_words=0.0)
    weight = qa.retriever.settings.uncovered_words
    assert weight == 0.15

    def gap(question: str, language: str) -> float:  # the guide's side counts the first treaty's entries only
        guide = math.log1p(max(field.word_scores(question, treaties[:1], language).values(), default=0.0))
        topic = math.log1p(topics.best(question, treaties, language, field.common_words(language, treaties[:1])))
        return topic - guide

    returns = "Mag ik een online bestelling terugsturen en mijn geld terugkrijgen?"
    extradition = "Mag een land weigeren zijn eigen onderdanen uit te leveren?"
    assert gap(returns, "nl") > 0.5 and gap(extradition, "nl") < 0
    lost = clone.signal(returns, "nl", "en") - qa.signal(returns, "nl", "en")
    assert lost == pytest.approx(weight * gap(returns, "nl"), abs=1e-9)
    assert qa.signal(extradition, "nl", "en") == clone.signal(extradition, "nl", "en")
    # A question in the texts' language is untouched.
    english = "Can I send back an online order and get my money back?"
    assert qa.signal(english, "en", "en") == clone.signal(english, "en", "en")


def test_an_in_field_question_the_treaty_does_not_address_is_abstained_on(qa):
    """Asked in Dutch over the English text: without the topics' words its signal would pass the floor."""
    question = "Mag ik een online bestelling terugsturen en mijn geld terugkrijgen?"
    floor = qa.threshold("en", "nl")
    clone = copy.copy(qa)
    clone.retriever = copy.copy(qa.retriever)
    clone.retriever.settings = replace(qa.retriever.settings, uncovered_words=0.0)
    assert clone.signal(question, "nl", "en") > floor > qa.signal(question, "nl", "en")
    answer = qa.ask(question, treaties=[UN])
    assert answer.abstained and answer.question_language.code == "nl"
    # Answerable questions near it are still answered, from the right article.
    for asked, article in (("Mag een land weigeren zijn eigen onderdanen uit te leveren?", "37"),
                           ("Ist der Besitz von Darstellungen sexuellen Kindesmissbrauchs strafbar?", "14")):
        answer = qa.ask(asked, treaties=[UN])
        assert not answer.abstained and answer.citations[0].article == article, asked
