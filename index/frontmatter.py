"""The texts around the articles: a treaty's preamble and the resolution that adopted it, as
numbered, citable paragraphs.

Numbering follows the United Nations' own practice for preambular paragraphs: the opening words
("The General Assembly,", "The States Parties to the present Convention,") and the closing
"Have agreed as follows:" are not paragraphs of their own, so the first "Recalling …" is
preambular paragraph 1. Operative paragraphs keep the number printed before them.

    >>> [p.citation.label for p in resolution_paragraphs(doc)][:2]
    ['A/RES/79/243, title', 'A/RES/79/243, preamble, para. 1']
    >>> treaty_preamble(un)[11].citation.id
    'un-cybercrime-2024/en/preamble/12'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Citation, Document, Treaty

# The "part" of a front paragraph: the `article` of its citations, of its chunks and of eval gold labels.
PREAMBLE = "preamble"  # a treaty's preamble
RESOLUTION = "resolution"  # the resolution's title, operative paragraphs and the meeting that adopted it
RESOLUTION_PREAMBLE = "resolution-preamble"
PARTS = (PREAMBLE, RESOLUTION, RESOLUTION_PREAMBLE)
CHUNK_KINDS = (PREAMBLE, RESOLUTION)  # the `kind` of their chunks

_OPERATIVE = re.compile(r"^(\d+)\.\s")
_MEETING = re.compile(r"\bplenary meeting\b", re.I)


@dataclass(frozen=True)
class FrontParagraph:
    """One citable paragraph outside the articles."""

    part: str  # PREAMBLE | RESOLUTION | RESOLUTION_PREAMBLE
    number: str  # "12" for a numbered paragraph; "title" or "meeting" for the resolution's own lines
    text: str  # verbatim
    citation: Citation
    opening: str = ""  # the words the paragraph continues ("The General Assembly,")


def _title(short_title: str, language: str) -> str:
    return short_title if language == "en" else f"{short_title} ({language.upper()})"


def _is_opening(paragraph: str) -> bool:
    # "The States Parties to the present Convention," — a short subject line ending in a comma.
    return paragraph.endswith(",") and len(paragraph.split()) <= 10 and paragraph[:1].isupper()


def treaty_preamble(treaty: Treaty) -> list[FrontParagraph]:
    """The numbered paragraphs of a treaty's preamble; none when it was read as one unsplit block
    (the companion treaties' texts print their preambles as one paragraph, which no pinpoint can divide)."""
    paragraphs = list(treaty.preamble)
    if len(paragraphs) < 3:
        return []
    opening = paragraphs.pop(0) if _is_opening(paragraphs[0]) else ""
    if paragraphs and paragraphs[-1].endswith(":"):
        paragraphs.pop()  # "Have agreed as follows:"
    title = _title(treaty.short_title, treaty.language)
    out = []
    for n, text in enumerate(paragraphs, 1):
        cite = Citation(id=f"{treaty.id}/{treaty.language}/preamble/{n}", treaty=treaty.id, language=treaty.language,
                        label=f"{title}, Preamble, para. {n}", text=text, article=PREAMBLE, paragraph=str(n))
        out.append(FrontParagraph(PREAMBLE, str(n), text, cite, opening))
    return out


def _resolution_cite(doc: Document, suffix: str, label: str, text: str, paragraph: str | None = None,
                     part: str = RESOLUTION) -> Citation:
    # Resolution citations carry no language in their ids: only the English resolution is read here.
    return Citation(id=f"{doc.id}/{suffix}", treaty=doc.id.split("/")[0], language="en",
                    label=f"{doc.symbol}, {label}", text=text, article=part, paragraph=paragraph)


def resolution_paragraphs(doc: Document) -> list[FrontParagraph]:
    """The resolution's title, preambular paragraphs, operative paragraphs and the meeting line, in printed order."""
    paragraphs = doc.paragraphs
    opening_at = next((k for k, p in enumerate(paragraphs) if _is_opening(p)), None)
    if opening_at is None:
        return []
    opening = paragraphs[opening_at]
    title = " ".join(paragraphs[:opening_at])
    out = [FrontParagraph(RESOLUTION, "title", title, _resolution_cite(doc, "title", "title", title, "title"), "")]
    preambular = 0
    for text in paragraphs[opening_at + 1:]:
        if (m := _OPERATIVE.match(text)):
            cite = _resolution_cite(doc, f"para-{m.group(1)}", f"para. {m.group(1)}", text, m.group(1))
            out.append(FrontParagraph(RESOLUTION, m.group(1), text, cite, opening))
        elif _MEETING.search(text) and len(text) < 100:
            out.append(FrontParagraph(RESOLUTION, "meeting", text,
                                      _resolution_cite(doc, "meeting", "plenary meeting", text, "meeting")))
        else:
            preambular += 1
            cite = _resolution_cite(doc, f"preamble-{preambular}", f"preamble, para. {preambular}", text, str(preambular),
                                    RESOLUTION_PREAMBLE)
            out.append(FrontParagraph(RESOLUTION_PREAMBLE, str(preambular), text, cite, opening))
    return out


def resolution_citation(doc: Document) -> Citation:
    """The adopting resolution as a whole, cited by its symbol."""
    return Citation(id=doc.id, treaty=doc.id.split("/")[0], language="en", label=doc.symbol,
                    text="\n\n".join(doc.paragraphs), article=RESOLUTION)


def resolution_of(treaty: Treaty, documents: list[Document]) -> Document | None:
    """The resolution that adopted a treaty, for its English text (the only resolution language read here)."""
    if treaty.language != "en":
        return None
    return next((d for d in documents if d.id.split("/")[0] == treaty.id), None)


def resolution_preamble_citation(doc: Document) -> Citation | None:
    """The resolution's preamble as a whole: its opening words and every preambular paragraph."""
    parts = [p for p in resolution_paragraphs(doc) if p.part == RESOLUTION_PREAMBLE]
    if not parts:
        return None
    return _resolution_cite(doc, "preamble", "preamble", "\n\n".join([parts[0].opening, *(p.text for p in parts)]),
                            part=RESOLUTION_PREAMBLE)


def front_paragraphs(treaty: Treaty, documents: list[Document] = ()) -> list[FrontParagraph]:
    """Every front paragraph that belongs with one language version: its preamble's and, for the
    English text, those of the resolution that adopted it."""
    doc = resolution_of(treaty, documents)
    return treaty_preamble(treaty) + (resolution_paragraphs(doc) if doc is not None else [])


def find_front(treaties: list[Treaty], documents: list[Document], ref: str) -> Citation | None:
    """The front paragraph (or the whole resolution, or its preamble) whose id or exact label is `ref`, or None."""
    for doc in documents:
        for whole in (resolution_citation(doc), resolution_preamble_citation(doc)):
            if whole is not None and ref in (whole.id, whole.label):
                return whole
    for treaty in treaties:
        for p in front_paragraphs(treaty, documents):
            if ref in (p.citation.id, p.citation.label):
                return p.citation
    return None
