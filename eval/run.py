"""Run one system over a question set and summarise: overall, by kind, treaty, chapter and language.

    >>> result = evaluate(systems["hybrid"], questions, chapters, k=10)
    >>> result["hit@1"], result["mrr@10"], result["by_kind"]["definition"]["recall@5"]
"""
from __future__ import annotations

import time
from collections import defaultdict
from typing import Callable

from index.frontmatter import PARTS

from . import metrics as m
from .questions import Question
from .systems import System

COMPANIONS = "multilingual-companions.jsonl"  # questions in other languages naming the Budapest Convention, its Protocol or UNCAC
ChapterOf = Callable[[str, str, str], str | None]  # (treaty, language, article) -> chapter number
SUMMARY_KEYS = ("hit@1", "hit@3", "hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10")


def score(question: Question, system: System, k: int, chapter_of: ChapterOf) -> dict:
    """One question's record: the ranking, every metric, abstention and latency."""
    started = time.perf_counter()
    ranking = system.search(question, k)
    latency = (time.perf_counter() - started) * 1000
    gold = {g.key for g in question.gold}
    ranked = ranking.articles
    record = {
        "id": question.id, "set": question.source + (f" ({question.split})" if question.split else ""),
        "split": question.split, "question": question.question, "kind": question.kind,
        "language": question.language,
        "scope": list(question.scope) if question.scope else None,
        "gold": [{"treaty": g.treaty, "article": g.article, "paragraph": g.paragraph} for g in question.gold],
        "chapters": sorted({f"{g.treaty}:{chapter_of(g.treaty, question.language, g.article)}" for g in question.gold}),
        "ranked": [{"treaty": t, "article": a} for t, a in ranked[:k]],
        "confidence": None if ranking.confidence is None else round(ranking.confidence, 4),
        "abstained": ranking.abstained, "lookup": ranking.lookup, "threshold": ranking.threshold,
        "latency_ms": round(latency, 2),
    }
    if gold:
        record.update({
            "hit@1": m.hit_at(ranked, gold, 1), "hit@3": m.hit_at(ranked, gold, 3), "hit@5": m.hit_at(ranked, gold, 5),
            "recall@5": m.recall_at(ranked, gold, 5), "recall@10": m.recall_at(ranked, gold, 10),
            "mrr@10": m.reciprocal_rank(ranked, gold, 10), "ndcg@10": m.ndcg_at(ranked, gold, 10),
            "first_rank": next((r for r, item in enumerate(ranked, 1) if item in gold), None),
        })
        if ranking.units is not None:
            # The node a gold names: its paragraph, or any part of its article when it names none.
            rank = next((r for r, unit in enumerate(ranking.units[:10], 1) if any(
                (t, a) == (g.treaty, g.article) and (g.paragraph is None or p == g.paragraph)
                for t, a, p in unit for g in question.gold)), None)
            record["node"] = {"hit@1": float(rank == 1), "hit@3": float(rank is not None and rank <= 3), "rank": rank}
        paragraphs = {(g.treaty, g.article, g.paragraph) for g in question.gold if g.paragraph}
        if paragraphs and ranking.units is not None:
            rank = m.first_hit(ranking.units, paragraphs, 10)
            record["paragraph"] = {"hit@1": float(rank == 1), "hit@3": float(rank is not None and rank <= 3),
                                   "hit@5": float(rank is not None and rank <= 5),
                                   "mrr@10": 1.0 / rank if rank else 0.0, "rank": rank}
    return record


def summarize(records: list[dict]) -> dict:
    """Means of the article-level metrics over the answerable records, plus paragraph metrics and abstention."""
    answerable = [r for r in records if r["gold"]]
    out: dict = {"n": len(records), "n_answerable": len(answerable)}
    for key in SUMMARY_KEYS:
        out[key] = _round(m.mean(r[key] for r in answerable))
    para = [r["paragraph"] for r in answerable if "paragraph" in r]
    out["paragraph"] = {"n": len(para), **{key: _round(m.mean(p[key] for p in para)) for key in ("hit@1", "hit@3", "hit@5", "mrr@10")}}
    node = [r["node"] for r in answerable if "node" in r]
    out["node"] = {"n": len(node), **{key: _round(m.mean(p[key] for p in node)) for key in ("hit@1", "hit@3")}}
    decided = [r for r in records if r["abstained"] is not None]
    ab = m.abstention([r["abstained"] for r in decided], [not r["gold"] for r in decided])
    out["abstention"] = {"precision": _round(ab["precision"]), "recall": _round(ab["recall"]),
                         "abstained": ab["abstained"], "negatives": ab["negatives"],
                         "answerable_abstained": sum(1 for r in decided if r["abstained"] and r["gold"])} if decided else \
        {"precision": None, "recall": None}
    latencies = [r["latency_ms"] for r in records]
    out["latency_ms"] = {"p50": _round(m.percentile(latencies, 50), 2), "p95": _round(m.percentile(latencies, 95), 2)}
    return out


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def _groups(records: list[dict], keys: Callable[[dict], list[str]]) -> dict[str, dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        for key in keys(r):
            groups[key].append(r)
    return {key: {k: v for k, v in summarize(rs).items() if k not in ("latency_ms",)} for key, rs in sorted(groups.items())}


def evaluate(system: System, questions: list[Question], chapter_of: ChapterOf, k: int = 10,
             primary: str = "un-cybercrime-2024") -> dict:
    """The JSON result of one system on a question set (keys documented in the README)."""
    records = [score(q, system, k, chapter_of) for q in questions]
    result = {"system": system.name, "description": system.description, "k": k, **summarize(records)}
    result["by_kind"] = _groups(records, lambda r: [r["kind"]])
    result["by_treaty"] = _groups(records, lambda r: sorted({g["treaty"] for g in r["gold"]}) or ["(negative)"])
    result["by_chapter"] = _groups([r for r in records if r["gold"]], lambda r: r["chapters"])
    result["by_language"] = _groups(records, lambda r: [r["language"]])
    # The slices are the project's own sets: the outsiders' sets (with a dev/test split) are reported apart.
    english = [r for r in records if r["language"] == "en" and not r.get("split")]
    only_primary = [r for r in english if (r["gold"] and all(g["treaty"] == primary for g in r["gold"]))
                    or (not r["gold"] and r["scope"] == [primary])]
    result["slices"] = {"en": summarize(english), f"{primary}/en": summarize(only_primary)}
    for split in ("dev", "test"):
        # Questions on the preamble and the adopting resolution have their own slice (and target).
        front = [r for r in records if r.get("split") == split and any(g["article"] in PARTS for g in r["gold"])]
        if front:
            result["slices"][f"front/{split}"] = summarize(front)
        front_ids = {r["id"] for r in front}
        outsiders = [r for r in records if r.get("split") == split and r["id"] not in front_ids and r["language"] == "en"]
        if outsiders:
            result["slices"][f"outsiders/{split}"] = summarize(outsiders)
            result["slices"][f"outsiders/{primary}/{split}"] = summarize(
                [r for r in outsiders if all(g["treaty"] == primary for g in r["gold"])])
    # Questions asked in other languages (eval/questions/multilingual.jsonl): one slice per language and split.
    asked = defaultdict(list)
    for r in records:
        if r.get("split") and r["language"] != "en":
            asked[r["language"]].append(r)
    for lang, rs in sorted(asked.items()):
        result["slices"][f"lang/{lang}"] = summarize(rs)
        for split in ("dev", "test"):
            result["slices"][f"lang/{lang}/{split}"] = summarize([r for r in rs if r["split"] == split])
    # Questions in other languages that name a companion treaty (multilingual-companions.jsonl): one slice per language.
    named = defaultdict(list)
    for r in records:
        if r["set"] == COMPANIONS:
            named[r["language"]].append(r)
    for lang, rs in sorted(named.items()):
        result["slices"][f"named/{lang}"] = summarize(rs)
    result["per_question"] = records
    return result
