"""The answer eval: what a reader sees in an answer's first lines, beside the retrieval eval.

Three hand-written sets in `eval/answers/` (each row has ``split``: settings are chosen on "dev", and
"test" never chooses anything):

- ``must-quote.jsonl``: everyday questions with the paragraph(s) that decide them;
- ``not-addressed.jsonl``: in-domain questions whose subject the searched treaty does not contain;
- ``followups.jsonl``: question pairs labelled follow-up or not.

Off-topic abstention is measured on the retrieval eval's negatives against the answerable questions here.

    >>> result = evaluate_answers(qa, split="test")
    >>> result["must_quote"]["lead_two"], result["not_addressed"]["recall"]
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.conversation import is_follow_up
from assistant.engine import Answer, Assistant
from assistant.errors import UserError
from index.corpus import Corpus
from index.pinpoint import resolve

from . import metrics as m
from .questions import QUESTIONS_DIR, QuestionFileError, load_questions

ANSWERS_DIR = Path(__file__).resolve().parent / "answers"


@dataclass(frozen=True)
class AnswerCase:
    """One row of an answer set."""

    id: str
    question: str
    scope: tuple[str, ...] | None
    must_quote: tuple[tuple[str, str, str | None], ...] = ()  # (treaty, article, top-level paragraph)
    split: str = "dev"
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def _rows(name: str, folder: Path) -> list[dict]:
    path = folder / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QuestionFileError(f"{path}: cannot read ({exc.strerror})") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise QuestionFileError(f"{path.name}:{n}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or "id" not in row or row.get("split") not in ("dev", "test"):
            raise QuestionFileError(f"{path.name}:{n}: each row needs an id and a split of dev or test")
        out.append(row)
    return out


def load_cases(name: str, split: str | None = None, folder: Path = ANSWERS_DIR) -> list[AnswerCase]:
    """The rows of one answer set (optionally one split) as cases."""
    cases = []
    for row in _rows(name, folder):
        gold = tuple((g["treaty"], str(g["article"]), str(g["paragraph"]) if g.get("paragraph") else None)
                     for g in row.get("must_quote", []))
        scope = tuple(row["scope"]) if row.get("scope") else None
        cases.append(AnswerCase(row["id"], row.get("question", ""), scope, gold, row["split"],
                                {k: v for k, v in row.items() if k not in ("id", "question", "scope", "must_quote", "split")}))
    return [c for c in cases if split is None or c.split == split]


def line_keys(answer: Answer) -> list[tuple[str, str | None, str | None]]:
    """(treaty, article, top-level paragraph) of each quoted line, in the order shown."""
    return [(c.treaty, c.article, c.paragraph or c.point) for _, c in answer.quotes]


def _decides(key: tuple[str, str | None, str | None], gold: tuple[tuple[str, str, str | None], ...]) -> bool:
    return any(key[0] == t and key[1] == a and (p is None or key[2] == p) for t, a, p in gold)


def verbatim(corpus: Corpus, answer: Answer) -> tuple[int, int]:
    """(quoted lines whose text is inside the provision they cite, quoted lines)."""
    ok = 0
    treaties = list(corpus.treaties.values())
    documents = list(corpus.documents.values())  # resolution paragraphs are quoted too
    for text, citation in answer.quotes:
        try:
            node = resolve(treaties, citation.id, documents)
        except KeyError:
            continue
        ok += text in " ".join(node.text.split())
    return ok, len(answer.quotes)


class Asker:
    """Asks each (question, scope) once per eval run: the must-quote questions serve three metrics."""

    def __init__(self, qa: Assistant):
        self.qa = qa
        self.corpus = qa.corpus
        self._seen: dict[tuple, tuple[Answer | None, float]] = {}

    def __call__(self, question: str, scope) -> tuple[Answer | None, float]:
        """(the answer or None for a user error, milliseconds it took when first asked)."""
        key = (question, tuple(scope) if scope else None)
        if key not in self._seen:
            started = time.perf_counter()
            try:
                answer = self.qa.ask(question, list(scope) if scope else None)
            except UserError:
                answer = None
            self._seen[key] = (answer, (time.perf_counter() - started) * 1000)
        return self._seen[key]


def must_quote(ask: Asker, cases: list[AnswerCase]) -> dict:
    """Share of answers whose first line, and whose first two lines, quote a deciding paragraph."""
    records, latencies, quoted, exact = [], [], 0, 0
    for case in cases:
        answer, ms = ask(case.question, case.scope)
        latencies.append(ms)
        keys = line_keys(answer) if answer is not None else []
        ok, n = verbatim(ask.corpus, answer) if answer is not None else (0, 0)
        exact, quoted = exact + ok, quoted + n
        records.append({
            "id": case.id, "question": case.question, "form": case.extra.get("form"),
            "must_quote": [list(g) for g in case.must_quote], "lines": [list(k) for k in keys[:4]],
            "lead": bool(keys) and _decides(keys[0], case.must_quote),
            "lead_two": any(_decides(k, case.must_quote) for k in keys[:2]),
            "both_two": len(keys) >= 2 and all(_decides(k, case.must_quote) for k in keys[:2]),
            "anywhere": any(_decides(k, case.must_quote) for k in keys),
            "not_addressed": bool(answer and answer.not_addressed), "abstained": bool(answer and answer.abstained),
        })
    n = len(records) or 1
    return {
        "n": len(records),
        "lead": round(sum(r["lead"] for r in records) / n, 4),
        "lead_two": round(sum(r["lead_two"] for r in records) / n, 4),
        "both_two": round(sum(r["both_two"] for r in records) / n, 4),
        "anywhere": round(sum(r["anywhere"] for r in records) / n, 4),
        "verbatim": round(exact / quoted, 4) if quoted else None, "quoted_lines": quoted,
        "latency_ms": {"p50": round(m.percentile(latencies, 50), 2), "p95": round(m.percentile(latencies, 95), 2)},
        "per_question": records,
    }


def not_addressed(ask: Asker, silent: list[AnswerCase], answerable: list[tuple[str, str, tuple | None]]) -> dict:
    """Precision/recall of the not-addressed line on silent questions, and how often answerable ones get it."""
    flagged_silent, records = 0, []
    for case in silent:
        answer, _ = ask(case.question, case.scope)
        flag = bool(answer and (answer.not_addressed or answer.abstained))
        flagged_silent += flag
        records.append({"id": case.id, "question": case.question, "flagged": flag,
                        "not_addressed": bool(answer and answer.not_addressed),
                        "abstained": bool(answer and answer.abstained),
                        "unmatched": answer.unmatched if answer else []})
    wrong = []
    for qid, question, scope in answerable:
        answer, _ = ask(question, scope)
        if answer is not None and answer.not_addressed:
            wrong.append({"id": qid, "question": question, "unmatched": answer.unmatched})
    flagged = flagged_silent + len(wrong)
    return {
        "n_silent": len(silent), "n_answerable": len(answerable),
        "recall": round(flagged_silent / len(silent), 4) if silent else None,
        "precision": round(flagged_silent / flagged, 4) if flagged else None,
        "answerable_flagged": round(len(wrong) / len(answerable), 4) if answerable else None,
        "wrongly_flagged": wrong, "per_question": records,
    }


def off_topic(ask: Asker, negatives: list[tuple[str, str, tuple | None]], answerable: list[tuple[str, str, tuple | None]]) -> dict:
    """Precision/recall of saying "not addressed" (abstaining or the not-addressed line), off-topic questions positive."""
    # An off-topic question counts as caught when the answer says the texts do not address it: by
    # abstaining (the similarity floor) or by the not-addressed line (its words are not in the texts).
    hits = sum(1 for _, q, s in negatives if (a := ask(q, s)[0]) is not None and (a.abstained or a.not_addressed))
    false = sum(1 for _, q, s in answerable if (a := ask(q, s)[0]) is not None and (a.abstained or a.not_addressed))
    return {"n_off_topic": len(negatives), "n_answerable": len(answerable),
            "recall": round(hits / len(negatives), 4) if negatives else None,
            "precision": round(hits / (hits + false), 4) if hits + false else None}


def follow_ups(rows: list[dict]) -> dict:
    """Precision/recall of follow-up detection on labelled pairs (the decision needs only the question)."""
    tp = fp = fn = 0
    misses = []
    for row in rows:
        said = is_follow_up(row["question"])
        tp += said and row["followup"]
        fp += said and not row["followup"]
        fn += (not said) and row["followup"]
        if said != row["followup"]:
            misses.append({"id": row["id"], "previous": row["previous"], "question": row["question"], "label": row["followup"]})
    return {"n": len(rows), "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None, "misses": misses}


def evaluate_answers(qa: Assistant, split: str | None = None, folder: Path = ANSWERS_DIR, ask: Asker | None = None) -> dict:
    """Every answer metric on one split (or both). Pass one ``ask`` to several calls so that questions without a
    split (dutch.jsonl, negatives.jsonl) are asked once, not once per split."""
    quote_cases = load_cases("must-quote.jsonl", split, folder)
    silent = load_cases("not-addressed.jsonl", split, folder)
    outsiders = [q for q in load_questions(sorted(QUESTIONS_DIR.glob("outsiders-*.jsonl")), split) if q.gold]
    answerable = ([(c.id, c.question, c.scope) for c in quote_cases]
                  + [(q.id, q.question, q.scope) for q in outsiders])
    negatives = [(q.id, q.question, q.scope) for q in load_questions([QUESTIONS_DIR / "negatives.jsonl"])]
    # Dutch questions over the Dutch texts have their own not-addressed floors (chosen on the Dutch calibration
    # questions); dutch.jsonl, which has no split and chose nothing, shows how often they flag an answerable one.
    dutch = [(q.id, q.question, q.scope) for q in load_questions([QUESTIONS_DIR / "dutch.jsonl"]) if q.gold]
    pairs = [r for r in _rows("followups.jsonl", folder) if split is None or r["split"] == split]
    ask = ask or Asker(qa)
    return {
        "split": split or "all",
        "must_quote": must_quote(ask, quote_cases),
        "not_addressed": not_addressed(ask, silent, answerable),
        "not_addressed_nl": not_addressed(ask, [], dutch),
        "off_topic": off_topic(ask, negatives, [(c.id, c.question, c.scope) for c in quote_cases]),
        "follow_ups": follow_ups(pairs),
    }
