"""Extractive answers: the treaty's own sentences that best match the question, each followed
by the pinpoint of the paragraph or point it comes from.

Nothing here writes a word of its own into an answer's sentences: every sentence is a
verbatim slice of one provision, and the citation after it names that provision.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from index.chunking import Chunk
from index.corpus import Corpus
from index.frontmatter import CHUNK_KINDS, find_front
from index.model import Citation
from index.pinpoint import article_citation, note_citation

from .definitions import Definition
from .silence import generic_stems
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
    position: tuple = ()  # where it is printed in its article: (block index, sentence index)
    meaning: float = 0.0  # cosine of its paragraph/point with the question
    named: bool = False  # the question uses an everyday name (a guide term) of its article


def block_citation(corpus: Corpus, chunk: Chunk, path: tuple[str, ...]) -> Citation:
    """Citation of the provision a block of a chunk belongs to."""
    if chunk.kind in CHUNK_KINDS:  # a preamble or resolution paragraph, cited whole
        return find_front([corpus.get(chunk.treaty, chunk.language)], list(corpus.documents.values()), chunk.node_id)
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
               idf: dict[str, float], meaning=None, named: frozenset = frozenset()) -> list[Sentence]:
    """Every sentence of the given (rank, chunk) passages, scored against the question: by the words it
    shares with it and, with ``meaning(passage rank, block index)``, by its block's cosine with the question.
    ``named``: (treaty, article) pairs, or (treaty, part, paragraph) for the preamble and the resolution, whose
    everyday names (the guide's terms) the question uses."""
    # Words about the form of the question ("crime", "treaty", "allowed") would favour "proceeds of crime"
    # for "Is ransomware a crime?": coverage counts only the words that name its subject.
    q = set(tokens(question, language)) - generic_stems(language)
    total = sum(idf.get(t, 0.0) for t in q) or 1.0
    out = []
    for rank, chunk in passages:
        order = 0
        where = _reading_order(corpus, chunk)
        for b, (path, block) in enumerate(chunk.blocks):
            cite = block_citation(corpus, chunk, path)
            cosine = meaning(rank, b) if meaning is not None else 0.0
            for n, text in enumerate(sentences(strip_marker(block))):
                words = set(tokens(text, chunk.language))
                coverage = sum(idf.get(t, 0.0) for t in q & words) / total
                out.append(Sentence(text, cite, rank, order, coverage, _lead_in(corpus, chunk, path),
                                    (where.get(path, len(where)), n), cosine,
                                    bool({(chunk.treaty, chunk.article), (chunk.treaty, chunk.article, chunk.paragraph)} & named)))
                order += 1
    return out


def _reading_order(corpus: Corpus, chunk: Chunk) -> dict[tuple[str, ...], int]:
    """Pinpoint path -> its place in the article's reading order (empty for a note)."""
    if chunk.kind != "article":
        return {}
    article = corpus.get(chunk.treaty, chunk.language).article(chunk.article)
    return {(): -1, **{path: n for n, (path, _) in enumerate(article.walk())}}


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


# What a question asks for decides which sentences of a provision answer it.
_HOW_LONG = re.compile(r"\b(?:how\s+long|how\s+many\s+(?:days|months|years)|(?:time|period)\s+limit|duration|"
                       r"deadline|until\s+when|expire|hoe\s+lang|termijn)\b", re.I)
_WHEN = re.compile(r"^\s*(?:when|wanneer)\b|\benter(?:s|ed)?\s+into\s+force|in\s+werking", re.I)
_MODAL = re.compile(r"^\s*(?:can|could|may|must|is|are|does|do|will|would|should|has|have|kan|mag|moet|is)\b", re.I)
# A sentence that limits or excepts the rule around it ("shall not be interpreted as imposing criminal
# liability where…", "may refuse", "may reserve the right"), quoted beside the rule for yes/no questions.
_EXCEPTION = re.compile(r"\b(?:shall\s+not\s+be\s+interpreted|not\s+be\s+(?:obliged|required)|may\s+(?:refuse|decline|"
                        r"reserve|require|limit|postpone)|reserve\s+the\s+right|ground\w*\s+for\s+refus\w*|unless|except|"
                        r"notwithstanding|without\s+right|authori[sz]ed\s+testing|protection\s+of\s+an?\s+information)\b", re.I)
_DURATION = re.compile(r"\b(?:\d+|one|two|three|six|thirty|sixty|ninety|hundred)\b[^.;]{0,40}\b(?:days?|months?|years?)\b|"
                       r"\bperiod\b|\brenew\w*|\bextend\w*|\bdagen\b|\btermijn\b", re.I)
# A date or a time from an event: what a "when" question asks for ("24 December 2024", "in 2025",
# "one year after the adoption").
_DATE = re.compile(r"\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|"
                   r"December)\s+\d{4}\b|\bin\s+(?:19|20)\d\d\b|\b(?:days?|months?|years?)\s+(?:after|following|from)\b", re.I)
# A sentence that only continues the one before it ("Such…", "That…", "However…").
_CONTINUES = re.compile(r"^(?:such|that|this|these|those|however|it|they|in\s+that\s+case|any\s+such|the\s+foregoing|"
                        r"for\s+that\s+purpose|dergelijke|deze|dit|die)\b", re.I)
MAX_LINES = 4


def question_form(question: str) -> str:
    """What the question asks for: "how-long", "when", "yes-no" (can/must/is…) or "open"."""
    if _HOW_LONG.search(question):
        return "how-long"
    if _WHEN.search(question):
        return "when"
    if _MODAL.match(question):
        return "yes-no"
    return "open"


# How a sentence's worth is weighed (chosen on the answer eval's dev split): the words it shares with
# the question, its paragraph's closeness in meaning (spread over the candidates' range), its passage's rank.
COVERAGE_WEIGHT = 1.0
MEANING_WEIGHT = 2.0
RANK_WEIGHT = 0.3
FIRST_FROM_TOP = 2  # the first line comes from the best passage(s) up to this rank
NAMED_WEIGHT = 0.5  # lift of a sentence whose article the question names in everyday words ("ransomware")


def _score(s: Sentence, form: str, low: float = 0.0, high: float = 0.0) -> float:
    """A sentence's worth as an answer line: word coverage, meaning, its passage's rank, and what the form asks for."""
    meaning = (s.meaning - low) / (high - low) if high > low else 0.0
    score = COVERAGE_WEIGHT * s.coverage + MEANING_WEIGHT * meaning + RANK_WEIGHT / s.rank + NAMED_WEIGHT * s.named
    if form == "how-long" and _DURATION.search(s.text):
        score += 0.3
    if form == "when" and _DATE.search(s.text):
        score += 0.3
    if s.text.rstrip().endswith(":"):
        score -= 0.2  # a lead-in says nothing until the points it introduces
    return score


def select(cands: list[Sentence], max_sentences: int = 3, per_passage: int = 2, form: str = "open",
           first_from_top: int = FIRST_FROM_TOP) -> list[Sentence]:
    """The answer's sentences: the best one of the top passages (up to rank ``first_from_top``), then the best
    others; then the sentences that qualify a chosen one (the rest of its paragraph when it continues it, a
    period's renewal), and for a yes/no question the article's own exceptions and limits among the candidates."""
    if not cands:
        return []
    low, high = min(s.meaning for s in cands), max(s.meaning for s in cands)
    worth = {id(s): _score(s, form, low, high) for s in cands}
    top = min(s.rank for s in cands) + first_from_top - 1
    best_first = max((s for s in cands if s.rank <= top), key=lambda s: (worth[id(s)], -s.rank, -s.order))
    if form == "when":
        # "When…?" is answered by the main rule before the special cases: the earliest paragraph of the
        # lead's article that is nearly as good as the lead.
        same = [s for s in cands if s.citation.treaty == best_first.citation.treaty
                and s.citation.article == best_first.citation.article and worth[id(s)] >= 0.8 * worth[id(best_first)]]
        best_first = min(same, key=lambda s: s.position) if same else best_first
    best_first = _completed(best_first, cands, worth)
    scored = sorted(cands, key=lambda s: (-worth[id(s)], s.rank, s.order))
    chosen = [best_first]
    for s in scored:
        if len(chosen) >= max_sentences:
            break
        if s is best_first or s.coverage <= 0.2 or s.text.rstrip().endswith(":"):
            continue
        if sum(1 for c in chosen if c.rank == s.rank) >= per_passage:
            continue
        if any(c.text == s.text for c in chosen):
            continue
        chosen.append(s)
    for s in list(chosen):
        nxt = _next_in_block(s, cands)
        if nxt is not None and nxt not in chosen and len(chosen) < MAX_LINES + 1 and (
                _CONTINUES.match(nxt.text) or (form == "how-long" and _DURATION.search(nxt.text))):
            chosen.append(nxt)
    if form == "yes-no":
        articles = {(c.citation.treaty, c.citation.article) for c in chosen[:2]}
        limits = [s for s in cands if (s.citation.treaty, s.citation.article) in articles and s not in chosen
                  and _EXCEPTION.search(s.text) and s.coverage > 0 and not s.text.rstrip().endswith(":")]
        for s in sorted(limits, key=lambda s: (-s.coverage, s.rank, s.order))[:1]:
            if len(chosen) < MAX_LINES + 1:
                chosen.append(s)
    return chosen


def _completed(s: Sentence, cands: list[Sentence], worth: dict[int, float]) -> Sentence:
    """A lead-in ("…may include:") is replaced by the best point it introduces, which brings it along."""
    if not s.text.rstrip().endswith(":"):
        return s
    points = [c for c in cands if c.rank == s.rank and c.lead_in is not None and c.lead_in.id == s.citation.id]
    return max(points, key=lambda c: (worth[id(c)], -c.order)) if points else s


def _next_in_block(s: Sentence, cands: list[Sentence]) -> Sentence | None:
    """The sentence printed right after s in the same provision, if it is a candidate."""
    return next((c for c in cands if c.rank == s.rank and c.order == s.order + 1 and c.citation.id == s.citation.id), None)


def render(chosen: list[Sentence], treaty_order: list[str], titles: dict[str, str]) -> tuple[str, list[Citation], list[tuple[str, Citation]]]:
    """Answer text with a [label] after every sentence (grouped by treaty when several), the citations
    used, and the quoted lines (text, citation) in the order shown.

    The deciding sentence (chosen first) comes first; then articles in the order of their best
    sentence, each in the treaty's reading order; a point is preceded by the lead-in it completes."""
    lines, used, quotes = [], [], []
    groups = [t for t in treaty_order if any(s.citation.treaty == t for s in chosen)]
    for treaty in groups:
        if len(groups) > 1:
            lines.append(f"{titles[treaty]}:")
        mine = [s for s in chosen if s.citation.treaty == treaty]
        first_seen = {}
        for n, s in enumerate(mine):
            first_seen.setdefault((s.citation.article, s.citation.note), n)
        # The lead (the deciding sentence, chosen first) opens its treaty's group; the rest follow their
        # article's reading order, articles in the order of their best sentence.
        lead = mine[0] if mine and mine[0] is chosen[0] else None
        rest = sorted((s for s in mine if s is not lead), key=lambda s: (first_seen[(s.citation.article, s.citation.note)], s.position))
        ordered = ([lead] if lead is not None else []) + rest
        seen_leads = set()
        for s in ordered:
            if s.lead_in and s.lead_in.id not in seen_leads and not any(c.text == s.lead_in.text for c in chosen):
                seen_leads.add(s.lead_in.id)
                lines.append(f"{s.lead_in.text} [{s.lead_in.label}]")
                used.append(s.lead_in)
                quotes.append((s.lead_in.text, s.lead_in))
            lines.append(f"{s.text} [{s.citation.label}]")
            used.append(s.citation)
            quotes.append((s.text, s.citation))
        if len(groups) > 1:
            lines.append("")
    unique = list({c.id: c for c in used}.values())
    return "\n".join(lines).strip(), unique, quotes


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
