"""The assistant: one object that answers questions with citations and looks citations up.

    >>> qa = Assistant.open()                     # builds the index first if it is missing or stale
    >>> result = qa.ask("Can a country refuse to extradite its own nationals?")
    >>> print(result.answer)
    >>> qa.cite("Art. 41(3)(e)").citation.text
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from index import config, store
from index.catalog import load_catalog
from index.chunking import Chunk
from index.embedding import load_embedder
from index.frontmatter import PARTS
from index.model import Citation
from index.pinpoint import article_citation, label, node_id, note_citation, part_citation

from . import answer as extract
from . import comparison
from .abstention import Calibration, cached_calibration, floor_for
from .blocks import BlockVectors
from .conversation import Turn, follow_up_focus, follow_up_query, named_treaties, without_treaty_names
from .crossrefs import linked_articles
from .definitions import Definition, defined_terms, matching
from .errors import UserError
from .generator import GeneratorError, generate
from .glossary import expand
from .guide import GuideField, load_guide
from .language import QuestionLanguage, identify, shared_terms, text_language, warm_up
from .language import notice as language_notice
from .offences import Offence, is_crime_question, offence_catalogue
from .silence import Silence, not_found_terms, stems
from .lookup import Lookup, lookup, lookup_reference
from .references import parse_reference
from .retriever import MODES, SIGNAL, FusionSettings, Hit, HybridRetriever, Scope
from .text import normalize, tokens, unpaired_surrogate
from .uncovered import load_topics
from .wordforms import warm_up as warm_lemmas

MAX_QUESTION = 2000
ANSWER_PASSAGES = 6  # passages whose sentences may be quoted
MAX_K = 50
# "What does Art. 35 say?" is a lookup, not a search: these words around a citation do not change it.
_ASK_PREFIX = re.compile(r"^(?:please\s+)?(?:(?:what|how)\s+(?:does|do|is in|says?)|show(?:\s+me)?|give(?:\s+me)?|quote|read|"
                         r"look\s*up|cite|open|display|print|text\s+of|wat\s+(?:zegt|staat\s+in))\s+", re.I)
_DEFINITIONAL = re.compile(r"\b(?:what\s+(?:is|are|does|do|counts?)|who\s+(?:is|are|counts?)|mean(?:s|ing)?|defin\w*|"
                           r"wat\s+(?:is|zijn|betekent)|wie\s+(?:is|zijn)|betekenis|begrip)\b", re.I)
_INSTRUCTION = re.compile(r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:treaty|convention|instructions?|rules?|above|previous|text)\b|"
                          r"\b(?:you are now|pretend|act as|system prompt)\b", re.I)
_ASK_SUFFIX = re.compile(r"\s+(?:say|says|state|states|provide|provides|contain|contains|read|reads|zeggen|zegt)\s*\??$", re.I)


@dataclass
class Passage:
    """A ranked chunk with its citation, retriever evidence, notes and cross-references."""

    rank: int
    chunk: Chunk
    hit: Hit
    notes: list[Citation] = field(default_factory=list)  # interpretative notes on its article
    interprets: list[Citation] = field(default_factory=list)  # for a note: the articles it interprets
    cross_references: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The CLI/API JSON shape of a passage."""
        c = self.chunk
        return {
            "rank": self.rank, "id": c.node_id, "treaty": c.treaty, "language": c.language, "kind": c.kind,
            "article": c.article, "paragraph": c.paragraph, "point": c.point, "label": c.label, "title": c.title,
            "chapter": c.chapter, "score": round(self.hit.score, 6),
            "scores": {"dense": _round(self.hit.dense), "dense_rank": self.hit.dense_rank,
                       "bm25": _round(self.hit.bm25), "bm25_rank": self.hit.bm25_rank},
            "text": c.text,
            "notes": [_link(n) for n in self.notes],
            "interprets": [_link(a) for a in self.interprets],
            "cross_references": [_link(x) for x in self.cross_references],
        }


def _quoted(words: list[str]) -> str:
    quoted = [f"“{w}”" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _link(c: Citation) -> dict:
    return {"id": c.id, "treaty": c.treaty, "language": c.language, "article": c.article, "label": c.label}


@dataclass
class Answer:
    """A question's answer: text, whether it abstained, citations used, ranked passages."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    passages: list[Passage]
    mode: str  # "extractive" | "generated" | "lookup" | "abstained"
    scope: Scope
    confidence: float | None = None
    threshold: float | None = None
    definitions: list[Definition] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    lookup: Lookup | None = None
    query: str = ""  # what was searched: the question, or a follow-up joined to its topic
    turn: Turn | None = None  # context for a follow-up question
    quotes: list[tuple[str, Citation]] = field(default_factory=list)  # the quoted lines as shown, each with its provision
    guide: list[dict] = field(default_factory=list)  # editorial summaries of the quoted articles: {id, label, summary}
    not_found_terms: list[str] = field(default_factory=list)  # question words no quoted provision contains
    not_addressed: bool = False  # the texts do not appear to address the question's key concept
    unmatched: list[str] = field(default_factory=list)  # the key words found nowhere in the searched texts
    offences: list[Offence] = field(default_factory=list)  # a "is X a crime?" question's offence catalogue
    question_language: QuestionLanguage | None = None  # the language the question was read as
    comparison: dict | None = None  # a comparison question's compare link: {from, with, link, label}

    def to_dict(self) -> dict:
        """The CLI/API JSON shape (see README)."""
        return {
            "question": self.question,
            "query": self.query or self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "definitions": [{"term": d.term, **d.citation.to_dict()} for d in self.definitions],
            "scope": {"treaties": list(self.scope.treaties), "language": self.scope.language, "chapter": self.scope.chapter},
            "confidence": _round(self.confidence),
            "threshold": self.threshold,
            "notices": self.notices,
            "guide": self.guide,
            "not_found_terms": self.not_found_terms,
            "not_addressed": self.not_addressed,
            "offences": [o.to_dict() for o in self.offences],
            "question_language": self.question_language.to_dict() if self.question_language else None,
            "comparison": self.comparison,
        }


@dataclass
class Plan:
    """How a question will be handled: the text searched, where, and the citation it is, if it is one."""

    question: str
    query: str  # what retrieval searches: the question (or a follow-up joined to its topic), treaty names out, glossary terms in
    scope: Scope
    notices: list[str]
    turn: Turn  # context for the next question
    lookup: Lookup | None = None  # set when the question is itself a citation ("What does Art. 35 say?")
    defines: list[Definition] = field(default_factory=list)  # a "what is X?" question's treaty definitions of X
    definitions: list[Definition] = field(default_factory=list)  # every treaty definition of a term the question uses
    asked: str = ""  # the question as understood: a follow-up joined to its topic, in the user's words
    focus: str = ""  # a follow-up's own new words ("children" in "and what about children?"), else empty
    asked_in: QuestionLanguage | None = None  # the question's language (detected, or the selected one)
    lexical: str | None = None  # what BM25 sees when it is not the query: a question in another language's shared terms

    @property
    def crosslingual(self) -> bool:
        """Whether the question is in another language than the texts searched."""
        return self.asked_in is not None and self.asked_in.code != self.scope.language


def clean_question(text: str | None) -> str:
    """The question with control characters and runs of whitespace removed; UserError if unusable."""
    if text is None:
        raise UserError("the question is empty; type a question about the treaty")
    if len(text) > MAX_QUESTION * 4:
        raise UserError(f"the question is {len(text):,} characters long; keep it under {MAX_QUESTION:,}")
    bad = unpaired_surrogate(text)
    if bad is not None:
        raise UserError(f"the question holds an invalid character at position {bad + 1} (an unpaired surrogate); "
                        "send the question as UTF-8 text")
    question = normalize(text)
    if not re.search(r"\w", question):
        raise UserError("the question is empty; type a question about the treaty, e.g. "
                        "'Can a country refuse to extradite its own nationals?'")
    if len(question) > MAX_QUESTION:
        # The length sent, not only the normalised one: NFKC can turn one character into eighteen.
        grown = f" ({len(question):,} after Unicode normalisation)" if len(question) != len(text) else ""
        raise UserError(f"the question is {len(text):,} characters long{grown}; keep it under {MAX_QUESTION:,}")
    return question


class Assistant:
    """Retrieval, answers and lookup over one loaded index."""

    def __init__(self, loaded: store.LoadedIndex, settings: FusionSettings | None = None,
                 data_dir: Path | None = None, progress: store.Progress | None = None):
        self.index = loaded
        self.corpus = loaded.corpus
        self.embedder = load_embedder(loaded.manifest["model"]["name"])
        self.guide = load_guide()
        guide_field = GuideField(self.guide, self.embedder, store.index_root(data_dir))
        self.retriever = HybridRetriever(loaded.chunks, loaded.vectors, self.embedder, settings or _settings(),
                                         exact_up_to=loaded.manifest["inputs"]["approximate_above"], guide=guide_field,
                                         uncovered=load_topics())
        # The signal depends on the retriever's settings and on how it is formed, so both are part of the calibration's key.
        signal = hashlib.sha256((json.dumps(asdict(self.retriever.settings), sort_keys=True) + SIGNAL
                                 + self.guide.digest + self.retriever.uncovered.digest).encode()).hexdigest()[:12]
        self.blocks = BlockVectors(loaded.chunks, self.embedder, store.index_root(data_dir),
                                   loaded.manifest["fingerprint"], progress)
        self.silence = Silence(self.guide, _vocabulary(loaded.chunks), config.silent_share(), config.silent_cosine(),
                               config.silent_guide(), config.SILENT_MOST, config.SILENT_BY_LANGUAGE)
        self.catalog = {e.id: e for e in load_catalog()}
        self.order = [e.id for e in load_catalog()]  # primary treaty first
        self._definitions = {key: defined_terms(t, self.catalog[t.id].definitions_article)
                             for key, t in self.corpus.treaties.items()}
        fixed = config.abstain_threshold()
        languages = {lang for _, lang in self.corpus.treaties}
        warm_up()  # language identification's models load while the rest starts
        warm_lemmas(languages)  # and so do the Dutch lemmas of the not-addressed check
        self.calibrations = ({lang: Calibration(fixed, float("nan"), float("nan"), 0, 0, "env", lang) for lang in languages}
                             if fixed is not None else
                             cached_calibration(store.index_root(data_dir) / "calibration.json",
                                                f"{loaded.manifest['fingerprint']}:{signal}", self.signal, languages))

    @classmethod
    def open(cls, corpus_dir: Path | None = None, data_dir: Path | None = None, model: str | None = None,
             progress: store.Progress | None = None, rebuild: bool = True) -> "Assistant":
        """Load the index (building it first when missing, stale or corrupt) and the model."""
        loaded = store.ensure(corpus_dir, data_dir, model, progress=progress, rebuild=rebuild)
        return cls(loaded, data_dir=data_dir, progress=progress)

    def threshold(self, language: str = "en", asked: str | None = None) -> float:
        """The abstention floor for questions asked in ``asked`` (default: the same) over texts in ``language``
        (a language without calibration questions takes the pooled floor of such languages: `floor_for`)."""
        return floor_for(self.calibrations, asked or language, language).threshold

    def signal(self, question: str, asked: str, language: str) -> float:
        """The abstention signal of a question asked in ``asked`` over every loaded text in ``language``."""
        return self.retriever.confidence(question, self.default_scope(language), shared_terms(question, asked, language), asked)

    # -- scope -------------------------------------------------------------------------------
    def available(self) -> list[tuple[str, str]]:
        """Loaded (treaty id, language) pairs, primary treaty first."""
        return sorted(self.corpus.treaties, key=lambda k: (self.order.index(k[0]), k[1] != "en", k[1]))

    def default_scope(self, language: str = "en") -> Scope:
        """Every loaded treaty in that language."""
        return Scope(tuple(t for t in self.order if (t, language) in self.corpus.treaties), language)

    def scope(self, treaties: list[str] | None = None, language: str = "en", chapter: str | None = None) -> tuple[Scope, list[str]]:
        """A validated scope and notices about treaties left out of it; UserError for unknown ids."""
        notices = []
        wanted = list(dict.fromkeys(treaties or [t for t in self.order if self.corpus.languages(t)]))
        for tid in wanted:
            if tid not in self.catalog:
                raise UserError(f"unknown treaty {tid!r}; known: {', '.join(self.order)}")
        self._require_language(language)
        searched = []
        # The order given is the priority (treaties named in a question first); the default is the catalog's.
        for tid in wanted:
            if (tid, language) in self.corpus.treaties:
                searched.append(tid)
            elif treaties:
                have = self.corpus.languages(tid)
                notices.append(f"{self.catalog[tid].short_title} was not searched: no {language!r} text here"
                               + (f" (available: {', '.join(have)})" if have else " (not loaded)"))
        if not searched:
            raise UserError("none of the chosen treaties has a text in that language here: " + "; ".join(notices))
        chapter = (chapter or "").strip().upper() or None  # a blank chapter means no chapter filter
        if chapter is not None:
            if unpaired_surrogate(chapter) is not None:
                raise UserError("the chapter holds an invalid character (an unpaired surrogate); use a number such as IV")
            if not any(c.number == chapter for tid in searched for c in self.corpus.get(tid, language).chapters):
                raise UserError(f"no Chapter {chapter} in the chosen treaties")
        return Scope(tuple(searched), language, chapter), notices

    def _require_language(self, language: str) -> None:
        """UserError unless some loaded text is in ``language``."""
        if language not in {lang for _, lang in self.corpus.treaties}:
            raise UserError(f"no treaty text in language {language!r} here; available: "
                            f"{', '.join(sorted({lang for _, lang in self.corpus.treaties}))}")

    # -- retrieval ---------------------------------------------------------------------------
    def retrieve(self, question: str, scope: Scope, k: int = 10, mode: str = "hybrid") -> list[Passage]:
        """Ranked passages with notes and cross-references attached."""
        if mode not in MODES:
            raise UserError(f"unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}")
        hits, _ = self.retriever.rank(question, scope, k=k, mode=mode)
        return [self._passage(rank, hit) for rank, hit in enumerate(hits, start=1)]

    def search(self, plan: Plan, k: int = 10, mode: str = "hybrid",
               retriever: HybridRetriever | None = None, query=None) -> tuple[list[Hit], float]:
        """Ranked hits for a planned question and the abstention signal; a "what is X?" question gets
        the passage holding the treaty's definition of X first. ``query``: the question's vector, if encoded."""
        retriever = retriever or self.retriever
        hits, confidence = retriever.rank(plan.query, plan.scope, k=k, mode=mode, query=query, lexical=plan.lexical,
                                          asked=plan.asked_in.code if plan.asked_in else None)
        first = []
        for d in plan.defines:
            c = d.citation
            row = next((i for i, ch in enumerate(retriever.chunks) if ch.kind == "article" and ch.treaty == c.treaty
                        and ch.language == c.language and ch.article == c.article
                        and any(path[:len(d.path)] == d.path for path, _ in ch.blocks)), None)
            if row is not None and all(h.row != row for h in first):
                first.append(next((h for h in hits if h.row == row), None) or Hit(row, hits[0].score if hits else 0.0))
        promoted = {h.row for h in first}
        return (first + [h for h in hits if h.row not in promoted])[:k], confidence

    def _passage(self, rank: int, hit: Hit) -> Passage:
        chunk = self.retriever.chunks[hit.row]
        treaty = self.corpus.get(chunk.treaty, chunk.language)
        passage = Passage(rank, chunk, hit)
        if chunk.kind == "note":
            passage.interprets = [article_citation(treaty, a) for n in chunk.articles if (a := treaty.article(n))]
        else:
            passage.notes = [note_citation(treaty, n) for n in treaty.notes_for(chunk.article)]
        passage.cross_references = self._links(chunk)
        return passage

    def _links(self, chunk: Chunk) -> list[Citation]:
        return linked_articles(self.corpus, chunk.treaty, self.catalog[chunk.treaty].parent, chunk.language,
                               chunk.text, chunk.articles)

    def definitions_for(self, question: str, scope: Scope) -> list[Definition]:
        """Treaty definitions of terms the question uses, for the treaties in scope."""
        stems = tokens(question, scope.language)
        out = []
        for tid in scope.treaties:
            out += matching(self._definitions.get((tid, scope.language), []), stems)
        return out

    # -- answers -----------------------------------------------------------------------------
    def ask(self, question: str, treaties: list[str] | None = None, language: str = "en", k: int = 5,
            chapter: str | None = None, previous: Turn | None = None) -> Answer:
        """Answer a question (or look up a citation) with pinpoint citations; UserError for bad input.

        ``previous`` is the last answer's ``turn``: a follow-up ("and what about traffic data?") is
        searched together with that turn's topic, in the treaties that turn searched.
        """
        question = clean_question(question)
        if not 1 <= k <= MAX_K:
            raise UserError(f"k must be between 1 and {MAX_K}")
        plan = self.plan(question, treaties, language, chapter, previous)
        query, scope, notices, turn = plan.query, plan.scope, plan.notices, plan.turn
        if plan.lookup is not None:
            return replace(self._lookup_answer(question, plan.lookup, scope, notices, turn), question_language=plan.asked_in)
        compared = comparison.chat_answer(self, plan)  # "How does the UN convention differ from Budapest on …?"
        if compared is not None:
            return Answer(question, compared.text, False, compared.citations, [], "comparison", scope, notices=notices,
                          query=compared.subject, turn=turn, quotes=compared.quotes, comparison=compared.link,
                          question_language=plan.asked_in)
        vector = self.embedder.encode_queries([plan.query])
        hits, confidence = self.search(plan, max(k, ANSWER_PASSAGES), query=vector)
        passages = [self._passage(rank, hit) for rank, hit in enumerate(hits[:k], start=1)]
        threshold = self.threshold(scope.language, plan.asked_in.code)
        definitions = plan.definitions
        titles = {t: self.catalog[t].short_title for t in self.order}
        order = list(scope.treaties) + [t for t in self.order if t not in scope.treaties]  # groups in priority order
        pairs = [(p.rank, p.chunk) for p in passages]
        if confidence < threshold or not passages:
            names = ", ".join(titles[t] for t in scope.treaties)
            text = (f"The searched texts ({names}) do not appear to address this question "
                    f"(best match {confidence:.2f}, below the {threshold:.2f} needed to answer). "
                    "Nearest provisions, for reference only:\n" + extract.provisions_list(pairs, order, titles)[len("Provisions:\n"):])
            return Answer(question, text, True, [], passages, "abstained", scope, confidence, threshold,
                          definitions, notices, query=query, turn=turn, question_language=plan.asked_in)
        if _INSTRUCTION.search(question):
            notices.append("Instructions inside a question are not followed: the answer consists of treaty text only.")
        form = extract.question_form(plan.asked)
        meaning = lambda rank, n: self.blocks.similarity(vector, hits[rank - 1].row, n)  # noqa: E731
        ranked = [(n, self.retriever.chunks[h.row]) for n, h in enumerate(hits[:ANSWER_PASSAGES], start=1)]
        named = frozenset(key for t in scope.treaties
                          for key in self.guide.terms_in(plan.focus or plan.asked, t, plan.asked_in.code))
        cands = extract.candidates(self.corpus, ranked, plan.focus or query, scope.language, self.retriever.lexical.idf,
                                   meaning, named)
        if plan.defines:
            # A question about what a defined term means is answered by the definition, then only by the
            # interpretative notes that speak of that term: other terms defined beside it were not asked about.
            terms = [d.term.lower() for d in plan.defines]
            defining = {(d.citation.treaty, d.citation.article) for d in plan.defines}
            notes = [s for s in cands if s.citation.note is not None and (s.citation.treaty, s.citation.article) in defining
                     and any(t in s.text.lower() for t in terms)]
            chosen = [s for d in plan.defines for s in extract.definition_sentences(self.corpus, d)] + notes[:2]
        else:
            # Across languages a paragraph's cosine with the question is a weak guide (the ranking's guide fields
            # are what found the article), so the first line comes from the top passage alone (multilingual dev:
            # first citation in a gold article 0.81 with the two top passages, 0.88 with the top one).
            chosen = extract.select(cands, form=form, first_from_top=1 if plan.crosslingual else extract.FIRST_FROM_TOP)
        body, citations, quotes = extract.render(chosen, order, titles)
        mode = "extractive"
        if config.llm_url():
            generated = self._generate(plan.asked, passages, notices)
            if generated is not None:
                body, citations, mode = generated
                quotes = []
        # What the texts do not say is judged on words, so only for a question in the texts' language.
        lexical = not plan.crosslingual
        silent = self.silence.judge(plan.focus or plan.asked, scope.treaties, scope.language,
                                    max((h.dense or 0.0) for h in hits), max((h.guide or 0.0) for h in hits)
                                    ) if not plan.defines and lexical else None
        missing = not_found_terms(plan.focus or plan.asked, scope.language,
                                  [(c.treaty, c.article, c.text) for c in citations], self.guide) if lexical else []
        offences = ([o for t in scope.treaties for o in offence_catalogue(self.corpus, t, scope.language)]
                    if is_crime_question(plan.asked) and not plan.defines and lexical else [])
        guide = self._guide_lines(citations, scope.language, plan.asked_in.code)
        provisions = extract.provisions_list(pairs, order, titles)
        if silent is not None and silent.not_addressed:
            names = ", ".join(titles[t] for t in scope.treaties)
            text = (f"The searched texts ({names}) do not appear to address this: no provision mentions "
                    f"{_quoted(silent.unmatched)}. The closest provisions follow for reference; they are not an answer.\n\n"
                    f"{body}\n\n{provisions}")
        else:
            text = f"{body}\n\n{provisions}"
        return Answer(question, text, False, citations, passages, mode, scope, confidence, threshold, definitions,
                      notices, query=query, turn=turn, quotes=quotes, guide=guide, not_found_terms=missing,
                      not_addressed=bool(silent and silent.not_addressed), unmatched=silent.unmatched if silent else [],
                      offences=offences, question_language=plan.asked_in)

    def _guide_lines(self, citations: list[Citation], language: str, asked: str = "en", limit: int = 2) -> list[dict]:
        """The guide's summaries of the first quoted articles (in the question's language when the guide has it):
        editorial text, labelled as such wherever shown."""
        out, seen = [], set()
        for c in citations:
            entry = self.guide.entry(c.treaty, c.article, asked) if c.note is None else None
            if entry is None or (c.treaty, c.article) in seen:
                continue
            seen.add((c.treaty, c.article))
            treaty = self.corpus.get(c.treaty, language) or self.corpus.get(c.treaty, c.language)
            if c.article in PARTS:  # the preamble or the adopting resolution: named as such, never as an article
                whole = part_citation(treaty, list(self.corpus.documents.values()), c.article)
                if whole is None:
                    continue
                out.append({"id": whole.id, "label": whole.label, "summary": entry.summary, "language": entry.language, "editorial": True})
            else:
                article = treaty.article(c.article) if treaty else None
                out.append({"id": node_id(c.treaty, c.language, c.article),
                            "label": label(self.catalog[c.treaty].short_title, c.language, c.article)
                                     + (f" — {article.title}" if article else ""),
                            "summary": entry.summary, "language": entry.language, "editorial": True})
            if len(out) >= limit:
                break
        return out

    def plan(self, question: str, treaties: list[str] | None = None, language: str = "en", chapter: str | None = None,
             previous: Turn | None = None, glossary: bool = True) -> Plan:
        """What a question searches and where (follow-ups, treaties it names), or the citation it is."""
        question = clean_question(question)
        selection = tuple(treaties) if treaties else None
        follow_up = follow_up_query(question, previous)
        chosen, notices = self._treaties_for(question, treaties, previous if follow_up else None)
        self._require_language(language)  # the selected language must exist, whatever the question's
        asked_in = identify(question, fallback=language)
        searched = text_language(asked_in, language, self._leading_languages(question, chosen))
        scope, scope_notices = self.scope(chosen, searched, chapter)
        said = language_notice(asked_in, scope.language, language)
        left_out = [self.catalog[t].short_title for t in (chosen or self.order)
                    if self.corpus.languages(t) and t not in scope.treaties]
        if said and searched != language and left_out and not chosen:
            said += f" Not searched (no {asked_in.name} text here): {', '.join(left_out)}."
        notices = ([said] if said else []) + notices + scope_notices
        turn = Turn(previous.topic if follow_up else question, scope.treaties, selection, scope.language)
        if follow_up:
            notices.append(f"Read as a follow-up to the previous question; searched for: {follow_up}")
        asked = follow_up or question
        query = follow_up or (without_treaty_names(question) if named_treaties(question) else question)
        cross = asked_in.code != scope.language
        # The glossary and the treaty definitions match words, so they serve questions in the texts' language only.
        query = expand(query, scope.language) if glossary and not cross else query
        # "and a service provider?" after "How does it define a computer system?" asks for a definition too.
        definitions = self.definitions_for(question, scope) if not cross else []
        defines = definitions[:2] if _DEFINITIONAL.search(asked) else []
        focus = follow_up_focus(question) if follow_up else ""
        lexical = shared_terms(query, asked_in.code, scope.language) if cross else None
        return Plan(question, query, scope, notices, turn, self._as_citation(question, scope, chosen), defines,
                    definitions, asked, focus, asked_in, lexical)

    def _named(self, question: str) -> list[str]:
        """The loaded treaties a question names, in order of mention."""
        return [t for t in named_treaties(question) if self.corpus.languages(t)]

    def _leading_languages(self, question: str, chosen: list[str] | None) -> set[str]:
        """Languages the texts to search may be in: those of every treaty the question names, else of the first
        treaty chosen (or loaded). A question naming a treaty with a Dutch text and one without ("Does the Budapest
        Convention stay in force between countries that also ratify this UN treaty?") keeps both, in English."""
        lead = self._named(question) or (chosen or [t for t in self.order if self.corpus.languages(t)])[:1]
        return set.intersection(*(set(self.corpus.languages(t)) for t in lead)) if lead else set()

    def _treaties_for(self, question: str, chosen: list[str] | None, previous: Turn | None) -> tuple[list[str] | None, list[str]]:
        """Treaties to search, in priority order: those the question names first (then the rest of the
        user's choice), else a follow-up's previous ones, else the user's choice."""
        named = self._named(question)
        if named:
            if not chosen:
                return named, []
            added = [t for t in named if t not in chosen]
            notices = [f"Also searched {', '.join(self.catalog[t].short_title for t in added)}, named in the question."] if added else []
            return named + [t for t in chosen if t not in named], notices
        if previous is not None and (chosen is None or tuple(chosen) == previous.selection):
            return list(previous.treaties), []
        return chosen, []

    def _generate(self, question: str, passages: list[Passage], notices: list[str]):
        allowed: dict[str, Citation] = {}
        for p in passages:
            for path, _ in p.chunk.blocks:
                cite = extract.block_citation(self.corpus, p.chunk, path)
                allowed[cite.label] = cite
            allowed.setdefault(p.chunk.label, extract.block_citation(self.corpus, p.chunk, p.chunk.path))
        try:
            out = generate(question, [(p.chunk.label, p.chunk.text) for p in passages], set(allowed),
                           url=config.llm_url(), model=config.llm_model(), key=config.llm_key(),
                           timeout=config.llm_timeout())
        except GeneratorError as exc:
            notices.append(f"The generator's answer was not used ({exc}); showing the extractive answer.")
            return None
        notices.append(f"Generated by {out.model} from the retrieved passages only; every [label] was checked "
                       "against them. Read the cited text before relying on it.")
        return out.text, [allowed[label] for label in out.labels], "generated"

    def _as_citation(self, question: str, scope: Scope, treaties: list[str] | None):
        core = _ASK_SUFFIX.sub("", _ASK_PREFIX.sub("", question)).strip(" ?")
        ref = parse_reference(core)
        if ref is None:
            return None
        if ref.treaty is None and treaties:
            ref = replace(ref, treaty=scope.treaties[0])
        if ref.language is None:
            ref = replace(ref, language=scope.language)
        return lookup_reference(self.corpus, ref, question)

    def _lookup_answer(self, question: str, found: Lookup, scope: Scope, notices: list[str], turn: Turn) -> Answer:
        if found.found:
            text = f"{found.citation.text} [{found.citation.label}]"
            return Answer(question, text, False, [found.citation], [], "lookup", scope, notices=notices, lookup=found,
                          query=question, turn=turn)
        text = found.message + ("\nNearest existing provisions:\n" + "\n".join(f"- {s.label}" for s in found.suggestions)
                                if found.suggestions else "")
        return Answer(question, text, True, [], [], "lookup", scope, notices=notices, lookup=found, query=question, turn=turn)

    def cite(self, reference: str) -> Lookup:
        """Look up a citation; UserError if the text is not a citation."""
        return lookup(self.corpus, reference)


def _vocabulary(chunks: list[Chunk]) -> dict[tuple[str, str], set[str]]:
    """(treaty, language) -> stems of every word of that text: what "mentioned in the texts" means."""
    out: dict[tuple[str, str], set[str]] = {}
    for c in chunks:
        out.setdefault((c.treaty, c.language), set()).update(stems(f"{c.title} {c.text}", c.language))
    return out


def _settings() -> FusionSettings:
    return FusionSettings(method=config.fusion(), rrf_k=config.rrf_k(), dense_weight=config.dense_weight(),
                          bm25_weight=config.bm25_weight(), primary_boost=config.primary_boost(),
                          treaty_margin=config.treaty_margin(), coverage_weight=config.coverage_weight(),
                          guide_weight=config.guide_weight(), guide_term_weight=config.guide_term_weight(),
                          guide_lexical_weight=config.guide_lexical_weight(),
                          guide_word_evidence=config.guide_word_evidence(), uncovered_words=config.uncovered_words())
