"""Structure-aware chunks: pieces of one article (or one interpretative note), never more.

An article that fits stays whole. A longer one is split by langchain's recursive splitter
over a text in which top-level paragraphs are separated by three newlines and the blocks
inside a paragraph (its points) by two, so the splitter cuts between paragraphs first,
then between points, then between sentences. Each chunk keeps the verbatim blocks it
covers with their pinpoint paths, so answers can cite the exact paragraph or point.

    >>> chunks = chunk_treaty(treaty, ChunkParams(size=800))
    >>> chunks[0].label
    'UN Convention against Cybercrime, Art. 1'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterator

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .frontmatter import PREAMBLE, RESOLUTION, FrontParagraph, front_paragraphs
from .model import Article, Document, Note, Provision, Treaty
from .pinpoint import article_citation, note_citation

PARAGRAPH_BREAK = "\n\n\n"
BLOCK_BREAK = "\n\n"


@dataclass(frozen=True)
class ChunkParams:
    """What the chunker was asked for; part of the index manifest."""

    size: int = 800
    overlap: int = 0
    header: bool = True  # prepend "treaty — chapter — article" to the embedded text

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


@dataclass
class Chunk:
    """A retrievable piece of one article or note, with the pinpoints of what it holds."""

    id: str  # "<node id>#<n>", e.g. "un-cybercrime-2024/en/art-35#0"
    treaty: str
    language: str
    kind: str  # "article" | "note" | "preamble" | "resolution"
    article: str  # the article (for a note: the first article it interprets; for a front paragraph its part,
    # "preamble", "resolution" or "resolution-preamble", see index/frontmatter.py)
    articles: list[str]  # every article the chunk is about (several for a joint note)
    node_id: str  # citation id of the smallest node holding the whole chunk
    path: tuple[str, ...]  # that node's pinpoint path inside the article (() = whole article or note)
    label: str  # its pinpoint label
    paragraph: str | None
    point: str | None
    chapter: str | None
    title: str  # article title, or the note's heading
    header: str
    blocks: list[tuple[tuple[str, ...], str]]  # (pinpoint path, verbatim text) in reading order
    context: str = ""  # lead-in of the enclosing paragraph when the chunk starts inside it
    note: str | None = None

    @property
    def text(self) -> str:
        """The chunk's verbatim treaty text."""
        return BLOCK_BREAK.join(text for _, text in self.blocks)

    def embedding_text(self, with_header: bool = True) -> str:
        """What the encoder sees: header, the lead-in that gives points their sense, the text."""
        parts = [self.header] if with_header else []
        if self.context:
            parts.append(self.context)
        parts.append(self.text)
        return "\n".join(parts)

    def to_dict(self) -> dict:
        """JSON-ready form (paths as lists)."""
        d = asdict(self)
        d["blocks"] = [[list(path), text] for path, text in self.blocks]
        d["path"] = list(self.path)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Chunk":
        """Inverse of to_dict."""
        d = dict(d)
        d["blocks"] = [(tuple(path), text) for path, text in d["blocks"]]
        d["path"] = tuple(d["path"])
        return cls(**d)


def _provision_blocks(node: Provision, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    here = path + (node.number,) if node.number else path
    children = [block for child in node.children for block in _provision_blocks(child, here)]
    if node.marker and not node.text and children:
        children[0] = (children[0][0], f"{node.marker} {children[0][1]}")  # "12. (a) ..." as printed
    else:
        head = f"{node.marker} {node.text}".strip() if node.marker else node.text
        if head:
            yield here, head
    yield from children
    for tail in node.tail:
        yield here, tail


def article_blocks(article: Article) -> list[list[tuple[tuple[str, ...], str]]]:
    """The article's blocks with their pinpoint paths, grouped by top-level provision."""
    return [list(_provision_blocks(p, ())) for p in article.provisions]


def _common_path(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    first = paths[0]
    n = 0
    while n < len(first) and all(len(p) > n and p[n] == first[n] for p in paths):
        n += 1
    return first[:n]


def _splitter(params: ChunkParams) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=[PARAGRAPH_BREAK, BLOCK_BREAK, "\n", ". ", "; ", ", ", " "],
        keep_separator="end", chunk_size=params.size, chunk_overlap=params.overlap,
        add_start_index=True, strip_whitespace=True,
    )


def _pieces(groups: list[list[tuple[tuple[str, ...], str]]], params: ChunkParams) -> list[list[tuple[tuple[str, ...], str]]]:
    """Split grouped blocks into chunk-sized runs of (path, verbatim text)."""
    text, spans = "", []
    for g, group in enumerate(groups):
        for b, (path, block) in enumerate(group):
            if text:
                text += PARAGRAPH_BREAK if b == 0 else BLOCK_BREAK
            spans.append((len(text), len(text) + len(block), path))
            text += block
    if not text:
        return []
    out = []
    for doc in _splitter(params).create_documents([text]):
        start = doc.metadata["start_index"]
        end = start + len(doc.page_content)
        piece = []
        for s, e, path in spans:
            lo, hi = max(s, start), min(e, end)
            if lo < hi and (part := text[lo:hi].strip()):
                piece.append((path, part))
        if piece:
            out.append(piece)
    return out


def _lead_in(groups: list[list[tuple[tuple[str, ...], str]]], path: tuple[str, ...], first_text: str) -> str:
    """The opening block of the top-level provision a chunk starts inside, if it is cut off from it."""
    if not path:
        return ""
    for group in groups:
        if group and group[0][0][:1] == path[:1]:
            head_path, head = group[0]
            if head_path != path or not head.startswith(first_text):
                return head
    return ""


def chunk_article(treaty: Treaty, article: Article, params: ChunkParams) -> list[Chunk]:
    """Chunks of one article; a short article is one chunk."""
    chapter = next((c for c in treaty.chapters if c.number == article.chapter), None)
    header = " — ".join(filter(None, [
        treaty.short_title,
        f"Chapter {chapter.number}. {chapter.name}" if chapter else "",
        f"Article {article.number}. {article.title}",
    ]))
    groups = article_blocks(article)
    chunks = []
    for n, blocks in enumerate(_pieces(groups, params)):
        path = _common_path([p for p, _ in blocks])
        cite = article_citation(treaty, article, path)
        chunks.append(Chunk(
            id=f"{cite.id.split('/art-')[0]}/art-{article.number}#{n}", treaty=treaty.id, language=treaty.language,
            kind="article", article=article.number, articles=[article.number], node_id=cite.id, path=path, label=cite.label,
            paragraph=cite.paragraph, point=cite.point, chapter=article.chapter, title=article.title,
            header=header, blocks=blocks, context=_lead_in(groups, blocks[0][0], blocks[0][1]),
        ))
    return chunks


def chunk_note(treaty: Treaty, note: Note, params: ChunkParams) -> list[Chunk]:
    """Chunks of one interpretative note, headed by the articles it interprets."""
    cite = note_citation(treaty, note)
    titles = [f"Article {a}. {art.title}" for a in note.articles if (art := treaty.article(a))]
    header = " — ".join([treaty.short_title, f"Interpretative note on {', '.join(titles)}"])
    first = treaty.article(note.articles[0]) if note.articles else None
    chunks = []
    for n, blocks in enumerate(_pieces([[((), p)] for p in note.paragraphs], params)):
        chunks.append(Chunk(
            id=f"{cite.id}#{n}", treaty=treaty.id, language=treaty.language, kind="note",
            article=note.articles[0] if note.articles else "", articles=list(note.articles), node_id=cite.id,
            path=(), label=cite.label, paragraph=None, point=None, chapter=first.chapter if first else None,
            title=note.heading, header=header, blocks=blocks, note=note.number,
        ))
    return chunks


def _front_header(treaty: Treaty, paragraph: FrontParagraph, meeting: str) -> str:
    if paragraph.part == PREAMBLE:
        return f"{treaty.short_title} — Preamble"
    # The embedded header names what the resolution is (never shown); kept short, since one long header
    # shared by every paragraph drowns what tells the paragraphs apart. The adoption's date goes with
    # the paragraph that adopts and with the title.
    symbol = paragraph.citation.label.split(",")[0]
    head = f"{symbol} — General Assembly resolution adopting the {treaty.short_title}"
    return f"{head} — {meeting}" if paragraph.number in ("2", "title") and meeting else head


def chunk_front(treaty: Treaty, documents: list[Document] = ()) -> list[Chunk]:
    """Chunks of the front paragraphs (preamble, adopting resolution): each paragraph one chunk, whole.

    None is much longer than a chunk (the longest, 915 characters); each is one long sentence, which the
    splitter could only cut at a comma or after its "5." marker, leaving quotable fragments."""
    paragraphs = front_paragraphs(treaty, documents)
    meeting = next((p.text for p in paragraphs if p.number == "meeting"), "")
    out = []
    for p in paragraphs:
        cite = p.citation
        out.append(Chunk(
            id=f"{cite.id}#0", treaty=treaty.id, language=treaty.language,
            kind=PREAMBLE if p.part == PREAMBLE else RESOLUTION, article=p.part, articles=[p.part],
            node_id=cite.id, path=(p.number,), label=cite.label, paragraph=p.number, point=None, chapter=None,
            title="Preamble" if p.part == PREAMBLE else "General Assembly resolution adopting the Convention",
            header=_front_header(treaty, p, meeting), blocks=[((p.number,), p.text)], context=p.opening,
        ))
    return out


def chunk_treaty(treaty: Treaty, params: ChunkParams, documents: list[Document] = ()) -> list[Chunk]:
    """All chunks of one language version: every article, every interpretative note, then the preamble's
    paragraphs and those of the resolution that adopted it (`documents`: the corpus's resolutions)."""
    out: list[Chunk] = []
    for article in treaty.articles:
        out.extend(chunk_article(treaty, article, params))
    for note in treaty.notes:
        out.extend(chunk_note(treaty, note, params))
    out.extend(chunk_front(treaty, documents))
    return out
