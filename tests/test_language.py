"""Questions in other languages: identification, the text searched, the notice, and a later language version."""
from __future__ import annotations

import copy
import json
import math
from dataclasses import replace

import pytest

from assistant.language import QuestionLanguage, identify, notice, prose, shared_terms, text_language
from index.catalog import un_pdf_headings
from index.corpus import load_corpus, register_file

UN = "un-cybercrime-2024"


@pytest.mark.parametrize("question, code", [
    ("Un pays peut-il refuser d'extrader ses propres ressortissants ?", "fr"),
    ("¿Puede un Estado negarse a extraditar a sus propios nacionales?", "es"),
    ("Может ли государство отказать в выдаче собственных граждан?", "ru"),
    ("一个国家可以拒绝引渡本国国民吗？", "zh"),
    ("هل يجوز للدولة رفض تسليم مواطنيها؟", "ar"),
    ("Darf die Polizei Daten bei einem Provider beschlagnahmen?", "de"),
    ("Kan een land weigeren eigen onderdanen uit te leveren?", "nl"),  # not Afrikaans: the languages are restricted
    ("Can a country refuse to extradite its own nationals?", "en"),
    # Treaty names, acronyms and Latin-script terms inside the question do not flip it.
    ("Que dit la Convention de Budapest sur le piratage informatique ?", "fr"),
    ("What does UNCAC say about bribery of foreign officials?", "en"),
    ("هل تجرّم الاتفاقية هجمات DDoS و ransomware؟", "ar"),
    ("Что говорит UNCAC о возврате активов?", "ru"),
])
def test_identifies_the_question_language(question, code):
    found = identify(question, fallback="en")
    assert (found.code, found.detected) == (code, True), found


@pytest.mark.parametrize("question", ["Art. 37(11)", "UNCAC Art. 5", "Budapest Convention Art 2", "DDoS", "ransomware?"])
def test_too_little_prose_keeps_the_selected_language(question):
    found = identify(question, fallback="nl")
    assert found.code == "nl" and not found.detected


def test_prose_drops_citations_names_and_acronyms():
    assert prose("Que dit l'article 37(11) de la Convention de Budapest sur le DDoS ?") == "Que dit l' de la Convention de sur le ?"
    assert prose("artikel 37 lid 2 hoe zit het met DDoS") == "lid hoe zit het met"


def test_shared_terms_are_what_lexical_search_may_use():
    assert shared_terms("Is ransomware a crime?", "en", "en") == "Is ransomware a crime?"
    assert shared_terms("Le DDoS est-il un crime ?", "fr", "en") == "DDoS"
    assert shared_terms("هل برامج ransomware جريمة؟", "ar", "en") == "ransomware"
    assert shared_terms("Le piratage est-il un crime ?", "fr", "en") == ""


def test_text_language_and_notice():
    fr, unsure = QuestionLanguage("fr", 0.97, True), QuestionLanguage("en", 0.2, False)
    assert text_language(fr, "en", ["en"]) == "en" and text_language(fr, "en", ["en", "fr"]) == "fr"
    assert text_language(unsure, "nl", ["en", "nl"]) == "nl"
    assert notice(fr, "en", "en") == "Asked in French; the searched text is English; quotations are in English."
    assert notice(fr, "fr", "en") == ("Asked in French; the French text was searched instead of the English one; "
                                      "quotations are in French.")
    assert notice(unsure, "en", "en") is None and notice(QuestionLanguage("en", 0.9, True), "en", "en") is None


def test_french_question_is_answered_from_the_english_text(qa):
    answer = qa.ask("Un pays peut-il refuser d'extrader ses propres ressortissants ?", treaties=[UN])
    assert not answer.abstained and answer.scope.language == "en"
    assert answer.notices[0] == "Asked in French; the searched text is English; quotations are in English."
    assert "37" in {p.chunk.article for p in answer.passages[:5]}
    assert all(c.id.startswith(f"{UN}/en/") for c in answer.citations)
    # The quotations are the English treaty text, verbatim.
    treaty = qa.corpus.get(UN, "en")
    assert all(" ".join(text.split()) in " ".join(treaty.article(c.article).full_text().split())
               for text, c in answer.quotes if c.article and c.note is None and c.article.isdigit())
    data = json.loads(json.dumps(answer.to_dict()))
    assert data["question_language"] == {"code": "fr", "name": "French", "confidence": data["question_language"]["confidence"],
                                         "detected": True}
    assert data["not_found_terms"] == [] and data["not_addressed"] is False  # word checks need the texts' language


def test_english_question_is_unchanged(qa):
    answer = qa.ask("Can a country refuse to extradite its own nationals?", treaties=[UN])
    assert not any(n.startswith("Asked in") for n in answer.notices)
    assert answer.to_dict()["question_language"]["code"] == "en" and answer.scope.language == "en"


def test_dutch_question_searches_the_dutch_text_when_there_is_one(qa):
    answer = qa.ask("Wat moet een staat strafbaar stellen bij onrechtmatige toegang tot een computersysteem?",
                    treaties=["coe-budapest-2001"])
    assert answer.scope.language == "nl" and answer.scope.treaties == ("coe-budapest-2001",)
    assert answer.notices[0].startswith("Asked in Dutch; the Dutch text was searched instead of the English one")
    assert all(c.language == "nl" for c in answer.citations)
    # The UN Convention has no Dutch text here: a Dutch question about it is searched in English.
    un = qa.ask("Mag een land weigeren zijn eigen onderdanen uit te leveren?", treaties=[UN])
    assert un.scope.language == "en" and un.notices[0].startswith("Asked in Dutch; the searched text is English")


def test_a_treaty_named_in_the_question_language_is_searched(qa):
    """Names from the catalog's "names" (questions written for this test). The texts' language follows the treaties
    the question names: Dutch when each has a Dutch text, else the selected one, so no named treaty is left out."""
    budapest, uncac = "coe-budapest-2001", "un-corruption-2003"
    named = qa.ask("Wat zegt het Verdrag van Boedapest over onrechtmatige toegang tot een computersysteem?", treaties=[UN])
    assert (named.scope.treaties, named.scope.language) == ((budapest,), "nl")
    assert named.citations[0].label == "Budapest Convention (NL), Art. 2"
    assert "UN Convention against Cybercrime was not searched: no 'nl' text here (available: en)" in named.notices
    both = qa.plan("Geldt het Boedapestverdrag nog tussen landen die ook dit VN-verdrag sluiten?", treaties=[UN])
    assert (both.scope.treaties, both.scope.language) == ((budapest, UN), "en")
    # Before the names, UNCAC named in Dutch was not recognised and this was answered from the UN Convention.
    leave = qa.ask("Regelt het corruptieverdrag hoeveel ouderschapsverlof ambtenaren krijgen?", treaties=[UN])
    assert (leave.scope.treaties, leave.scope.language) == ((uncac,), "nl")
    assert leave.abstained or leave.not_addressed
    french = qa.ask("La Convention des Nations Unies contre la corruption protège-t-elle les lanceurs d'alerte ?",
                    treaties=[UN])
    assert (french.scope.treaties, french.scope.language) == ((uncac, UN), "en") and not french.abstained
    # It opens with UNCAC's article on reporting persons, not the UN Convention's on witnesses: before the guide had
    # UNCAC in French, the UN Convention's French entries lifted its articles above those of the treaty named.
    assert french.citations[0].label.startswith("UNCAC, Art. 33")
    assert french.guide[0]["language"] == "fr" and french.guide[0]["id"] == f"{uncac}/en/art-33"
    russian = qa.ask("Что говорит Конвенция Совета Европы о киберпреступности о незаконном доступе к компьютерной системе?",
                     treaties=[UN])
    assert russian.scope.treaties == (budapest, UN) and russian.citations[0].label.startswith("Budapest Convention, Art. 2")


def test_off_topic_questions_in_other_languages_abstain(qa):
    for question in ("Quelle est la meilleure recette de crêpes bretonnes ?", "明天北京的天气怎么样？",
                     "¿Quién ganó el Mundial de fútbol de 2010?"):
        assert qa.ask(question).abstained, question


def test_floors_are_calibrated_per_question_language(qa):
    for code in ("fr", "es", "ru", "zh", "ar", "de", "nl"):
        c = qa.calibrations[f"{code}>en"]
        assert (c.language, c.searched) == (code, "en") and c.n_on >= 45 and c.n_off >= 45
        assert c.on_topic_kept >= 0.9 and qa.threshold("en", code) == c.threshold
    assert qa.calibrations["nl"].searched == "nl"
    # A language with neither calibration questions nor a guide (Italian) takes the floor of every non-English
    # calibration question scored as one in such a language: no guide words in its signal, so a lower floor.
    other = qa.calibrations["other>en"]
    assert other.n_on >= 7 * 45 and qa.threshold("en", "it") == other.threshold
    assert other.threshold < min(qa.calibrations[f"{code}>en"].threshold for code in ("fr", "es", "de"))
    italian = qa.ask("Uno Stato può rifiutare l'estradizione dei propri cittadini?")
    assert italian.question_language.code == "it" and not italian.abstained
    assert italian.citations[0].article == "37"
    assert qa.ask("Qual è la ricetta della pizza margherita?").abstained


def test_the_guide_in_the_question_language_is_matched_word_for_word(qa):
    """BM25 over the guide's entries in the question's language: "poursuivie pénalement" is in the French entry on
    the liability of legal persons, whose English text shares no word with the question."""
    field = qa.retriever.guide
    question = "Une entreprise peut-elle être poursuivie pénalement ?"
    scores = field.lexical_scores(question, [UN], "fr")
    assert max(scores, key=scores.get) == (UN, "18") and max(scores.values()) == 1.0
    assert field.lexical_scores("一个国家可以拒绝引渡本国国民吗？", [UN], "zh")[(UN, "37")] == 1.0
    assert field.lexical_scores("Wann tritt das Übereinkommen in Kraft?", [UN], "de")[(UN, "65")] == 1.0
    assert field.lexical_scores(question, ["coe-budapest-2001"], "fr")[("coe-budapest-2001", "12")] == 1.0  # its guide too
    assert field.lexical_scores("Un'azienda può essere perseguita?", [UN], "it") == {}  # no Italian guide at all
    # It decides the ranking here: without it, a German question on companies' criminal liability is answered
    # from the extradition article first.
    german = "Können Firmen strafrechtlich belangt werden?"
    first = lambda answer: answer.citations[0].article  # noqa: E731
    assert first(qa.ask(german)) == "18"
    clone = copy.copy(qa)
    clone.retriever = copy.copy(qa.retriever)
    clone.retriever.settings = replace(qa.retriever.settings, guide_lexical_weight=0.0)
    assert first(clone.ask(german)) != "18"


def test_the_guide_words_in_the_question_language_raise_its_abstention_signal(qa):
    """Across languages the signal rises by 0.02 * log(1 + the best BM25 over the guide in the question's language):
    more for a question the treaty answers, whose words are in some entry, than for one in its field that it does
    not address (both written for this test). Only the first treaty's entries count (the UN Convention's, over every
    loaded treaty): the floors were calibrated so, and the other treaties' French entries would raise every signal."""
    field = qa.retriever.guide
    answerable = "Une entreprise peut-elle être poursuivie pénalement ?"
    unaddressed = "La convention oblige-t-elle les écoles à enseigner la programmation ?"
    first = qa.default_scope("en").treaties[:1]
    top = lambda q: max(field.word_scores(q, first, "fr").values(), default=0.0)  # noqa: E731
    assert top(answerable) > 2 * top(unaddressed) > 0
    clone = copy.copy(qa)
    clone.retriever = copy.copy(qa.retriever)
    clone.retriever.settings = replace(qa.retriever.settings, guide_word_evidence=0.0)
    weight = qa.retriever.settings.guide_word_evidence
    assert weight == 0.02
    for question in (answerable, unaddressed):
        gained = qa.signal(question, "fr", "en") - clone.signal(question, "fr", "en")
        assert gained == pytest.approx(weight * math.log1p(top(question)), abs=1e-9)
    # A question in the texts' language is untouched.
    english = "Can a company be held criminally liable?"
    assert qa.signal(english, "en", "en") == clone.signal(english, "en", "en")


def test_a_language_version_added_later_is_searched_for_questions_in_it(qa, corpus, corpus_dir, tmp_path):
    """A French UN-layout PDF typeset here from the English text (test data, not a translation) is added with
    `index add`'s registration; a French question then searches the French text by default."""
    from un_layout_pdf import write_un_layout_pdf

    pdf = tmp_path / "un-fr-test-layout.pdf"
    write_un_layout_pdf(corpus.get(UN, "en"), [], pdf, symbol="A/RES/79/243", job="TEST-DATA",
                        footnote="Test data typeset by the test suite: English text in French headings, not a translation.",
                        headings=un_pdf_headings("fr"))
    register_file(pdf, UN, "fr", tmp_path / "data")
    with_french = load_corpus(corpus_dir, tmp_path / "data")
    assert (UN, "fr") in with_french.treaties and len(with_french.get(UN, "fr").articles) == 68
    clone = copy.copy(qa)
    clone.corpus = with_french
    plan = clone.plan("Un pays peut-il refuser d'extrader ses propres ressortissants ?")
    assert plan.scope.language == "fr" and plan.scope.treaties == (UN,) and not plan.crosslingual
    assert plan.notices[0].startswith("Asked in French; the French text was searched instead of the English one")
    assert "Not searched (no French text here): Budapest Convention" in plan.notices[0]
    # With English questions nothing changes.
    assert clone.plan("Can a country refuse to extradite its own nationals?").scope.language == "en"
