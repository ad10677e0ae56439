"""An answer as Markdown for "Copy answer" and "Download as Markdown": the question, the quoted
sentences each with its label, the provisions list and a permalink for every provision.

The page's own address is not known on the server (the app may sit behind any host name), so
permalinks are written with the placeholder PAGE, which the page script replaces with its address.
"""
from __future__ import annotations

from urllib.parse import quote

from assistant.engine import Answer
from assistant.guide import LABEL as GUIDE_LABEL
from ui.words import language_name, without_scores

PAGE = "%PAGE%"
REMINDER = "Quotations from the treaty texts, chosen by a search program; not legal advice."


def permalink(node_id: str) -> str:
    """The page's own URL that opens node_id in the viewer (relative, so it works behind any host name)."""
    return f"?cite={quote(node_id, safe='/')}"


def _cite(label: str, node_id: str) -> str:
    """A Markdown link with the absolute permalink, the page address still to be filled in."""
    return f"[{label}]({PAGE}{permalink(node_id)})"


def _quotes(answer: Answer) -> list[str]:
    out = []
    for line, citation in answer.quotes:
        text = line.rsplit(f" [{citation.label}]", 1)[0].strip()
        out.append(f"> {text}\n> — {_cite(citation.label, citation.id)}\n")
    return out


def _provisions(answer: Answer) -> list[str]:
    seen: dict[str, str] = {}
    for p in answer.passages:
        seen.setdefault(p.chunk.node_id, f"- {_cite(p.chunk.label, p.chunk.node_id)} — {p.chunk.title}")
    for c in answer.citations:
        seen.setdefault(c.id, f"- {_cite(c.label, c.id)}")
    return list(seen.values())


def answer_markdown(answer: Answer, titles: dict[str, str]) -> str:
    """The answer as a Markdown document a reader can paste or save."""
    searched = ", ".join(titles.get(t, t) for t in answer.scope.treaties)
    language = language_name(answer.scope.language)
    parts = [f"# {answer.question}", "", f"Searched: {searched} ({language})", ""]
    if answer.guide and not answer.not_addressed:
        parts += [f"**{GUIDE_LABEL}**", ""] + [f"- {_cite(g['label'], g['id'])}: {g['summary']}" for g in answer.guide] + [""]
    quotes = _quotes(answer)
    if quotes and not answer.abstained:
        heading = "Closest provisions (not an answer)" if answer.not_addressed else "The treaty's own words"
        parts += [f"## {heading}", "", *quotes]
    else:
        first = without_scores(answer.answer).split("\n", 1)[0]
        parts += [first, ""]
    provisions = _provisions(answer)
    if provisions:
        parts += ["## Provisions", "", *provisions, ""]
    parts += ["---", REMINDER, ""]
    return "\n".join(parts)
