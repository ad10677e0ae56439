"""HTML of the compare view: an article beside its counterpart(s) in another treaty, paragraphs aligned,
word-level differences marked, and the "Compare with…" menu the article viewer shows.

Differences are never shown by colour alone: removed words are <del> (struck through), added words <ins>
(underlined), changed wording is both with a dotted outline; each carries words for screen readers and a
title, and the view opens with a legend. Text colours on the marked backgrounds have a contrast of at least
7:1. Every piece of treaty text is HTML-escaped here; links are ``data-cite`` links like the viewer's.
"""
from __future__ import annotations

from html import escape

from assistant.alignment import Op
from assistant.comparison import AlignedRow, Comparison, Counterpart, compare_link
from assistant.concordance import EDITORIAL
from ui.export import permalink

LANGUAGES = {"en": "English", "nl": "Dutch", "fr": "French", "es": "Spanish", "ru": "Russian", "zh": "Chinese", "ar": "Arabic"}

CSS = """
.compare-with { font-size: 0.88em; margin: 4px 0 8px; }
.compare-with a { margin-right: 10px; }
.compare { max-height: 75vh; overflow-y: auto; padding-right: 4px; }
.compare .cmp-legend, .compare .cmp-message { font-size: 0.86em; margin: 4px 0; }
.compare .cmp-legend span { margin-right: 12px; }
.compare .cmp-note { border-left: 3px solid #1f6feb; padding: 2px 8px; font-style: italic; font-size: 0.9em; }
.compare .cmp-note b { font-style: normal; }
.compare table.cmp-table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.compare .cmp-table th, .compare .cmp-table td { vertical-align: top; border-top: 1px solid var(--border-color-primary);
  padding: 4px 6px; text-align: left; white-space: pre-wrap; font-size: 0.92em; }
.compare .cmp-table th { font-weight: 600; }
.compare .pin { display: block; font-size: 0.85em; white-space: normal; }
.compare .none { color: var(--body-text-color-subdued); font-style: italic; }
.compare del, .compare ins { color: #1f2328; border-radius: 2px; padding: 0 1px; }
.compare del { background: #ffebe9; text-decoration: line-through; }
.compare ins { background: #dafbe1; text-decoration: underline; }
.compare del.chg, .compare ins.chg { background: #fff8c5; outline: 1px dotted #6e5600; }
.compare .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.compare .nav { margin-top: 12px; display: flex; gap: 16px; flex-wrap: wrap; }
"""


def _link(node_id: str, text: str) -> str:
    """A real link (its permalink) that the page opens in place, like every citation."""
    return f'<a href="{escape(permalink(node_id))}" class="cite" data-cite="{escape(node_id)}">{escape(text)}</a>'


def _pin(label: str) -> str:
    """ "Budapest Convention, Art. 20(1)" → "Art. 20(1)": the column heading already names the treaty."""
    return label.rsplit(", ", 1)[-1]


def menu_html(article_id: str, options: list[tuple[str, str]]) -> str:
    """The viewer's "Compare with…" line: one link per other treaty (id, title)."""
    if not options:
        return ""
    links = " ".join(_link(compare_link(article_id, tid), title) for tid, title in options)
    return f'<nav class="compare-with" aria-label="Compare with another treaty">Compare with… {links}</nav>'


def _mark(tag: str, text: str, title: str, words: str, cls: str = "") -> str:
    """One marked run; the space after it stays outside the mark."""
    core = text.rstrip()
    attr = f' class="{cls}"' if cls else ""
    return (f'<{tag}{attr} title="{title}"><span class="sr">{words} </span>{escape(core)}</{tag}>'
            f'{escape(text[len(core):])}')


def _side(ops: list[Op], side: str, fallback: str) -> str:
    """One cell's text: equal words plain, this side's differing words marked."""
    if not ops:
        return escape(fallback)
    out = []
    for op in ops:
        if op.op == "equal":
            out.append(escape(op.a))
        elif side == "a" and op.op == "removed":
            out.append(_mark("del", op.a, "only in this text", "[only here:]"))
        elif side == "b" and op.op == "added":
            out.append(_mark("ins", op.b, "only in this text", "[only here:]"))
        elif op.op == "changed":
            out.append(_mark("del" if side == "a" else "ins", op.a if side == "a" else op.b, "changed wording",
                             "[changed:]", "chg"))
    return "".join(out)


def _cell(citation, text: str, ops: list[Op], side: str) -> str:
    if citation is None:
        return '<td class="none">no corresponding paragraph</td>'
    body = _side(ops, side, text) if ops else escape(text)
    return f'<td data-id="{escape(citation.id)}"><span class="pin">{_link(citation.id, _pin(citation.label))}</span>{body}</td>'


def _row(row: AlignedRow) -> str:
    paired = row.source is not None and row.target is not None
    return (f'<tr class="{"paired" if paired else "alone"}">'
            f'{_cell(row.source, row.source_text, row.diff, "a")}'
            f'{_cell(row.target, row.target_text, row.diff, "b")}</tr>')


def _match(result: Comparison, m: Counterpart, source_title: str, with_title: str) -> str:
    status = "reviewed by a person" if m.status == "reviewed" else "computed, not reviewed"
    html = [f'<section class="cmp-match" data-match="{escape(m.citation.id)}">',
            f'<h4>{_link(m.citation.id, m.citation.label)} — {escape(m.heading)}</h4>',
            f'<div class="cmp-status">Correspondence {escape(status)}; similarity {m.score:.2f}.</div>']
    if m.note:
        html.append(f'<div class="cmp-note" role="note"><b>{escape(EDITORIAL)}:</b> {escape(m.note)}</div>')
    html.append('<table class="cmp-table"><thead><tr>'
                f'<th scope="col">{escape(source_title)}: {_link(result.source.id, _pin(result.source.label))} {escape(result.heading)}</th>'
                f'<th scope="col">{escape(with_title)}: {_link(m.citation.id, _pin(m.citation.label))} {escape(m.heading)}</th>'
                f'</tr></thead><tbody>{"".join(_row(r) for r in m.rows)}</tbody></table></section>')
    return "".join(html)


def compare_html(result: Comparison, titles: dict[str, str]) -> str:
    """The compare view of one article against another treaty."""
    src = result.source
    source_title = titles.get(src.treaty, src.treaty) + ("" if src.language == "en" else f" ({src.language.upper()})")
    with_title = titles.get(result.with_treaty, result.with_treaty) + (
        "" if result.with_language == "en" else f" ({result.with_language.upper()})")
    html = [f'<div class="compare" data-from="{escape(src.id)}" data-with="{escape(result.with_treaty)}">',
            f'<h3 class="compare-heading">{escape(src.label)} compared with the {escape(with_title)}</h3>',
            f'<div class="cmp-message">{escape(result.message)}</div>']
    if result.matches and result.diffed:
        html.append('<div class="cmp-legend" role="note"><b>Legend:</b> '
                    '<span><del>struck through</del> only in the left text</span>'
                    '<span><ins>underlined</ins> only in the right text</span>'
                    '<span><del class="chg">outlined</del>/<ins class="chg">outlined</ins> changed wording</span>'
                    '<span>“no corresponding paragraph”: nothing aligned on that side</span></div>')
    for m in result.matches:
        html.append(_match(result, m, source_title, with_title))
    nav = [_link(src.id, f"← Back to {src.label}")] + [_link(m.citation.id, f"Open {m.citation.label}") for m in result.matches]
    html.append(f'<div class="nav">{" ".join(nav)}</div></div>')
    return "".join(html)
