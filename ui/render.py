"""HTML for the app: answers whose citations are links, the article viewer, contents and lookups.

Every piece of treaty text is HTML-escaped here; a link is ``<a href="?cite=ID" class="cite" data-cite="ID">``:
a real permalink (it opens in a new tab as the viewer at that node), which the page turns into an
"open this node in the viewer" event on a plain click.
"""
from __future__ import annotations

import re
from html import escape

from assistant.engine import Answer
from assistant.guide import LABEL as GUIDE_LABEL
from assistant.lookup import Lookup
from assistant.viewer import ArticleView, TocChapter
from ui.export import answer_markdown, permalink
from ui.words import language_name, plain, without_scores


def link(node_id: str, text: str) -> str:
    """A citation link that opens node_id in the article viewer."""
    return f'<a href="{escape(permalink(node_id))}" class="cite" data-cite="{escape(node_id)}">{escape(text)}</a>'


def _viewable(node_id: str) -> bool:
    """Whether the viewer can open a node: an article, a note, a preamble or the adopting resolution."""
    return any(part in node_id for part in ("/art-", "/note-", "/preamble", "/resolution"))


def _linkify(line: str, targets: dict[str, str]) -> str:
    """Escape a line of answer text and turn every known citation label in it into a link."""
    if not targets:
        return escape(line)
    pattern = re.compile("|".join(re.escape(label) for label in sorted(targets, key=len, reverse=True)))
    out, at = [], 0
    for m in pattern.finditer(line):
        out += [escape(line[at:m.start()]), link(targets[m.group()], m.group())]
        at = m.end()
    return "".join(out) + escape(line[at:])


def _targets(answer: Answer) -> dict[str, str]:
    """Label → node id for every citation an answer can mention."""
    out = {p.chunk.label: p.chunk.node_id for p in answer.passages}
    cites = list(answer.citations) + [d.citation for d in answer.definitions]
    if answer.lookup is not None:
        cites += ([answer.lookup.citation] if answer.lookup.citation else []) + answer.lookup.suggestions
    out.update({c.label: c.id for c in cites})
    if answer.comparison:  # a comparison question's "Compare side by side" line opens the compare view
        out[answer.comparison["label"]] = answer.comparison["link"]
    return out


def _lines_html(text: str, targets: dict[str, str]) -> str:
    """Answer text as paragraphs and lists, labels linked."""
    parts, items = [], []
    for line in text.split("\n"):
        if line.startswith("- "):
            items.append(f"<li>{_linkify(line[2:], targets)}</li>")
            continue
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line.strip() == "Provisions:":
            parts.append('<div class="provisions-head">Provisions</div>')
        elif line.strip():
            parts.append(f"<p>{_linkify(line, targets)}</p>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    return "".join(parts)


def _details(answer: Answer, seconds: float | None) -> str:
    """Numbers for experts (scores, threshold, timing), folded away behind "Details"."""
    rows = []
    if answer.confidence is not None and answer.threshold is not None:
        verdict = "below" if answer.confidence < answer.threshold else "at or above"
        rows.append(f"Best match score {answer.confidence:.2f}, {verdict} the {answer.threshold:.2f} needed to answer.")
    if answer.query and answer.query != answer.question:
        rows.append(f"Searched for: {answer.query}")
    if seconds is not None:
        rows.append(f"Answered in {seconds * 1000:.0f} ms.")
    if not rows:
        return ""
    return f'<details class="expert"><summary>Details</summary>{"".join(f"<p>{escape(r)}</p>" for r in rows)}</details>'


def _export(answer: Answer, titles: dict[str, str]) -> str:
    """"Copy answer" and "Download as Markdown"; the Markdown rides along, hidden, for the page script to read."""
    return ('<div class="export">'
            '<button type="button" class="copy-answer">Copy answer</button>'
            '<button type="button" class="download-answer">Download as Markdown</button>'
            '<span class="export-status" role="status"></span>'
            f'<pre class="answer-md" hidden>{escape(answer_markdown(answer, titles))}</pre></div>')


def answer_html(answer: Answer, titles: dict[str, str], seconds: float | None = None) -> str:
    """One conversation turn: the question, what was searched, the answer with linked citations."""
    targets = _targets(answer)
    searched = ", ".join(titles.get(t, t) for t in answer.scope.treaties)
    where = f"{searched} ({language_name(answer.scope.language)})"
    if answer.scope.chapter:
        where += f", Chapter {answer.scope.chapter}"
    if seconds is not None:
        where += f" · {seconds * 1000:.0f} ms"
    kind = {"abstained": "Not answered by the searched texts", "lookup": "Citation lookup",
            "generated": "Generated answer (checked citations)"}.get(answer.mode, "Answer in the treaty's own words")
    if answer.not_addressed:
        kind = "Not addressed by the searched texts — closest provisions, not an answer"
    state = "abstained" if answer.abstained else "not-addressed" if answer.not_addressed else "answered"
    html = [f'<article class="turn {state}" data-mode="{answer.mode}">',
            f'<h3 class="question">{escape(answer.question)}</h3>',
            f'<div class="searched">Searched: {escape(where)}</div>']
    html += [f'<div class="notice">{_linkify(plain(n), targets)}</div>' for n in answer.notices]
    if answer.guide and not answer.not_addressed:
        rows = "".join(f'<li>{link(g["id"], g["label"])}: {escape(g["summary"])}</li>' for g in answer.guide)
        html.append(f'<div class="guide" role="note"><div class="guide-head">{escape(GUIDE_LABEL)}</div><ul>{rows}</ul></div>')
    html.append(f'<div class="answer"><div class="kind">{kind}</div>{_lines_html(without_scores(answer.answer), targets)}</div>')
    if answer.not_found_terms and not answer.abstained:
        html.append(f'<div class="not-found">Not found in the quoted provisions: '
                    f'{escape(", ".join(answer.not_found_terms))}</div>')
    if answer.offences:
        rows = "".join(f'<li>{link(o.id, o.label)} — {escape(o.title)}</li>' for o in answer.offences)
        html.append(f'<details class="offences"><summary>Every offence the searched treaties define ({len(answer.offences)})'
                    f'</summary><ul>{rows}</ul></details>')
    if answer.definitions and not answer.abstained:
        rows = "".join(f"<li>“{escape(d.term)}”: {escape(d.citation.text)} {link(d.citation.id, '[' + d.citation.label + ']')}</li>"
                       for d in answer.definitions)
        html.append(f'<details class="definitions"><summary>Defined terms in the question</summary><ul>{rows}</ul></details>')
    html += [_details(answer, seconds), _export(answer, titles), "</article>"]
    return "".join(html)


def error_html(question: str, message: str) -> str:
    """A turn whose question could not be handled: one line saying what to do."""
    return (f'<article class="turn error"><h3 class="question">{escape(question or "(empty question)")}</h3>'
            f'<div class="error-line">{escape(message)}</div></article>')


def conversation_html(turns: list[str]) -> str:
    """The whole conversation, newest last, in a polite live region so a new answer is announced."""
    body = "".join(turns) or ('<p class="empty">No questions yet. Type one above or pick an example; '
                              'each answer quotes the treaty and names the provision it comes from.</p>')
    return f'<section class="conversation" role="log" aria-live="polite" aria-label="Answers">{body}</section>'


def _citation_list(label: str, css: str, cites: list) -> str:
    if not cites:
        return ""
    return f'<div class="{css}"><span class="xref-head">{label}:</span> {", ".join(link(c.id, c.label) for c in cites)}</div>'


def article_html(view: ArticleView) -> str:
    """The article viewer: place in the treaty, the text with the cited node highlighted, notes, links."""
    lang = language_name(view.language)
    crumbs = " · ".join(escape(x) for x in [f"{view.treaty_title} ({lang})", *view.divisions])
    html = [f'<div class="viewer" data-article="{escape(view.article.id)}" data-cited="{escape(view.cited.id)}">',
            '<div class="viewer-head">',
            '<a href="#question" class="back-to-answer" hidden>← Back to answer</a>',
            f'<div class="crumbs">{crumbs}</div>',
            f'<h3 class="article-heading" tabindex="-1">{escape(view.heading)}</h3>',
            f'<a href="{escape(permalink(view.cited.id))}" class="copy-link" data-cite="{escape(view.cited.id)}" '
            f'data-copy="link">Copy link</a><span class="copy-status" role="status"></span>',
            '</div>']
    if view.cited.id != view.article.id:
        html.append(f'<div class="cited-label">Cited: {escape(view.cited.label)}</div>')
    for block in view.blocks:
        cls = "blk hl" if block.highlighted else "blk"
        html.append(f'<div class="{cls} depth-{min(len(block.path), 3)}" data-path="{escape("/".join(block.path))}">'
                    f'{escape(block.text)}</div>')
    html.append(_citation_list("Refers to", "xrefs", view.cross_references))
    html.append(_citation_list("Referred to by", "referred-by", view.referred_by))
    for note in view.notes:
        body = "".join(f"<p>{escape(p)}</p>" for p in note.paragraphs)
        html.append(f'<div class="note{" hl" if note.highlighted else ""}" data-note="{escape(note.citation.id)}">'
                    f'<div class="note-head">Interpretative note ({escape(note.heading)})</div>{body}</div>')
    nav = [link(c.id, f"{arrow} {c.label.rsplit(', ', 1)[-1]}") for c, arrow in ((view.previous, "←"), (view.next, "→")) if c]
    if nav:
        html.append(f'<nav class="nav" aria-label="Previous and next">{" ".join(nav)}</nav>')
    html.append("</div>")
    return "".join(html)


def toc_html(title: str, chapters: list[TocChapter]) -> str:
    """A treaty's table of contents; each article opens in the viewer."""
    html = [f'<div class="toc"><h3 class="toc-title">{escape(title)}</h3>']
    for chapter in chapters:
        rows = "".join(f'<li>{link(a.id, f"Art. {a.number} — {a.title}")}</li>' for a in chapter.articles)
        if chapter.heading:
            html.append(f"<details open><summary>{escape(chapter.heading)}</summary><ul>{rows}</ul></details>")
        else:
            html.append(f"<ul>{rows}</ul>")
    html.append("</div>")
    return "".join(html)


def lookup_html(found: Lookup) -> str:
    """A lookup result: exactly the provision asked for (a point with its paragraph's opening words),
    or "no such provision" / "did you mean" with the nearest ones."""
    if found.found:
        c = found.citation
        opener = link(c.id, c.label) if _viewable(c.id) else escape(c.label)
        lead = "".join(f'<p class="lead-in">{escape(x)} …</p>' for x in found.lead_in)
        body = "".join(f"<p>{escape(p)}</p>" for p in c.text.split("\n\n"))
        return f'<div class="lookup found"><h3 class="lookup-label">{opener}</h3>{lead}{body}</div>'
    rows = "".join(f"<li>{link(s.id, s.label) if _viewable(s.id) else escape(s.label)}</li>"
                   for s in found.suggestions)
    if found.near_miss:
        return f'<div class="lookup missing near-miss"><p>{escape(found.message)}</p><ul>{rows}</ul></div>'
    more = f'<div>Nearest existing provisions:</div><ul>{rows}</ul>' if rows else ""
    return f'<div class="lookup missing"><div class="error-line">{escape(plain(found.message))}</div>{more}</div>'


def message_html(message: str) -> str:
    """A one-line message in place of a result."""
    return f'<div class="error-line">{escape(plain(message))}</div>'
