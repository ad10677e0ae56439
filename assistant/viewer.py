"""What the article viewer and the table of contents show, as data: an article opened at a
cited node (highlighted), with its place in the treaty, its notes and the articles it refers to.

    >>> view = open_view(corpus, catalog, "un-cybercrime-2024/en/art-37/11")
    >>> view.heading, view.divisions, [b.path for b in view.blocks if b.highlighted]
    ('Article 37. Extradition', ['Chapter V. International cooperation'], [('11',)])
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from index.catalog import CatalogEntry
from index.chunking import article_blocks
from index.corpus import Corpus
from index.frontmatter import (RESOLUTION_PREAMBLE, resolution_citation, resolution_of, resolution_paragraphs,
                               resolution_preamble_citation, treaty_preamble)
from index.model import Article, Citation, Document, Treaty
from index.pinpoint import article_citation, note_citation, preamble_citation

from .crossrefs import linked_articles
from .errors import UserError

_ARTICLE_ID = re.compile(r"^(?P<treaty>[\w-]+)/(?P<lang>[a-z]{2})/art-(?P<article>\d+)(?P<path>(?:/[\w]+)*)$")
_NOTE_ID = re.compile(r"^(?P<treaty>[\w-]+)/(?P<lang>[a-z]{2})/note-(?P<articles>\d+(?:-\d+)*)$")
_PREAMBLE_ID = re.compile(r"^(?P<treaty>[\w-]+)/(?P<lang>[a-z]{2})/preamble(?:/\d+)?$")
_RESOLUTION_ID = re.compile(r"^(?P<doc>[\w-]+/resolution)(?:/[\w-]+)?$")
# Heading words in the language of the text (the Dutch versions print "Hoofdstuk", "Afdeling", "Titel", "Artikel").
_WORDS = {"en": {"chapter": "Chapter", "section": "Section", "title": "Title", "article": "Article"},
          "nl": {"chapter": "Hoofdstuk", "section": "Afdeling", "title": "Titel", "article": "Artikel"}}


def heading_word(kind: str, language: str) -> str:
    """"Chapter", "Article" … in the text's language (English where we have no words for it)."""
    return _WORDS.get(language, _WORDS["en"])[kind]


@dataclass
class Block:
    """One printed block of an article with its pinpoint path."""

    path: tuple[str, ...]
    text: str
    highlighted: bool = False


@dataclass
class NoteView:
    """An interpretative note shown under the article it interprets."""

    citation: Citation
    heading: str
    paragraphs: list[str]
    highlighted: bool = False


@dataclass
class ArticleView:
    """An article opened at a cited node."""

    treaty: str
    language: str
    treaty_title: str
    cited: Citation  # the node that was asked for (the article itself, a provision or a note)
    article: Citation  # the whole article
    heading: str  # "Article 37. Extradition"
    divisions: list[str]  # chapter, then section and title where the treaty has them
    blocks: list[Block]
    notes: list[NoteView] = field(default_factory=list)
    cross_references: list[Citation] = field(default_factory=list)
    referred_by: list[Citation] = field(default_factory=list)  # the articles whose text cites this one
    previous: Citation | None = None
    next: Citation | None = None


@dataclass
class TocArticle:
    """One line of a table of contents."""

    id: str
    number: str
    title: str


@dataclass
class TocChapter:
    """A chapter heading with its articles."""

    heading: str
    articles: list[TocArticle]


def _division_names(treaty: Treaty, article: Article) -> list[str]:
    out = []
    for kind, number, parent in (("chapter", article.chapter, None), ("section", article.section, article.chapter),
                                 ("title", article.subsection, article.section)):
        if number is None:
            continue
        div = next((d for d in treaty.divisions if d.kind == kind and d.number == number
                    and (parent is None or d.parent == parent)), None)
        if div is not None:
            out.append(f"{heading_word(kind, treaty.language)} {div.number}. {div.name}")
    return out


def _locate(corpus: Corpus, node_id: str) -> tuple[Treaty, Article, tuple[str, ...], str | None]:
    """(treaty, article, path, note number) for an article, provision or note id; UserError if unknown."""
    if (m := _ARTICLE_ID.match(node_id or "")):
        treaty = corpus.get(m["treaty"], m["lang"])
        article = treaty.article(m["article"]) if treaty else None
        path = tuple(p for p in m["path"].split("/") if p)
        if article is not None and (not path or article.find(path) is not None):
            return treaty, article, path, None
    elif (m := _NOTE_ID.match(node_id or "")):
        treaty = corpus.get(m["treaty"], m["lang"])
        wanted = m["articles"].split("-")
        note = next((n for n in treaty.notes if n.articles == wanted), None) if treaty else None
        if note is not None and (article := treaty.article(note.articles[0])) is not None:
            return treaty, article, (), note.number
    raise UserError(f"nothing to open at {node_id!r}; pick an article from the contents or look up a citation")


def _preamble_view(corpus: Corpus, treaty: Treaty, node_id: str) -> ArticleView | None:
    """A treaty's preamble as printed (opening words, numbered paragraphs, "Have agreed as follows:")."""
    whole = preamble_citation(treaty)
    numbered = {p.text: p for p in treaty_preamble(treaty)}
    cited = whole if node_id == whole.id else next((p.citation for p in numbered.values() if p.citation.id == node_id), None)
    if cited is None:
        return None
    blocks = [Block((numbered[t].number,) if t in numbered else (), t, t in numbered and numbered[t].citation.id == node_id)
              for t in treaty.preamble]
    first = article_citation(treaty, treaty.articles[0]) if treaty.articles else None
    doc = resolution_of(treaty, list(corpus.documents.values()))
    resolution = resolution_citation(doc) if doc is not None else None
    return ArticleView(treaty=treaty.id, language=treaty.language, treaty_title=treaty.short_title, cited=cited,
                       article=whole, heading="Preamble", divisions=[], blocks=blocks, previous=resolution, next=first)


def _as_own(text: str) -> str:
    """Resolution text for finding the articles it names: its "article 56 of the Convention" is the annexed
    convention, which inside a treaty would read "of this Convention" (the reference finder's own-treaty form)."""
    return re.sub(r"\bof the Convention\b", "of this Convention", text)


def _resolution_view(corpus: Corpus, catalog: dict[str, CatalogEntry], doc: Document, node_id: str) -> ArticleView | None:
    """The adopting resolution as printed, its title, preambular and operative paragraphs and meeting line."""
    treaty_id = doc.id.split("/")[0]
    whole = resolution_citation(doc)
    paragraphs = resolution_paragraphs(doc)
    known = [whole, resolution_preamble_citation(doc), *(p.citation for p in paragraphs)]
    cited = next((c for c in known if c is not None and c.id == node_id), None)
    if cited is None:
        return None
    blocks: list[Block] = []
    for p in paragraphs:
        if p.opening and not any(b.text == p.opening for b in blocks):
            blocks.append(Block((), p.opening))  # "The General Assembly," before its first paragraph
        key = f"preamble-{p.number}" if p.part == RESOLUTION_PREAMBLE else p.number
        lit = cited.id == p.citation.id or (cited.id.endswith("/preamble") and p.part == RESOLUTION_PREAMBLE)
        blocks.append(Block((key,), p.text, lit))
    treaty = corpus.get(treaty_id, "en")
    preamble = preamble_citation(treaty) if treaty is not None and treaty.preamble else None
    return ArticleView(treaty=treaty_id, language="en", treaty_title=catalog[treaty_id].short_title if treaty_id in catalog
                       else treaty_id, cited=cited, article=whole, heading=f"{doc.symbol} — the General Assembly resolution",
                       divisions=[], blocks=blocks,
                       cross_references=linked_articles(corpus, treaty_id, None, "en", _as_own("\n\n".join(doc.paragraphs)), []),
                       previous=None, next=preamble)


def _front_view(corpus: Corpus, catalog: dict[str, CatalogEntry], node_id: str) -> ArticleView | None:
    """The preamble or the adopting resolution opened at node_id, or None when node_id is neither."""
    if (m := _PREAMBLE_ID.match(node_id or "")):
        treaty = corpus.get(m["treaty"], m["lang"])
        return _preamble_view(corpus, treaty, node_id) if treaty is not None and treaty.preamble else None
    if (m := _RESOLUTION_ID.match(node_id or "")) and m["doc"] in corpus.documents:
        return _resolution_view(corpus, catalog, corpus.documents[m["doc"]], node_id)
    return None


def open_view(corpus: Corpus, catalog: dict[str, CatalogEntry], node_id: str) -> ArticleView:
    """The article (or preamble, or adopting resolution) holding a node id, with that node highlighted;
    UserError for an unknown id."""
    if (front := _front_view(corpus, catalog, node_id)) is not None:
        return front
    treaty, article, path, note = _locate(corpus, node_id)
    whole = article_citation(treaty, article)
    cited = article_citation(treaty, article, path) if note is None else next(
        note_citation(treaty, n) for n in treaty.notes if n.number == note)
    blocks = [Block(p, text, bool(path) and p[:len(path)] == path) for group in article_blocks(article) for p, text in group]
    notes = [NoteView(note_citation(treaty, n), n.heading, n.paragraphs, n.number == note)
             for n in treaty.notes_for(article.number)]
    numbers = [a.number for a in treaty.articles]
    at = numbers.index(article.number)
    neighbour = [article_citation(treaty, treaty.articles[i]) if 0 <= i < len(numbers) else None for i in (at - 1, at + 1)]
    return ArticleView(
        treaty=treaty.id, language=treaty.language, treaty_title=treaty.short_title, cited=cited, article=whole,
        heading=f"{heading_word('article', treaty.language)} {article.number}. {article.title}",
        divisions=_division_names(treaty, article), blocks=blocks, notes=notes,
        cross_references=linked_articles(corpus, treaty.id, catalog[treaty.id].parent, treaty.language,
                                         article.full_text(), [article.number]),
        referred_by=referred_by(corpus, catalog, treaty.language).get((treaty.id, article.number), []),
        previous=neighbour[0], next=neighbour[1],
    )


def table_of_contents(treaty: Treaty) -> list[TocChapter]:
    """Chapters with their articles (number, title, id) in order; one untitled group for a treaty without chapters."""
    chapters: list[TocChapter] = []
    for article in treaty.articles:
        chapter = next((c for c in treaty.chapters if c.number == article.chapter), None)
        heading = f"{heading_word('chapter', treaty.language)} {chapter.number}. {chapter.name}" if chapter else ""
        if not chapters or chapters[-1].heading != heading:
            chapters.append(TocChapter(heading, []))
        cite = article_citation(treaty, article)
        chapters[-1].articles.append(TocArticle(cite.id, article.number, article.title))
    return chapters


_REFERRERS: dict[tuple[int, str], tuple[Corpus, dict]] = {}


def referred_by(corpus: Corpus, catalog: dict[str, CatalogEntry], language: str) -> dict[tuple[str, str], list[Citation]]:
    """(treaty id, article number) → the articles, in any loaded treaty of that language, whose text cites it:
    the reverse of crossrefs.linked_articles, computed once per corpus and language."""
    key = (id(corpus), language)
    cached = _REFERRERS.get(key)
    if cached is not None and cached[0] is corpus:
        return cached[1]
    found: dict[tuple[str, str], list[Citation]] = defaultdict(list)
    for (tid, lang), treaty in sorted(corpus.treaties.items()):
        if lang != language or tid not in catalog:
            continue
        for article in treaty.articles:
            for target in linked_articles(corpus, tid, catalog[tid].parent, lang, article.full_text(), [article.number]):
                found[(target.treaty, target.article)].append(article_citation(treaty, article))
    _REFERRERS[key] = (corpus, dict(found))
    return _REFERRERS[key][1]
