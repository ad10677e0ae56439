"""Extractive answers: the treaty's own sentences that best match the question, each followed
by the pinpoint of the paragraph or point it comes from.

Nothing here writes a word of its own into an answer's sentences: every sentence is a
verbatim slice of one provision, and the citation after it names that provision.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from index.chunking import Chunk
from index.corpus import Corpus
from index.model import Citation
from index.pinpoint import article_citation, note_citation

from .definitions import Definition
from .text import sentences, strip_marker, tokens


@dataclass
class Sentence:
    """A candidate answer sentence and where it sits."""

    text: str
    citation: Citation
    rank: int  # rank of the passage it comes from
    order: int  # position inside that passage
    coverage: float  # idf-weighted share of the question's words it contains
    lead_in: Citation | None = None  # the "…the following:" text a point completes


def block_citation(corpus: Corpus, chunk: Chunk, path: tuple[str, ...]) -> Citation:
    """Citation of the provision a block of a chunk belongs to."""
    treaty = corpus.get(chunk.treaty, chunk.language)
    if chunk.kind == "note":
        return note_citation(treaty, next(n for n in treaty.notes if n.number == chunk.note))
    return article_citation(treaty, treaty.article(chunk.article), path)


def _lead_in(corpus: Corpus, chunk: Chunk, path: tuple[str, ...]) -> Citation | None:
    """The parent provision whose own text ends in ':' when path is a point completing it."""
    if chunk.kind != "article" or not path:
        return None
    return lead_in(corpus, chunk.treaty, chunk.language, chunk.article, path)


def lead_in(corpus: Corpus, treaty_id: str, language: str, article_number: str, path: tuple[str, ...]) -> Citation | None:
    """The "... the following:" text a point at `path` completes, cited as its own provision, or None."""
    treaty = corpus.get(treaty_id, language)
    article = treaty.article(article_number) if treaty else None
    node = article.find(path) if article and path else None
    if node is None or node.kind not in ("point", "subpoint"):
        return None
    parent_path = path[:-1]
    if parent_path:
        parent = article.find(parent_path)
        text = parent.text if parent else ""
    else:
        parent = next((p for p in article.provisions if p.kind == "text"), None)
        text = parent.text if parent else ""
    if not text.rstrip().endswith((":", "—")):
        return None
    cite = article_citation(treaty, article, parent_path)
    return replace(cite, text=text)


def candidates(corpus: Corpus, passages: list[tuple[int, Chunk]], question: str, language: str,
               idf: dict[str, float]) -> list[Sentence]:
    """Every sentence of the given (rank, chunk) passages, scored against the question."""
    q = set(tokens(question, language))
    total = sum(idf.get(t, 0.0) for t in q) or 1.0
    out = []
    for rank, chunk in passages:
        order = 0
        for path, block in chunk.blocks:
            cite = block_citation(corpus, chunk, path)
            for text in sentences(strip_marker(block)):
                words = set(tokens(text, chunk.language))
                coverage = sum(idf.get(t, 0.0) for t in q & words) / total
                out.append(Sentence(text, cite, rank, order, coverage, _lead_in(corpus, chunk, path)))
                order += 1
    return out


def definition_sentences(corpus: Corpus, definition: Definition) -> list[Sentence]:
    """A definition as answer sentences: the defining text, then each listed point it opens."""
    citation, path = definition.citation, definition.path
    treaty = corpus.get(citation.treaty, citation.language)
    article = treaty.article(citation.article)
    node = article.find(path)
    out = [Sentence(strip_marker(f"{node.marker} {node.text}".strip()), citation, 0, 0, 1.0,
                    lead_in(corpus, citation.treaty, citation.language, citation.article, path))]
    for n, (sub, child) in enumerate(((p, c) for p, c in article.walk() if p[:len(path)] == path and len(p) == len(path) + 1), 1):
        out.append(Sentence(strip_marker(f"{child.marker} {child.text}".strip()), article_citation(treaty, article, sub), 0, n, 1.0))
    return out


def select(cands: list[Sentence], max_sentences: int = 3, per_passage: int = 2) -> list[Sentence]:
    """The best sentences: the top passage's best one always, then the highest-scoring others."""
    if not cands:
        return []
    best_first = max((s for s in cands if s.rank == cands[0].rank), key=lambda s: (s.coverage, -s.order))
    scored = sorted(cands, key=lambda s: (-(s.coverage + 0.15 / s.rank), s.rank, s.order))
    chosen = [best_first]
    for s in scored:
        if len(chosen) >= max_sentences:
            break
        if s is best_first or s.coverage <= 0.2:
            continue
        if sum(1 for c in chosen if c.rank == s.rank) >= per_passage:
            continue
        if any(c.text == s.text for c in chosen):
            continue
        chosen.append(s)
    return chosen


def render(chosen: list[Sentence], treaty_order: list[str], titles: dict[str, str]) -> tuple[str, list[Citation]]:
    """Answer text with a [label] after every sentence (grouped by treaty when several), and the citations used."""
    lines, used = [], []
    groups = [t for t in treaty_order if any(s.citation.treaty == t for s in chosen)]
    for treaty in groups:
        if len(groups) > 1:
            lines.append(f"{titles[treaty]}:")
        seen_leads = set()
        for s in sorted((s for s in chosen if s.citation.treaty == treaty), key=lambda s: (s.rank, s.order)):
            if s.lead_in and s.lead_in.id not in seen_leads and not any(c.text == s.lead_in.text for c in chosen):
                seen_leads.add(s.lead_in.id)
                lines.append(f"{s.lead_in.text} [{s.lead_in.label}]")
                used.append(s.lead_in)
            lines.append(f"{s.text} [{s.citation.label}]")
            used.append(s.citation)
        if len(groups) > 1:
            lines.append("")
    unique = list({c.id: c for c in used}.values())
    return "\n".join(lines).strip(), unique


def provisions_list(passages: list[tuple[int, Chunk]], treaty_order: list[str], titles: dict[str, str]) -> str:
    """The "Provisions" block: every retrieved provision's label and title, grouped by treaty."""
    lines = ["Provisions:"]
    several = len({c.treaty for _, c in passages}) > 1
    for treaty in treaty_order:
        rows = list(dict.fromkeys(f"- {c.label} — {c.title}" for _, c in passages if c.treaty == treaty))
        if rows and several:
            lines.append(f"{titles[treaty]}:")
        lines += rows
    return "\n".join(lines)
