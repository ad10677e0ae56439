"""What the article viewer and the table of contents show, as data: an article opened at a
cited node (highlighted), with its place in the treaty, its notes and the articles it refers to.

    >>> view = open_view(corpus, catalog, "un-cybercrime-2024/en/art-37/11")
    >>> view.heading, view.divisions, [b.path for b in view.blocks if b.highlighted]
    ('Article 37. Extradition', ['Chapter V. International cooperation'], [('11',)])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.catalog import CatalogEntry
from index.chunking import article_blocks
from index.corpus import Corpus
from index.model import Article, Citation, Treaty
from index.pinpoint import article_citation, note_citation

from .crossrefs import linked_articles
from .errors import UserError

_ARTICLE_ID = re.compile(r"^(?P<treaty>[\w-]+)/(?P<lang>[a-z]{2})/art-(?P<article>\d+)(?P<path>(?:/[\w]+)*)$")
_NOTE_ID = re.compile(r"^(?P<treaty>[\w-]+)/(?P<lang>[a-z]{2})/note-(?P<articles>\d+(?:-\d+)*)$")


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
            out.append(f"{kind.capitalize()} {div.number}. {div.name}")
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


def open_view(corpus: Corpus, catalog: dict[str, CatalogEntry], node_id: str) -> ArticleView:
    """The article holding a node id, with that node highlighted; UserError for an unknown id."""
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
        heading=f"Article {article.number}. {article.title}", divisions=_division_names(treaty, article),
        blocks=blocks, notes=notes,
        cross_references=linked_articles(corpus, treaty.id, catalog[treaty.id].parent, treaty.language,
                                         article.full_text(), [article.number]),
        previous=neighbour[0], next=neighbour[1],
    )


def table_of_contents(treaty: Treaty) -> list[TocChapter]:
    """Chapters with their articles (number, title, id) in order; one untitled group for a treaty without chapters."""
    chapters: list[TocChapter] = []
    for article in treaty.articles:
        chapter = next((c for c in treaty.chapters if c.number == article.chapter), None)
        heading = f"Chapter {chapter.number}. {chapter.name}" if chapter else ""
        if not chapters or chapters[-1].heading != heading:
            chapters.append(TocChapter(heading, []))
        cite = article_citation(treaty, article)
        chapters[-1].articles.append(TocArticle(cite.id, article.number, article.title))
    return chapters
