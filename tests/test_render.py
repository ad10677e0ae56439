"""The app's HTML: every citation in an answer is a link to a node the viewer can open; text is escaped."""
from __future__ import annotations

import re
from html import unescape

from assistant.viewer import open_view, table_of_contents
from ui import render

LINK = re.compile(r'<a href="\?cite=[^"]+" class="cite" data-cite="([^"]+)">([^<]+)</a>')


def _titles(qa):
    return {tid: e.short_title for tid, e in qa.catalog.items()}


def test_every_cited_label_in_an_answer_is_a_link_that_opens(qa):
    answer = qa.ask("Can a country refuse to extradite its own nationals?", treaties=["un-cybercrime-2024", "un-corruption-2003"])
    html = render.answer_html(answer, _titles(qa), 0.012)
    links = dict((unescape(label), node) for node, label in LINK.findall(html))
    for c in answer.citations:
        assert links[c.label] == c.id
    assert "Searched: UN Convention against Cybercrime, UNCAC (English) · 12 ms" in html
    for node in set(links.values()):
        view = open_view(qa.corpus, qa.catalog, node)
        assert view.cited.id == node
    # every "[label]" of the shown text became "[<a …>label</a>]": no bare bracketed label is left (the hidden
    # Markdown for "Copy answer" has its own [label](permalink) links)
    shown = re.sub(r'<pre class="answer-md" hidden>.*?</pre>', "", html, flags=re.S)
    assert not re.search(r"\[(UN Convention|UNCAC)[^<\]]*\]", shown)
    assert '<div class="provisions-head">Provisions</div>' in html


def test_abstention_is_shown_as_such_with_linked_nearest_provisions(qa):
    answer = qa.ask("What is the best recipe for chocolate cake?", treaties=["un-cybercrime-2024"])
    html = render.answer_html(answer, _titles(qa))
    assert 'class="turn abstained"' in html and "Not answered by the searched texts" in html
    assert len(LINK.findall(html)) == len({p.chunk.node_id for p in answer.passages})


def test_question_text_is_escaped(qa):
    answer = qa.ask("<script>alert(1)</script> can a country refuse extradition?", treaties=["un-cybercrime-2024"])
    html = render.answer_html(answer, _titles(qa))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in render.error_html("<script>", "bad <b>")


def test_article_html_marks_the_cited_block(qa):
    html = render.article_html(open_view(qa.corpus, qa.catalog, "un-cybercrime-2024/en/art-41/3/e"))
    lit = re.findall(r'<div class="blk hl depth-\d" data-path="([^"]+)">([^<]*)</div>', html)
    assert lit == [("3/e", "(e) The provision of electronic data to avert an emergency.")]
    assert "Chapter V. International cooperation" in html and "Cited: UN Convention against Cybercrime, Art. 41(3)(e)" in html


def test_contents_and_lookup_html(qa, un):
    toc = render.toc_html("UN", table_of_contents(un))
    assert len(LINK.findall(toc)) == 68 and "Art. 37 — Extradition" in toc
    found = render.lookup_html(qa.cite("UNCAC art. 2(a)"))
    assert LINK.findall(found)[0] == ("un-corruption-2003/en/art-2/a", "UNCAC, Art. 2(a)")
    missing = render.lookup_html(qa.cite("Art. 6(9)(z)"))
    assert "No such provision" in missing and len(LINK.findall(missing)) >= 2


def test_every_example_question_gets_a_cited_answer_from_the_default_treaty(qa):
    from app import EXAMPLES

    for question in EXAMPLES:
        answer = qa.ask(question, treaties=["un-cybercrime-2024"])
        assert not answer.abstained and not answer.not_addressed and answer.citations, question
        assert "What is an electronic data?" not in EXAMPLES  # the ungrammatical one is gone


def test_answer_html_has_no_developer_text(qa):
    answer = qa.ask("What is the best recipe for chocolate cake?", treaties=["un-cybercrime-2024"])
    html = render.answer_html(answer, _titles(qa), 0.02)
    shown, details = html.split('<details class="expert">', 1)
    assert "best match" not in shown and "needed to answer" in details
    assert "'en'" not in html and "python -m" not in html
    markdown = unescape(re.search(r'<pre class="answer-md" hidden>(.*?)</pre>', html, re.S).group(1))
    assert markdown.startswith("# What is the best recipe for chocolate cake?") and "best match" not in markdown
    assert all(f"%PAGE%?cite={p.chunk.node_id}" in markdown for p in answer.passages)
