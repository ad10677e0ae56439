"""The offence catalogue shown under "is X a crime?" answers."""
from __future__ import annotations

import pytest

from assistant.offences import is_crime_question, offence_catalogue


@pytest.mark.parametrize("question, expected", [
    ("Does the convention make fake news a crime?", True),
    ("Is phishing illegal?", True),
    ("Does it criminalise sharing intimate images?", True),
    ("Can someone be prosecuted for DDoS attacks?", True),
    ("When does the convention enter into force?", False),
    ("Who is the depositary?", False),
])
def test_crime_questions(question, expected):
    assert is_crime_question(question) is expected


def test_catalogue_lists_every_offence_article_with_its_title(corpus):
    un = offence_catalogue(corpus, "un-cybercrime-2024", "en")
    assert [o.label for o in un][:2] == ["UN Convention against Cybercrime, Art. 7", "UN Convention against Cybercrime, Art. 8"]
    assert len(un) == 11 and un[0].title == "Illegal access" and un[9].title == "Non-consensual dissemination of intimate images"
    assert un[0].id == "un-cybercrime-2024/en/art-7"
    budapest = offence_catalogue(corpus, "coe-budapest-2001", "en")
    assert [o.title for o in budapest][0] == "Illegal access" and len(budapest) == 9
    assert offence_catalogue(corpus, "coe-budapest-2001", "nl")[0].label == "Budapest Convention (NL), Art. 2"


def test_an_answer_to_a_crime_question_carries_the_catalogue(qa):
    answer = qa.ask("Is phishing a crime?", ["un-cybercrime-2024"])
    assert [o["label"] for o in answer.to_dict()["offences"]][:1] == ["UN Convention against Cybercrime, Art. 7"]
    assert not qa.ask("When does the convention enter into force?", ["un-cybercrime-2024"]).offences
