"""Stable ids and human pinpoint labels for every citable node, and their resolution.

    >>> label("UN Convention against Cybercrime", "en", "41", ("3", "e"))
    'UN Convention against Cybercrime, Art. 41(3)(e)'
    >>> node_id("un-cybercrime-2024", "en", "41", ("3", "e"))
    'un-cybercrime-2024/en/art-41/3/e'
"""
from __future__ import annotations

import re
from typing import Iterator

from .frontmatter import PREAMBLE, RESOLUTION, find_front, resolution_citation, resolution_of, resolution_preamble_citation
from .model import Article, Citation, Document, Note, Treaty


def _title(short_title: str, language: str) -> str:
    return short_title if language == "en" else f"{short_title} ({language.upper()})"


def label(short_title: str, language: str, article: str, path: tuple[str, ...] = ()) -> str:
    """Pinpoint label such as "Budapest Convention, Art. 6(1)(a)(ii)"."""
    return f"{_title(short_title, language)}, Art. {article}" + "".join(f"({p})" for p in path)


def node_id(treaty_id: str, language: str, article: str, path: tuple[str, ...] = ()) -> str:
    """Stable id such as "coe-budapest-2001/en/art-6/1/a/ii"."""
    return "/".join([treaty_id, language, f"art-{article}", *path])


def note_label(short_title: str, language: str, note: Note) -> str:
    """Label of an interpretative note, e.g. "..., interpretative note on Arts. 23 and 35"."""
    arts = note.articles
    which = f"Art. {arts[0]}" if len(arts) == 1 else "Arts. " + ", ".join(arts[:-1]) + f" and {arts[-1]}"
    return f"{_title(short_title, language)}, interpretative note on {which}"


def note_id(treaty_id: str, language: str, note: Note) -> str:
    """Stable id of an interpretative note, e.g. "un-cybercrime-2024/en/note-23-35"."""
    return f"{treaty_id}/{language}/note-" + "-".join(note.articles)


def _split(path: tuple[str, ...], article: Article) -> dict:
    parts: dict[str, str | None] = {"paragraph": None, "point": None, "subpoint": None}
    # A path mixes numbered paragraphs and lettered points; name each by its kind.
    walk = dict(article.walk())
    for k in range(1, len(path) + 1):
        kind = walk[path[:k]].kind
        if kind in parts:
            parts[kind] = path[k - 1]
    return parts


def article_citation(treaty: Treaty, article: Article, path: tuple[str, ...] = ()) -> Citation:
    """Citation of an article or one of its provisions (path such as ("3", "e"))."""
    node = article.find(path) if path else None
    if path and node is None:
        raise KeyError(f"{label(treaty.short_title, treaty.language, article.number, path)} does not exist")
    text = node.full_text() if node else article.full_text()
    return Citation(
        id=node_id(treaty.id, treaty.language, article.number, path),
        treaty=treaty.id, language=treaty.language,
        label=label(treaty.short_title, treaty.language, article.number, path),
        text=text, article=article.number, **_split(path, article),
    )


def note_citation(treaty: Treaty, note: Note) -> Citation:
    """Citation of an interpretative note."""
    return Citation(
        id=note_id(treaty.id, treaty.language, note), treaty=treaty.id, language=treaty.language,
        label=note_label(treaty.short_title, treaty.language, note), text=note.full_text(),
        article=note.articles[0] if note.articles else None, note=note.number,
    )


def preamble_citation(treaty: Treaty) -> Citation:
    """Citation of the preamble as a whole."""
    return Citation(id=f"{treaty.id}/{treaty.language}/preamble", treaty=treaty.id, language=treaty.language,
                    label=f"{_title(treaty.short_title, treaty.language)}, Preamble", text="\n\n".join(treaty.preamble))


def part_citation(treaty: Treaty, documents: list[Document], part: str) -> Citation | None:
    """The whole of a part outside the articles: the preamble, or the adopting resolution (or its preamble)."""
    if part == PREAMBLE:
        return preamble_citation(treaty) if treaty.preamble else None
    doc = resolution_of(treaty, documents)
    if doc is None:
        return None
    return resolution_citation(doc) if part == RESOLUTION else resolution_preamble_citation(doc)


def chapter_citation(treaty: Treaty, number: str) -> Citation:
    """Citation of a chapter: its heading and the articles under it, verbatim."""
    chapter = next(c for c in treaty.chapters if c.number == number)
    parts = [f"Chapter {chapter.number}. {chapter.name}"]
    for a in treaty.articles:
        if a.chapter == number:
            parts += [f"Article {a.number}. {a.title}", *a.blocks()]
    return Citation(id=f"{treaty.id}/{treaty.language}/chapter-{number}", treaty=treaty.id,
                    language=treaty.language, label=f"{_title(treaty.short_title, treaty.language)}, Chapter {number}",
                    text="\n\n".join(parts))



def citations(treaty: Treaty) -> Iterator[Citation]:
    """Every citable node of a treaty: preamble, chapters, articles, provisions, notes."""
    if treaty.preamble:
        yield preamble_citation(treaty)
    for chapter in treaty.chapters:
        yield chapter_citation(treaty, chapter.number)
    for article in treaty.articles:
        yield article_citation(treaty, article)
        for path, _ in article.walk():
            yield article_citation(treaty, article, path)
    for note in treaty.notes:
        yield note_citation(treaty, note)


_LABEL = re.compile(r"^(?P<treaty>.+?), (?:Art\. (?P<art>\d+)(?P<path>(?:\([0-9a-z]+\))*)|interpretative note on Arts?\. (?P<notes>.+))$")
_ID = re.compile(r"^(?P<treaty>[a-z0-9-]+)/(?P<lang>[a-z]{2})/(?:art-(?P<art>\d+)(?P<path>(?:/[0-9a-z]+)*)|note-(?P<notes>[0-9-]+))$")


def resolve(treaties: list[Treaty], ref: str, documents: list[Document] = ()) -> Citation:
    """Resolve a stable id or an exact pinpoint label back to its citation and verbatim text.

    Raises KeyError with a one-line reason when nothing matches; never returns a near miss.
    """
    ref = " ".join(ref.split())
    if (front := find_front(treaties, list(documents), ref)) is not None:  # preambles and the resolution
        return front
    for treaty in treaties:
        title = _title(treaty.short_title, treaty.language)
        if ref in (f"{treaty.id}/{treaty.language}/preamble", f"{title}, Preamble") and treaty.preamble:
            return preamble_citation(treaty)
        for chapter in treaty.chapters:
            if ref in (f"{treaty.id}/{treaty.language}/chapter-{chapter.number}", f"{title}, Chapter {chapter.number}"):
                return chapter_citation(treaty, chapter.number)
    if (m := _ID.match(ref)):
        treaty = next((t for t in treaties if t.id == m.group("treaty") and t.language == m.group("lang")), None)
        if treaty is None:
            raise KeyError(f"no treaty {m.group('treaty')!r} in language {m.group('lang')!r}")
        if m.group("notes"):
            return _find_note(treaty, m.group("notes").split("-"), ref)
        path = tuple(p for p in (m.group("path") or "").split("/") if p)
        return _find_article(treaty, m.group("art"), path, ref)
    if (m := _LABEL.match(ref)):
        treaty = next((t for t in treaties if _title(t.short_title, t.language) == m.group("treaty")), None)
        if treaty is None:
            raise KeyError(f"no treaty titled {m.group('treaty')!r}")
        if m.group("notes"):
            return _find_note(treaty, re.findall(r"\d+", m.group("notes")), ref)
        path = tuple(re.findall(r"\(([0-9a-z]+)\)", m.group("path") or ""))
        return _find_article(treaty, m.group("art"), path, ref)
    raise KeyError(f"{ref!r} is neither a pinpoint label nor a node id")


def _find_article(treaty: Treaty, number: str, path: tuple[str, ...], ref: str) -> Citation:
    article = treaty.article(number)
    if article is None:
        raise KeyError(f"{ref}: {treaty.short_title} has no Article {number}")
    return article_citation(treaty, article, path)


def _find_note(treaty: Treaty, articles: list[str], ref: str) -> Citation:
    for note in treaty.notes:
        if note.articles == articles:
            return note_citation(treaty, note)
    raise KeyError(f"{ref}: no interpretative note on exactly those articles")
