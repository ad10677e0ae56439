"""Follow-up questions and treaties named in a question, on their own and through `Assistant.ask`."""
from __future__ import annotations

import pytest

from assistant.conversation import Turn, follow_up_query, is_follow_up, named_treaties

UN, BUDAPEST, PROTOCOL, UNCAC = "un-cybercrime-2024", "coe-budapest-2001", "coe-budapest-protocol-2003", "un-corruption-2003"


@pytest.mark.parametrize("question, expected", [
    ("Does the Budapest Convention cover child pornography?", [BUDAPEST]),
    ("How do UNCAC and the UN Convention against Cybercrime treat asset recovery?", [UNCAC, UN]),
    ("What does the UN Convention against Corruption say about bribery?", [UNCAC]),
    ("Is xenophobic material an offence under the Additional Protocol?", [PROTOCOL]),
    ("Compare ETS 185 with the UN Convention on data preservation", [BUDAPEST, UN]),
    ("What protocol must the police follow when seizing a laptop?", []),  # an everyday word, not a treaty
    ("Can a country refuse to extradite its own nationals?", []),
    # Names in other languages, from the catalog's "names" (questions written for this test):
    ("Wat zegt het Verdrag van Boedapest over hacken?", [BUDAPEST]),
    ("Regelt het corruptieverdrag ook lobbyen?", [UNCAC]),
    ("Geldt het Boedapestverdrag nog naast dit VN-verdrag?", [BUDAPEST, UN]),
    ("Wanneer komt er een aanvullend protocol?", []),  # "an additional protocol", not the Protocol's name
    ("La Convention des Nations Unies contre la corruption protège-t-elle les lanceurs d'alerte ?", [UNCAC]),
    ("¿Qué dice la Convención de las Naciones Unidas contra la Corrupción sobre el soborno?", [UNCAC]),
    ("Was regelt die Budapester Konvention zur Beweissicherung?", [BUDAPEST]),
    ("Что говорит Конвенция ООН против коррупции о взятках?", [UNCAC]),
    ("Что говорит Конвенция Организации Объединённых Наций против коррупции о взятках?", [UNCAC]),  # ё as typed
    ("《联合国反腐败公约》如何规定贿赂？", [UNCAC]),  # no spaces around a Chinese name
    ("联合国打击网络犯罪公约和布达佩斯公约有什么区别？", [UN, BUDAPEST]),  # the longer name inside wins
    ("ماذا تقول اتفاقية الأمم المتحدة لمكافحة الفساد عن الرشوة؟", [UNCAC]),
    ("Что говорит Дополнительный протокол к Будапештской конвенции о расизме?", [PROTOCOL]),  # longer than Budapest's
    ("《布达佩斯公约》附加议定书是否涵盖仇恨言论？", [PROTOCOL]),
    # The Council of Europe's own long titles, with words between "Convention" and "cybercrime", and the title of
    # the Budapest Convention's Russian translation; the Protocol's long forms must not be read as Budapest:
    ("Что говорит Конвенция Совета Европы о киберпреступности о незаконном доступе?", [BUDAPEST]),
    ("Что говорит Конвенция о преступности в сфере компьютерной информации о незаконном доступе?", [BUDAPEST]),
    ("La Convention du Conseil de l'Europe sur la cybercriminalité érige-t-elle l'accès illégal en infraction ?", [BUDAPEST]),
    ("Was sagt das Übereinkommen des Europarats über Computerkriminalität zur Beweissicherung?", [BUDAPEST]),
    ("¿Qué dice el Convenio del Consejo de Europa sobre la Ciberdelincuencia del acceso ilícito?", [BUDAPEST]),
    ("Что запрещает Дополнительный протокол к Конвенции о киберпреступности?", [PROTOCOL]),
    ("Wat verbiedt het Aanvullend Protocol bij het Verdrag inzake cybercriminaliteit?", [PROTOCOL]),
    # Short forms a blind set of questions in these languages used (multilingual-companions.jsonl):
    ("Que prévoit la CNUCC pour les lanceurs d'alerte ?", [UNCAC]),
    ("La Convention STE n° 185 protège-t-elle les droits de l'homme ?", [BUDAPEST]),
    ("Wann ist die Cybercrime-Konvention des Europarats in Kraft getreten?", [BUDAPEST]),
    ("Допускает ли антикоррупционная конвенция ООН конфискацию без приговора?", [UNCAC]),
    ("هل يجوز إرسال الطلبات بالبريد الإلكتروني وفقاً لاتفاقية بودابست؟", [BUDAPEST]),  # "to" joined to the name
    ("ماذا يجرّم البروتوكول الإضافي لاتفاقية بودابست؟", [PROTOCOL]),
    ("هل تنص الاتفاقية على حماية المبلغين؟", []),  # "the convention", a particle on no name
])
def test_named_treaties(question, expected):
    assert named_treaties(question) == expected


@pytest.mark.parametrize("question", [
    "and what about traffic data?", "What about subscriber information?", "And under the Budapest Convention?",
    "Does it apply to service providers?", "Can they refuse?", "Is that article mandatory?", "en wat over verkeersgegevens?",
])
def test_follow_ups_are_recognised(question):
    assert is_follow_up(question)


@pytest.mark.parametrize("question", [
    "Can a country refuse to extradite its own nationals?", "What is traffic data?", "Art. 35",
    "Anderson asked whether the convention covers phishing",  # "and" inside a word is not a connective
    "and " + "very " * 20 + "long standalone question about extradition of nationals",
])
def test_standalone_questions_are_not_follow_ups(question):
    assert not is_follow_up(question)


@pytest.mark.parametrize("question, expected", [
    # a question that names its own subject stands alone, whatever its first word
    ("Does it criminalise sharing intimate images without consent?", False),
    ("And does the convention also cover grooming of children online?", False),
    ("Also, can a state refuse mutual legal assistance for political offences?", False),
    # too little of its own to be understood alone
    ("and what about children?", True),
    ("how long does that last?", True),
    ("any exceptions?", True),
    ("why?", True),
    ("who can sue?", True),
    ("can they extend the search to another computer?", True),
    ("What is traffic data?", False),
])
def test_follow_ups_are_decided_by_whether_the_question_stands_alone(question, expected):
    assert is_follow_up(question) is expected


def test_follow_up_query_joins_the_topic_of_the_chain():
    first = Turn("Can a provider be ordered to preserve stored data?", (UN,), (UN,))
    assert follow_up_query("and what about traffic data?", first) == "Can a provider be ordered to preserve stored data? traffic data?"
    assert follow_up_query("What is traffic data?", first) is None
    assert follow_up_query("and what about traffic data?", None) is None


def test_follow_up_searches_the_previous_topic(qa):
    first = qa.ask("Can authorities order a provider to preserve stored computer data?", treaties=[UN])
    assert first.turn.topic == first.question and first.turn.treaties == (UN,)
    second = qa.ask("and what about traffic data?", treaties=[UN], previous=first.turn)
    assert second.query.startswith(first.question) and second.query.endswith("traffic data?")
    assert any("follow-up" in n for n in second.notices)
    articles = [p.chunk.article for p in second.passages]
    assert "26" in articles[:3]  # Expedited preservation and partial disclosure of traffic data
    assert second.turn.topic == first.question  # a third follow-up continues the same topic
    alone = qa.ask("and what about traffic data?", treaties=[UN])  # no previous turn: searched as typed
    assert alone.query == "and what about traffic data?" and not any("follow-up" in n for n in alone.notices)


def test_a_named_treaty_is_searched_first_and_kept_by_follow_ups(qa):
    first = qa.ask("How does the Budapest Convention define a computer system?", treaties=[UN])
    assert first.scope.treaties == (BUDAPEST, UN)  # named first, then the selection
    assert any("Also searched Budapest Convention, named in the question" in n for n in first.notices)
    assert [c.label for c in first.citations][:2] == ["Budapest Convention, Art. 1", "Budapest Convention, Art. 1(a)"]
    assert first.passages[0].chunk.treaty == BUDAPEST
    second = qa.ask("and a service provider?", treaties=[UN], previous=first.turn)
    assert second.scope.treaties == (BUDAPEST, UN)
    assert [c.label for c in second.citations][:2] == ["Budapest Convention, Art. 1", "Budapest Convention, Art. 1(c)"]
    everything = qa.ask("How does the Budapest Convention define a computer system?")  # no selection: only the named one
    assert everything.scope.treaties == (BUDAPEST,) and not everything.notices


def test_a_changed_selection_wins_over_the_previous_turn(qa):
    first = qa.ask("Can authorities order a provider to preserve stored computer data?", treaties=[UN])
    second = qa.ask("and what about traffic data?", treaties=[BUDAPEST], previous=first.turn)
    assert second.scope.treaties == (BUDAPEST,)
    assert "16" in [p.chunk.article for p in second.passages[:3]] or "17" in [p.chunk.article for p in second.passages[:3]]


def test_a_follow_up_answers_its_own_new_words(qa):
    first = qa.ask("Is ransomware a crime under the UN convention?", treaties=[UN])
    second = qa.ask("and what about children?", treaties=[UN], previous=first.turn)
    assert second.query.startswith(first.question)
    assert second.answer != first.answer  # not the ransomware answer word for word
    assert any(a in {"14", "15", "34"} for a in {c.article for c in second.citations})
    standalone = qa.ask("Does it criminalise sharing intimate images without consent?", treaties=[UN], previous=first.turn)
    assert not any("follow-up" in n for n in standalone.notices)
    assert standalone.citations[0].article == "16"
