"""The "About these texts" panel: catalog facts and editorial status lines that rest on the treaty text."""
from __future__ import annotations

import re

from index.catalog import load_catalog
from index.pinpoint import resolve
from ui.about import EDITORIAL, about_html, load_about

ORDER = [e.id for e in load_catalog()]
TITLES = {e.id: e.short_title for e in load_catalog()}
# What a status line may not get wrong: its dates, years and counted words ("fortieth", "five").
FACTS = re.compile(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
                   r"|\b(?:19|20)\d\d\b|\b(?:three|five|thirtieth|fortieth|ninetieth)\b")


def test_every_status_line_states_only_what_its_provisions_say(corpus):
    treaties, documents = list(corpus.treaties.values()), list(corpus.documents.values())
    about = load_about(corpus, ORDER)
    assert [t.id for t in about] == ORDER and all(t.status and t.what and t.text_source for t in about)
    for t in about:
        for line in t.status:
            text = " ".join(resolve(treaties, c, documents).text for c in line.cites)
            for fact in FACTS.findall(line.text):
                assert fact in text, (t.id, fact, line.cites)


def test_panel_counts_articles_from_the_text_and_labels_our_words(corpus):
    html = about_html(corpus, ORDER, TITLES)
    about = {t.id: t for t in load_about(corpus, ORDER)}
    assert about["un-cybercrime-2024"].articles == {"en": 68}
    assert about["coe-budapest-2001"].articles == {"en": 48, "nl": 48}
    assert html.count(EDITORIAL) == len(about) and "not legal advice" in html
    assert "24 December 2024" in html and "'nl'" not in html
