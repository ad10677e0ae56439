"""Comparing an article with its counterpart(s) in another treaty: the concordance's matches, each with its
paragraphs aligned and word-level differences, for the CLI/API (`compare`), the compare view and chat
questions such as "How does the UN convention differ from Budapest on real-time collection of traffic data?".

Everything shown of a treaty is its verbatim text with its pinpoint; the only prose of ours is a reviewed
link's note, always labelled editorial.

    >>> result = compare(corpus, "UN Convention against Cybercrime Art. 29", "coe-budapest-2001")
    >>> result.matches[0].citation.label, result.matches[0].status
    ('Budapest Convention, Art. 20', 'reviewed')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.catalog import load_catalog
from index.corpus import Corpus
from index.model import Citation, Treaty
from index.pinpoint import article_citation

from .alignment import Op, Row, align, blocks, word_diff
from .concordance import EDITORIAL, Concordances
from .conversation import named_treaties, without_treaty_names
from .errors import UserError
from .lookup import lookup
from .retriever import Scope
from .text import tokens

COMPARE_PREFIX = "compare:"  # a viewer link "compare:<article id>|<treaty id>" opens the compare view


@dataclass
class AlignedRow:
    """One aligned row: a block of the article and of its counterpart (either may be missing), and their diff."""

    source: Citation | None
    target: Citation | None
    similarity: float
    diff: list[Op] = field(default_factory=list)
    source_text: str = ""  # the printed block (a paragraph's own line; its points have rows of their own)
    target_text: str = ""

    def to_dict(self) -> dict:
        """JSON form: {"from", "to", "similarity", "diff"}."""
        return {"from": self.source.id if self.source else None, "to": self.target.id if self.target else None,
                "similarity": self.similarity, "diff": [op.to_dict() for op in self.diff]}


@dataclass
class Counterpart:
    """One corresponding article in the other treaty, with the aligned paragraphs."""

    citation: Citation  # the whole article, in the language shown
    heading: str  # "Article 20. Real-time collection of traffic data"
    score: float
    status: str  # "reviewed" | "computed"
    note: str  # reviewed links: what differs, in our words (editorial); else ""
    rows: list[AlignedRow]

    def to_dict(self) -> dict:
        """JSON form of one match."""
        return {"citation": self.citation.to_dict(), "heading": self.heading, "score": self.score, "status": self.status,
                "note": {"text": self.note, "editorial": True, "label": EDITORIAL} if self.note else None,
                "alignment": [r.to_dict() for r in self.rows]}


@dataclass
class Comparison:
    """An article compared with its counterpart(s) in another treaty."""

    reference: str
    source: Citation  # the whole article compared
    heading: str
    with_treaty: str
    with_language: str
    matches: list[Counterpart]
    message: str
    diffed: bool  # word differences are shown only between two texts in one language

    def to_dict(self) -> dict:
        """The CLI/API JSON shape (see README)."""
        return {"reference": self.reference, "from": self.source.to_dict(), "heading": self.heading,
                "with": self.with_treaty, "language": self.with_language,
                "matches": [m.to_dict() for m in self.matches], "message": self.message}

    @property
    def link(self) -> str:
        """The node id that opens this comparison in the viewer."""
        return compare_link(self.source.id, self.with_treaty)


def compare_link(article_id: str, with_treaty: str) -> str:
    """The viewer link id of a comparison."""
    return f"{COMPARE_PREFIX}{article_id}|{with_treaty}"


def parse_link(link: str) -> tuple[str, str]:
    """(article id, treaty id) of a compare link; UserError when it is not one."""
    body = link[len(COMPARE_PREFIX):] if link.startswith(COMPARE_PREFIX) else ""
    article_id, _, treaty = body.partition("|")
    if not article_id or not treaty:
        raise UserError(f"{link[:80]!r} is not a comparison link")
    return article_id, treaty


def _titles() -> dict[str, str]:
    return {e.id: e.short_title for e in load_catalog()}


def heading(article) -> str:
    """"Article 20. Real-time collection of traffic data"."""
    return f"Article {article.number}. {article.title}" if article.title else f"Article {article.number}"


def _language(corpus: Corpus, treaty: str, wanted: str) -> str:
    """The language shown for a treaty: the wanted one if the treaty has it, else English."""
    return wanted if corpus.get(treaty, wanted) is not None else "en"


def _shown(article, english) -> list[str | None]:
    """The shown article's block texts, position by position of the English blocks it was aligned through
    (None where the two versions' structure differs)."""
    shown, base = blocks(article), blocks(english)
    if [x.path for x in shown] == [x.path for x in base]:
        return [x.text for x in shown]
    by_path = {}
    for x in shown:
        by_path.setdefault(x.path, x.text)
    return [by_path.get(x.path) for x in base]


def aligned_rows(corpus: Corpus, a: Treaty, article_a, b: Treaty, article_b) -> list[AlignedRow]:
    """Rows of two articles' aligned blocks. Texts in two languages are aligned through their English
    versions (same pinpoints) and get no word difference."""
    same = a.language == b.language
    ea = article_a if a.language == "en" or same else corpus.get(a.id, "en").article(article_a.number)
    eb = article_b if b.language == "en" or same else corpus.get(b.id, "en").article(article_b.number)
    rows: list[Row] = align(blocks(ea), blocks(eb), a.language if same else "en")
    shown_a, shown_b = _shown(article_a, ea), _shown(article_b, eb)
    out = []
    for r in rows:
        ta = shown_a[r.ia] if r.ia is not None else None
        tb = shown_b[r.ib] if r.ib is not None else None
        src = article_citation(a, article_a, r.a) if ta is not None else None
        dst = article_citation(b, article_b, r.b) if tb is not None else None
        if src is None and dst is None:
            continue
        if not same:
            diff = []
        elif src and dst:
            diff = word_diff(ta, tb)
        else:
            diff = [Op("removed", ta)] if src else [Op("added", "", tb)]
        out.append(AlignedRow(src, dst, r.similarity, diff, ta or "", tb or ""))
    return out


def _article_of(corpus: Corpus, reference: str) -> tuple[Treaty, object, Citation]:
    found = lookup(corpus, reference)
    c = found.citation
    if not found.found or c is None:
        raise UserError(found.message or f"no such provision: {reference[:80]!r}")
    if c.article is None or not c.article.isdigit() or c.note is not None:
        raise UserError(f"{c.label} is not an article; compare works on articles, e.g. "
                        "'UN Convention against Cybercrime Art. 29'")
    treaty = corpus.get(c.treaty, c.language)
    return treaty, treaty.article(c.article), c


def compare(corpus: Corpus, reference: str, with_treaty: str, book: Concordances | None = None) -> Comparison:
    """The article a reference names, compared with its counterpart(s) in another treaty; UserError for bad input."""
    titles = _titles()
    if with_treaty not in titles:
        raise UserError(f"unknown treaty {with_treaty!r}; known: {', '.join(titles)}")
    treaty, article, cited = _article_of(corpus, reference)
    if with_treaty == treaty.id:
        raise UserError(f"{cited.label} is already in the {titles[with_treaty]}; choose another treaty to compare with")
    if not corpus.languages(with_treaty):
        raise UserError(f"{titles[with_treaty]} is not loaded here (run `python -m index inspect`)")
    book = book or Concordances.load()
    lang = _language(corpus, with_treaty, treaty.language)
    other = corpus.get(with_treaty, lang)
    source = article_citation(treaty, article)
    matches = []
    for m in book.matches(treaty.id, article.number, with_treaty):
        counterpart = other.article(m.article)
        if counterpart is None:
            continue
        matches.append(Counterpart(article_citation(other, counterpart), heading(counterpart), m.score, m.status, m.note,
                                   aligned_rows(corpus, treaty, article, other, counterpart)))
    name, there = f"{titles[treaty.id]} Art. {article.number}", titles[with_treaty]
    if matches:
        kinds = sorted({m.status for m in matches})
        message = (f"{name} corresponds to {', '.join('Art. ' + m.citation.article for m in matches)} of the {there} "
                   f"({' and '.join(kinds)}).")
    else:
        none = book.no_counterpart(treaty.id, article.number, with_treaty)
        how = "reviewed" if none is not None and none.status == "reviewed" else "computed"
        message = f"{name} has no counterpart in the {there} ({how})."
        if none is not None and none.note:
            message += f" {EDITORIAL}: {none.note}"
    if lang != treaty.language:
        message += (f" The {there} has no {treaty.language!r} text here; it is shown in English, paragraphs aligned "
                    "without word differences.")
    return Comparison(reference, source, heading(article), with_treaty, lang, matches, message,
                      diffed=lang == treaty.language)


def compare_id(corpus: Corpus, link: str, book: Concordances | None = None) -> Comparison:
    """The comparison a viewer link ("compare:<article id>|<treaty>") names."""
    article_id, treaty = parse_link(link)
    return compare(corpus, article_id, treaty, book)


# -- comparison questions in the chat ------------------------------------------------------------------
_COMPARING = re.compile(r"\b(?:differ\w*|difference\w*|compar\w*|versus|vs\.?|contrast\w*|unlike|similar\w*|"
                        r"correspond\w*|counterpart\w*|equivalent|verschil\w*|vergelijk\w*|verhoudt)\b", re.I)
_FILLER = re.compile(r"\b(?:how|does|do|did|what|which|is|are|the|between|and|from|with|on|about|regarding|in|of|"
                     r"as|to|it|they|hoe|wat|is|de|het|van|met|over|en)\b", re.I)
QUOTED_ROWS = 2  # aligned paragraph pairs quoted in a chat answer


def is_comparison(question: str) -> bool:
    """Whether a question asks how treaties differ or correspond."""
    return bool(_COMPARING.search(question))


def topic(question: str) -> str:
    """A comparison question's subject: without treaty names, comparison words and filler."""

    text = _COMPARING.sub(" ", without_treaty_names(question))
    return " ".join(_FILLER.sub(" ", text).replace("?", " ").split())


TITLE_MATCH = 0.6  # Dice overlap of a subject's words with an article title that makes that article the one asked about


def _by_title(qa, treaty: str, language: str, articles: list[str], subject: str) -> list[str]:
    """Ranked articles, the one whose title the subject names (if any) first: "real-time collection of traffic data"
    is Article 29's title, though the mutual-assistance article on it may rank higher in search."""
    words = set(tokens(subject, language))
    text = qa.corpus.get(treaty, language)

    def overlap(number: str) -> float:
        title = set(tokens(text.article(number).title, language))
        return 2 * len(words & title) / (len(words) + len(title)) if words and title else 0.0

    named = sorted((a for a in articles if overlap(a) >= TITLE_MATCH), key=lambda a: -overlap(a))
    return named[:1] + [a for a in articles if a not in named[:1]]


def best_pair(qa, treaties: tuple[str, str], subject: str, language: str) -> tuple[str, str | None] | None:
    """(article of the first treaty, counterpart in the second or None) that the subject is about: the first
    treaty's best-ranked article that the concordance links to one of the second treaty's well-ranked articles,
    else the first treaty's best article with its best counterpart."""

    a, b = treaties
    ranked = {}
    for tid in (a, b):
        lang = _language(qa.corpus, tid, language)
        hits, _ = qa.retriever.rank(subject, Scope((tid,), lang), k=10)
        found = list(dict.fromkeys(qa.retriever.chunks[h.row].article for h in hits
                                   if qa.retriever.chunks[h.row].kind == "article"))[:5]
        ranked[tid] = _by_title(qa, tid, lang, found, subject)
    if not ranked[a]:
        return None
    book = Concordances.load()
    for x in ranked[a][:3]:
        linked = [m.article for m in book.matches(a, x, b)]
        both = [y for y in ranked[b] if y in linked]
        if both:
            return x, both[0]
    first = ranked[a][0]
    matches = book.matches(a, first, b)
    return first, (matches[0].article if matches else None)


def _row_score(row: AlignedRow, words: set[str], language: str) -> float:
    text = f"{row.source_text} {row.target_text}"
    return len(words & set(tokens(text, language)))


@dataclass
class ChatComparison:
    """A comparison question's answer: the aligned provisions quoted verbatim, each with its pinpoint, and the
    compare link (the engine wraps it in its Answer)."""

    text: str
    citations: list[Citation]
    quotes: list[tuple[str, Citation]]
    subject: str  # what was compared: the question without the treaty names
    link: dict  # {from, with, link, label}


def chat_answer(qa, plan) -> ChatComparison | None:
    """The chat's answer to a comparison question naming two treaties (or one besides the primary), else None."""
    if plan.lookup is not None or not is_comparison(plan.question):
        return None
    named = [t for t in named_treaties(plan.question) if qa.corpus.languages(t)]
    primary = qa.order[0]
    if len(named) == 1 and named[0] != primary:
        named = [primary, named[0]]
    if len(named) < 2:
        return None
    pair = (named[0], named[1])
    subject = topic(plan.question)
    if not subject:
        return None
    found = best_pair(qa, pair, subject, plan.scope.language)
    if found is None:
        return None
    x, _ = found
    titles = _titles()
    lang = _language(qa.corpus, pair[0], plan.scope.language)
    result = compare(qa.corpus, f"{pair[0]}/{lang}/art-{x}", pair[1])
    words = set(tokens(subject, lang))
    lines, quotes, citations = [], [], []
    lines.append(f"Compared: {result.source.label} ({result.heading}) with the {titles[pair[1]]}. {result.message}")
    for m in result.matches[:2]:
        paired = [r for r in m.rows if r.source is not None and r.target is not None]
        chosen = sorted(sorted(paired, key=lambda r: -_row_score(r, words, lang))[:QUOTED_ROWS], key=m.rows.index)
        if not chosen:  # nothing pairs at paragraph level: the opening block of each
            first_a = next((r for r in m.rows if r.source), None)
            first_b = next((r for r in m.rows if r.target), None)
            chosen = [AlignedRow(first_a.source if first_a else None, first_b.target if first_b else None, 0.0, [],
                                 first_a.source_text if first_a else "", first_b.target_text if first_b else "")]
        lines.append("")
        lines.append(f"{m.citation.label} ({m.heading}) — correspondence {m.status}, similarity {m.score:.2f}:")
        for r in chosen:
            # The printed block (a paragraph's own line, or a point), verbatim, with its own pinpoint.
            for c, text in ((r.source, r.source_text), (r.target, r.target_text)):
                if c is not None and text:
                    lines.append(f"{text} [{c.label}]")
                    quotes.append((text, c))
                    citations.append(c)
        if m.note:
            lines.append(f"{EDITORIAL}: {m.note}")
    if not result.matches:
        lines.append("")
        lines.append(f"{result.source.text} [{result.source.label}]")
        quotes.append((result.source.text, result.source))
        citations.append(result.source)
    lines.append("")
    lines.append(f"Compare side by side: {result.source.label} ↔ {titles[pair[1]]}")
    link = {"from": result.source.id, "with": pair[1], "link": result.link,
            "label": f"{result.source.label} ↔ {titles[pair[1]]}"}
    return ChatComparison("\n".join(lines), citations, quotes, subject, link)
