"""Question sets: JSONL files of hand-written questions with the articles that answer them.

One question per line::

    {"id": "un-025", "question": "...", "gold": [{"treaty": "un-cybercrime-2024", "article": "25",
     "paragraph": "1"}], "kind": "paraphrase", "language": "en", "scope": ["un-cybercrime-2024"]}

``gold`` is empty for a question the treaties do not answer (kind ``negative``). ``paragraph``
is the top-level provision holding the answer (a numbered paragraph, or a lettered point in an
article without numbered paragraphs) and is left out when the answer spans the article.
``scope`` restricts the search to those treaties; without it every treaty is searched.
Gold outside the articles names its part as the article: ``"preamble"`` (the treaty's preamble),
``"resolution-preamble"`` or ``"resolution"`` (the adopting resolution's preambular and operative
paragraphs, its ``"title"`` and ``"meeting"``), with the paragraph numbered as in index/frontmatter.py.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from index.corpus import Corpus
from index.frontmatter import PARTS, front_paragraphs

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
# "lay" and "near-miss" are outsiders' questions: written from public commentary in its readers' words;
# a near-miss uses an everyday name ("ransomware") for what the treaty covers in other words.
KINDS = ("keyword", "paraphrase", "plain", "definition", "cross-treaty", "citation", "negative", "lay", "near-miss")
SPLITS = ("dev", "test")


class QuestionFileError(ValueError):
    """A question file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Gold:
    """One article (optionally one top-level provision) that answers a question."""

    treaty: str
    article: str
    paragraph: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """(treaty, article): the unit of the article-level metrics."""
        return self.treaty, self.article


@dataclass(frozen=True)
class Question:
    """A question with its gold articles."""

    id: str
    question: str
    gold: tuple[Gold, ...]
    kind: str
    language: str = "en"
    scope: tuple[str, ...] | None = None
    source: str = ""  # file it came from
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def split(self) -> str | None:
        """"dev" (settings may be chosen on it) or "test" (never used to choose anything); None for the own sets."""
        return self.extra.get("split")

    @property
    def answerable(self) -> bool:
        """Whether the treaties answer it (it has gold articles)."""
        return bool(self.gold)


def _parse(line: str, where: str) -> Question:
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise QuestionFileError(f"{where}: not JSON ({exc.msg})") from None
    missing = {"id", "question", "gold", "kind"} - set(row)
    if missing:
        raise QuestionFileError(f"{where}: missing {', '.join(sorted(missing))}")
    if row["kind"] not in KINDS:
        raise QuestionFileError(f"{where}: kind {row['kind']!r} is not one of {', '.join(KINDS)}")
    if not isinstance(row["question"], str) or not row["question"].strip():
        raise QuestionFileError(f"{where}: empty question")
    try:
        gold = tuple(Gold(g["treaty"], str(g["article"]), str(g["paragraph"]) if g.get("paragraph") else None)
                     for g in row["gold"])
    except (KeyError, TypeError):
        raise QuestionFileError(f"{where}: each gold entry needs treaty and article") from None
    if (row["kind"] == "negative") != (not gold):
        raise QuestionFileError(f"{where}: negative questions, and only they, have an empty gold list")
    scope = row.get("scope")
    if scope is not None and (not isinstance(scope, list) or not scope):
        raise QuestionFileError(f"{where}: scope must be a non-empty list of treaty ids")
    if row.get("split") not in (None, *SPLITS):
        raise QuestionFileError(f"{where}: split must be one of {', '.join(SPLITS)}")
    known = {"id", "question", "gold", "kind", "language", "scope"}
    return Question(str(row["id"]), row["question"], gold, row["kind"], row.get("language", "en"),
                    tuple(scope) if scope else None, where.split(":")[0], {k: v for k, v in row.items() if k not in known})


def load_questions(paths: list[Path] | None = None, split: str | None = None) -> list[Question]:
    """Questions from the given JSONL files (default: every set in eval/questions); ids must be unique.
    With ``split``, only the questions of that split (sets without splits are left out)."""
    files = [Path(p) for p in paths] if paths else sorted(QUESTIONS_DIR.glob("*.jsonl"))
    if not files:
        raise QuestionFileError(f"no question files in {QUESTIONS_DIR}")
    out: list[Question] = []
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise QuestionFileError(f"{path}: cannot read ({exc.strerror})") from None
        out += [_parse(line, f"{path.name}:{n}") for n, line in enumerate(lines, 1) if line.strip()]
    seen: set[str] = set()
    for q in out:
        if q.id in seen:
            raise QuestionFileError(f"{q.source}: duplicate question id {q.id!r}")
        seen.add(q.id)
    return [q for q in out if q.split == split] if split else out


def check_gold(questions: list[Question], corpus: Corpus) -> list[str]:
    """Problems with gold labels and scopes: unknown treaties, articles or paragraphs, gold outside scope."""
    problems = []
    for q in questions:
        for g in q.gold:
            # A question in a language the treaty has no text in is searched in its English text.
            treaty = corpus.get(g.treaty, q.language) or corpus.get(g.treaty, "en")
            article = treaty.article(g.article) if treaty else None
            if treaty is not None and g.article in PARTS:
                numbers = {p.number for p in front_paragraphs(treaty, list(corpus.documents.values())) if p.part == g.article}
                if not numbers or (g.paragraph and g.paragraph not in numbers):
                    problems.append(f"{q.id}: {g.treaty} has no {g.article} paragraph {g.paragraph}")
            elif treaty is None:
                problems.append(f"{q.id}: no {q.language!r} text of {g.treaty}")
            elif article is None:
                problems.append(f"{q.id}: {g.treaty} has no article {g.article}")
            elif g.paragraph and article.find((g.paragraph,)) is None:
                problems.append(f"{q.id}: {g.treaty} article {g.article} has no top-level provision {g.paragraph}")
            if q.scope and g.treaty not in q.scope:
                problems.append(f"{q.id}: gold treaty {g.treaty} is outside the question's scope")
        for tid in q.scope or ():
            if not corpus.languages(tid):
                problems.append(f"{q.id}: unknown treaty {tid!r} in scope")
    return problems
