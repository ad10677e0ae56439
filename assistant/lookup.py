"""Citation lookup: a reference in, exactly that node's verbatim text out, or "no such provision"
with the nearest provisions that do exist. Never a different node presented as the one asked for."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from index.catalog import load_catalog
from index.corpus import Corpus
from index.frontmatter import (RESOLUTION, RESOLUTION_PREAMBLE, resolution_citation, resolution_paragraphs,
                               resolution_preamble_citation, treaty_preamble)
from index.model import Article, Citation, Treaty
from index.pinpoint import article_citation, chapter_citation, note_citation, preamble_citation, resolve

from .errors import UserError
from .references import Reference, near_miss, parse_reference
from .text import normalize, unpaired_surrogate

MAX_REFERENCE = 2000
EXAMPLES = "try e.g. 'Art. 41(3)(e)', 'UNCAC art. 2(a)', 'Protocol Article 6' or 'interpretative note on article 35'"


@dataclass
class Lookup:
    """The outcome of a citation lookup."""

    reference: str
    found: bool
    citation: Citation | None = None
    message: str = ""
    suggestions: list[Citation] = field(default_factory=list)
    lead_in: list[str] = field(default_factory=list)  # verbatim opening words of the enclosing paragraphs of a point
    near_miss: bool = False  # the reference was misspelt; suggestions[0] is what it most likely meant

    def to_dict(self) -> dict:
        """The CLI/API JSON shape."""
        return {
            "reference": self.reference,
            "found": self.found,
            "citation": self.citation.to_dict() if self.citation else None,
            "message": self.message,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "lead_in": self.lead_in,
            "near_miss": self.near_miss,
        }


def _primary() -> str:
    return next(e.id for e in load_catalog() if e.primary)


def _treaty(corpus: Corpus, ref: Reference) -> tuple[Treaty | None, str]:
    tid = ref.treaty or _primary()
    lang = ref.language or "en"
    treaty = corpus.get(tid, lang)
    if treaty is not None:
        return treaty, ""
    name = next(e.short_title for e in load_catalog() if e.id == tid)
    have = corpus.languages(tid)
    if not have:
        return None, f"{name} is not loaded here (run `python -m index inspect`)"
    return None, f"{name} has no {lang!r} text here (available: {', '.join(have)})"


def _nearest_articles(treaty: Treaty, number: str, n: int = 3) -> list[Article]:
    target = int(number)
    return sorted(treaty.articles, key=lambda a: (abs(int(a.number) - target), int(a.number)))[:n]


def _children(article: Article, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [p for p, _ in article.walk() if len(p) == len(path) + 1 and p[:len(path)] == path]


def _article(treaty: Treaty, ref: Reference, text: str) -> Lookup:
    article = treaty.article(ref.article)
    if article is None:
        first, last = treaty.articles[0].number, treaty.articles[-1].number
        return Lookup(text, False, message=f"No such provision: {treaty.short_title} has no Article {ref.article} "
                      f"(it has Articles {first}–{last}).",
                      suggestions=[article_citation(treaty, a) for a in _nearest_articles(treaty, ref.article)])
    if not ref.path:
        return Lookup(text, True, article_citation(treaty, article))
    if article.find(ref.path) is not None:
        return Lookup(text, True, article_citation(treaty, article, ref.path), lead_in=lead_in(article, ref.path))
    known = ref.path
    while known and article.find(known) is None:
        known = known[:-1]
    missing = "".join(f"({p})" for p in ref.path[len(known):])
    where = article_citation(treaty, article, known)
    options = _children(article, known)
    suggestions = [where] + [article_citation(treaty, article, p) for p in options[:8]]
    has = f"; it has {', '.join(''.join(f'({x})' for x in p[len(known):]) for p in options)}" if options else ""
    return Lookup(text, False, message=f"No such provision: {where.label} has no {missing}{has}.", suggestions=suggestions)


def lead_in(article: Article, path: tuple[str, ...]) -> list[str]:
    """The printed opening words of each paragraph enclosing a point ("3. … the following measures:" for 41(3)(e)),
    outermost first: a point read alone loses the sentence it completes."""
    out = []
    for n in range(1, len(path)):
        node = article.find(path[:n])
        head = f"{node.marker} {node.text}".strip() if node is not None else ""
        if head:
            out.append(head)
    return out


def _note(treaty: Treaty, ref: Reference, text: str) -> Lookup:
    wanted = list(ref.articles)
    exact = [n for n in treaty.notes if n.articles == wanted]
    covering = [n for n in treaty.notes if set(wanted) <= set(n.articles)]
    match = exact or (covering if len(covering) == 1 else [])
    if match:
        return Lookup(text, True, note_citation(treaty, match[0]))
    which = " and ".join(wanted)
    return Lookup(text, False, message=f"No such provision: {treaty.short_title} has no interpretative note on "
                  f"article{'s' if len(wanted) > 1 else ''} {which}.",
                  suggestions=[note_citation(treaty, n) for n in (covering or treaty.notes)])


def lookup(corpus: Corpus, text: str) -> Lookup:
    """Resolve a free-form reference; UserError when the text is not a reference at all."""
    if len(text or "") > MAX_REFERENCE:
        raise UserError(f"the reference is {len(text):,} characters long; a citation is short, {EXAMPLES}")
    if unpaired_surrogate(text or "") is not None:
        raise UserError(f"the reference holds an invalid character (an unpaired surrogate); send it as UTF-8 text, {EXAMPLES}")
    text = normalize(text or "")
    if not text:
        raise UserError(f"the reference is empty; {EXAMPLES}")
    try:
        return Lookup(text, True, resolve(list(corpus.treaties.values()), text, list(corpus.documents.values())))
    except KeyError:
        pass
    ref = parse_reference(text)
    if ref is None:
        return _did_you_mean(corpus, text)
    return lookup_reference(corpus, ref, text)


def _did_you_mean(corpus: Corpus, text: str) -> Lookup:
    """"Did you mean Art. 5?" for a near-miss spelling ("Artcle 5"); UserError when the text is no citation at all."""
    fixed = near_miss(text)
    ref = parse_reference(fixed) if fixed else None
    if ref is None:
        raise UserError(f"{text[:80]!r} is not a citation; {EXAMPLES}")
    meant = lookup_reference(corpus, ref, fixed)
    options = [meant.citation] if meant.citation else meant.suggestions
    if not options:
        raise UserError(f"{text[:80]!r} is not a citation; {EXAMPLES}")
    return Lookup(text, False, message=f"{text[:80]!r} is not a citation as written; did you mean {options[0].label}?",
                  suggestions=options, near_miss=True)


def lookup_reference(corpus: Corpus, ref: Reference, text: str) -> Lookup:
    """Resolve an already parsed reference."""
    if ref.kind == "resolution":
        return _resolution(corpus, ref, text)
    treaty, problem = _treaty(corpus, ref)
    if treaty is None:
        fallback = corpus.get(ref.treaty or _primary(), "en")
        suggestions = []
        if fallback is not None:
            alt = lookup_reference(corpus, replace(ref, language="en"), text)
            suggestions = [alt.citation] if alt.citation else alt.suggestions
        return Lookup(text, False, message=f"No such provision: {problem}.", suggestions=suggestions)
    if ref.kind == "article":
        return _article(treaty, ref, text)
    if ref.kind == "note":
        return _note(treaty, ref, text)
    if ref.kind == "chapter":
        if any(c.number == ref.chapter for c in treaty.chapters):
            return Lookup(text, True, chapter_citation(treaty, ref.chapter))
        return Lookup(text, False, message=f"No such provision: {treaty.short_title} has no Chapter {ref.chapter} "
                      f"(it has Chapters {', '.join(c.number for c in treaty.chapters)}).",
                      suggestions=[chapter_citation(treaty, c.number) for c in treaty.chapters[-2:]])
    if not treaty.preamble:
        return Lookup(text, False, message=f"No such provision: {treaty.short_title} has no preamble here.")
    if not ref.path:
        return Lookup(text, True, preamble_citation(treaty))
    numbered = treaty_preamble(treaty)
    match = next((p.citation for p in numbered if (p.number,) == ref.path), None)
    if match is not None:
        return Lookup(text, True, match)
    have = f"paragraphs 1–{len(numbered)}" if numbered else "no numbered paragraphs here"
    return Lookup(text, False, message=f"No such provision: the preamble of {treaty.short_title} has {have}.",
                  suggestions=[preamble_citation(treaty)] + [p.citation for p in numbered[-1:]])


def _resolution(corpus: Corpus, ref: Reference, text: str) -> Lookup:
    """A paragraph of an adopting resolution, its title, its preamble or the whole resolution."""
    doc = next((d for d in corpus.documents.values() if d.symbol == ref.symbol), None)
    if doc is None:
        known = ", ".join(sorted(d.symbol for d in corpus.documents.values())) or "none"
        return Lookup(text, False, message=f"No such provision: resolution {ref.symbol} is not in the corpus "
                      f"(resolutions here: {known}).")
    if not ref.path:
        return Lookup(text, True, resolution_citation(doc))
    if ref.path == ("preamble",):
        whole = resolution_preamble_citation(doc)
        return Lookup(text, True, whole) if whole else Lookup(text, False, message=f"No such provision: {doc.symbol} has no preamble.")
    part = RESOLUTION_PREAMBLE if ref.path[0] == "preamble" else RESOLUTION
    same = [p for p in resolution_paragraphs(doc) if p.part == part]
    match = next((p.citation for p in same if p.number == ref.path[-1]), None)
    if match is not None:
        return Lookup(text, True, match)
    same = [p for p in same if p.number.isdigit()]  # the numbered ones, without the title and meeting line
    which = "preambular paragraphs" if part == RESOLUTION_PREAMBLE else "operative paragraphs"
    return Lookup(text, False, message=f"No such provision: {doc.symbol} has {which} 1–{len(same)}.",
                  suggestions=[p.citation for p in same[-2:]])
