"""The "About these texts" panel: what each treaty is, who adopted it and when, its status, how many
articles it has, where the text comes from, and what is not available here.

Facts come from index/catalog.json ("instrument", "date", "official_urls", and the editorial "about"
block whose status lines each name the provision they rest on) and from the loaded corpus (articles,
languages). Everything written by us is labelled editorial; nothing here is treaty text.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from html import escape

from index.config import CATALOG_PATH
from index.corpus import Corpus
from index.pinpoint import resolve

from ui.render import link
from ui.words import language_name

EDITORIAL = "Editorial summary, not treaty text"
REMINDER = ("Answers are quotations from the treaty texts, picked by a search program, each with the provision it "
            "comes from. They are not legal advice; read the whole provision before relying on it.")


@dataclass
class StatusLine:
    """One editorial line on a treaty's status and the provisions it rests on."""

    text: str
    cites: list[str]


@dataclass
class TreatyAbout:
    """What the About panel says of one treaty."""

    id: str
    short_title: str
    title: str
    instrument: str
    date: str
    what: str
    status: list[StatusLine]
    text_source: str
    official_page: str
    articles: dict[str, int] = field(default_factory=dict)  # language → number of articles loaded


def _when(iso: str) -> str:
    """"2024-12-24" → "24 December 2024"."""
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def load_about(corpus: Corpus, order: list[str]) -> list[TreatyAbout]:
    """One entry per catalogued treaty with a loaded text, in the app's order."""
    raw = {t["id"]: t for t in json.loads(CATALOG_PATH.read_text(encoding="utf-8"))["treaties"]}
    out = []
    for tid in order:
        t, languages = raw.get(tid), corpus.languages(tid)
        if t is None or not languages:
            continue
        about = t.get("about", {})
        out.append(TreatyAbout(
            id=tid, short_title=t["short_title"], title=t["title"], instrument=t["instrument"], date=t["date"],
            what=about.get("what", ""), status=[StatusLine(text, cites) for text, *cites in about.get("status", [])],
            text_source=about.get("text_source", ""), official_page=t.get("official_urls", {}).get("page", ""),
            articles={lang: len(corpus.get(tid, lang).articles) for lang in languages}))
    return out


def _treaty_html(corpus: Corpus, t: TreatyAbout) -> str:
    counts = {n for n in t.articles.values()}
    articles = f"{counts.pop()} articles" if len(counts) == 1 else ", ".join(
        f"{n} articles in {language_name(lang)}" for lang, n in t.articles.items())
    languages = ", ".join(language_name(lang) for lang in t.articles)
    status = "".join(f"<li>{escape(s.text)} ({'; '.join(link(c, _label(corpus, c)) for c in s.cites)})</li>" for s in t.status)
    page = (f' Official page: <a href="{escape(t.official_page)}" rel="noopener" target="_blank">'
            f'{escape(t.official_page.split("/")[2])}</a>.') if t.official_page else ""
    return (f'<section class="about-treaty" data-treaty="{escape(t.id)}"><h3>{escape(t.short_title)}</h3>'
            f'<p class="full-title">{escape(t.title)}</p>'
            f'<dl><dt>Instrument, date</dt><dd>{escape(t.instrument)}, {escape(_when(t.date))}</dd>'
            f'<dt>Size</dt><dd>{escape(articles)}</dd><dt>Languages here</dt><dd>{escape(languages)}</dd></dl>'
            f'<div class="editorial"><div class="editorial-head">{EDITORIAL}</div>'
            f'<p>{escape(t.what)}</p><ul class="status">{status}</ul>'
            f'<p class="source">Text used here: {escape(t.text_source)}{page}</p></div></section>')


def _label(corpus: Corpus, node_id: str) -> str:
    """The pinpoint label of a status line's provision ("UN Convention against Cybercrime, Art. 65(1)")."""
    return resolve(list(corpus.treaties.values()), node_id, list(corpus.documents.values())).label


def missing_html(corpus: Corpus, titles: dict[str, str]) -> str:
    """The language versions this installation does not have, in words; the commands that add them for experts."""
    if not corpus.missing:
        return ""
    by_treaty: dict[str, list[str]] = {}
    for m in corpus.missing:
        by_treaty.setdefault(titles.get(m["id"], m["id"]), []).append(language_name(m["language"]))
    rows = "".join(f"<li>{escape(t)}: {escape(', '.join(langs))}</li>" for t, langs in by_treaty.items())
    commands = "".join(f"<li><code>{escape(m['how'])}</code></li>" for m in corpus.missing)
    return (f'<section class="missing"><h3>Not available here</h3><p>These language versions are not installed, '
            f'so they are never searched:</p><ul>{rows}</ul>'
            f'<details class="expert"><summary>Details for administrators</summary>'
            f'<p>Commands that add them:</p><ul>{commands}</ul></details></section>')


def about_html(corpus: Corpus, order: list[str], titles: dict[str, str]) -> str:
    """The whole panel: the reminder, one section per treaty, the missing language versions."""
    treaties = "".join(_treaty_html(corpus, t) for t in load_about(corpus, order))
    return (f'<div class="about"><h2 class="panel-head">About these texts</h2><p class="reminder">{escape(REMINDER)}</p>{treaties}'
            f'{missing_html(corpus, titles)}</div>')
