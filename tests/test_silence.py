"""What the texts do not say: "Not found in the quoted provisions" and the not-addressed decision."""
from __future__ import annotations

from assistant.guide import load_guide
from assistant.silence import distinctive_terms, not_found_terms

UN = "un-cybercrime-2024"


def test_distinctive_terms_leave_out_generic_words_and_treaty_names():
    words = [t.word for t in distinctive_terms("Does the Budapest Convention make fake news a crime?")]
    assert words == ["fake", "news"]
    assert [t.word for t in distinctive_terms("Can a country refuse to extradite its own nationals?")] == ["refuse", "extradite", "nationals"]


def test_dutch_distinctive_terms_leave_out_function_words_and_treaty_names():
    words = [t.word for t in distinctive_terms("Regelt het corruptieverdrag hoeveel ouderschapsverlof ambtenaren krijgen?", "nl")]
    assert words == ["ouderschapsverlof", "ambtenaren"]
    assert [t.word for t in distinctive_terms("Zegt het VN-verdrag iets over mijn huurtoeslag?", "nl")] == ["huurtoeslag"]


def test_not_found_terms_counts_the_text_the_glossary_and_the_guide():
    guide = load_guide()
    cited = [(UN, "67", "Any State Party may denounce this Convention by written notification to the Secretary-General.")]
    # "withdraw" is found through the glossary (withdraw -> denounce); "tomorrow" is not there
    assert not_found_terms("Can a country withdraw tomorrow?", "en", cited, guide) == ["tomorrow"]
    ddos = [(UN, "10", "the serious hindering of the functioning of an information and communications technology system")]
    assert not_found_terms("Is DDoS covered?", "en", ddos, guide) == []  # a guide term of Art. 10
    assert not_found_terms("Is DDoS covered?", "en", [], guide) == []


def test_in_domain_questions_the_texts_do_not_address(qa):
    fake = qa.ask("Does the convention make fake news a crime?", [UN])
    assert fake.not_addressed and not fake.abstained
    assert fake.answer.startswith("The searched texts (UN Convention against Cybercrime) do not appear to address this: "
                                  "no provision mentions")
    assert "they are not an answer" in fake.answer and "news" in fake.unmatched
    assert fake.to_dict()["not_addressed"] is True
    assert fake.offences  # a crime question still lists every offence the treaty defines


def test_answerable_questions_are_not_declared_silent(qa):
    for question in ("Can a country refuse to extradite its own nationals?", "How long can stored data be preserved?",
                     "Is revenge porn a crime?"):
        answer = qa.ask(question, [UN])
        assert not answer.not_addressed and not answer.abstained, question
        assert answer.to_dict()["not_addressed"] is False


def test_off_topic_questions_still_abstain(qa):
    answer = qa.ask("What is the best recipe for chocolate chip cookies?", [UN])
    assert answer.abstained or answer.not_addressed


def test_dutch_questions_the_dutch_texts_answer_are_not_declared_silent(qa):
    # Written for this test. Before Dutch lemmas, compounds and function words were handled, the first was "not
    # addressed" for "misdaan", "iets", "zelf" and "hem", and the second listed "corruptieverdrag" among its missing words.
    extradite = qa.ask("Moet een staat een onderdaan die in het buitenland iets heeft misdaan zelf uitleveren, "
                       "of mag hij hem zelf berechten?", ["coe-budapest-2001"], "nl")
    assert not extradite.not_addressed and not extradite.abstained
    bribed = qa.ask("Wordt een ambtenaar die is omgekocht volgens het corruptieverdrag gestraft?", ["un-corruption-2003"], "nl")
    assert not bribed.not_addressed and not {"corruptieverdrag", "volgens"} & set(bribed.not_found_terms)


def test_dutch_in_field_questions_the_texts_do_not_address(qa):
    leave = qa.ask("Regelt het corruptieverdrag hoeveel ouderschapsverlof ambtenaren krijgen?", ["un-corruption-2003"], "nl")
    assert leave.abstained or (leave.not_addressed and leave.unmatched == ["ouderschapsverlof"])
