"""Treaty browser (Gradio): read any loaded treaty article by article, look up a pinpoint.

The chat UI with cited answers arrives with the retrieval issue; until then this serves
the parsed corpus so that every article and pinpoint can be checked by eye.
"""
from __future__ import annotations

import argparse

import gradio as gr

from index import config
from index import store
from index.corpus import Corpus
from index.embedding import ModelError
from index.pinpoint import article_citation, resolve


def _choices(corpus: Corpus) -> list[tuple[str, str]]:
    return [(f"{t.short_title} ({lang})", f"{tid}|{lang}") for (tid, lang), t in corpus.treaties.items()]


def _article_list(corpus: Corpus, key: str) -> list[tuple[str, str]]:
    tid, lang = key.split("|")
    treaty = corpus.get(tid, lang)
    return [(f"Art. {a.number} — {a.title}", a.number) for a in treaty.articles] if treaty else []


def render_article(corpus: Corpus, key: str, number: str) -> str:
    """Markdown of one article with its chapter, label and any interpretative notes."""
    tid, lang = key.split("|")
    treaty = corpus.get(tid, lang)
    article = treaty.article(number) if treaty and number else None
    if article is None:
        return "Choose an article."
    chapter = next((c for c in treaty.chapters if c.number == article.chapter), None)
    cite = article_citation(treaty, article)
    parts = [f"### {cite.label} — {article.title}"]
    if chapter:
        parts.append(f"*Chapter {chapter.number}: {chapter.name}*")
    parts += article.blocks()
    for note in treaty.notes_for(article.number):
        parts.append(f"**Interpretative note ({note.heading})**")
        parts += note.paragraphs
    return "\n\n".join(parts)


def lookup(corpus: Corpus, ref: str) -> str:
    """Exact text of a pinpoint label or id, or a one-line reason."""
    if not ref.strip():
        return "Type a pinpoint such as `UN Convention against Cybercrime, Art. 41(3)(e)`."
    try:
        cite = resolve(list(corpus.treaties.values()), ref, list(corpus.documents.values()))
    except KeyError as exc:
        return f"No such provision: {exc.args[0]}"
    return f"**{cite.label}**\n\n{cite.text}"


def build(corpus: Corpus) -> gr.Blocks:
    """The Gradio app over a loaded corpus."""
    choices = _choices(corpus)
    first = choices[0][1]
    with gr.Blocks(title="Treaty Q&A — browser") as demo:
        gr.Markdown("# Treaty browser\nThe parsed treaty texts, article by article.")
        if corpus.missing:
            gr.Markdown("Not available here: " + "; ".join(f"{m['id']} ({m['language']}): `{m['how']}`" for m in corpus.missing))
        with gr.Row():
            treaty = gr.Dropdown(choices, value=first, label="Treaty")
            article = gr.Dropdown(_article_list(corpus, first), value="1", label="Article")
        view = gr.Markdown(render_article(corpus, first, "1"))
        ref = gr.Textbox(label="Pinpoint lookup", placeholder="UN Convention against Cybercrime, Art. 41(3)(e)")
        found = gr.Markdown()
        treaty.change(lambda k: gr.Dropdown(choices=_article_list(corpus, k), value="1"), treaty, article)
        article.change(lambda k, n: render_article(corpus, k, n), [treaty, article], view)
        ref.submit(lambda r: lookup(corpus, r), ref, found)
    return demo


def main() -> None:
    """Start the app on the configured host and port."""
    parser = argparse.ArgumentParser(description="Treaty Q&A app")
    parser.add_argument("--host", default=config.app_host())
    parser.add_argument("--port", type=int, default=config.app_port())
    parser.add_argument("--share", action="store_true", help="public Gradio link (off by default)")
    args = parser.parse_args()
    try:
        # Builds the search index first when it is missing or stale, so the first question is fast.
        corpus = store.ensure(progress=lambda message, fraction: print(f"[{fraction:4.0%}] {message}", flush=True)).corpus
    except (store.IndexProblem, ModelError) as exc:
        raise SystemExit(f"error: {exc}") from None
    for problem in corpus.problems:
        print(f"warning: {problem}")
    build(corpus).launch(server_name=args.host, server_port=args.port, share=args.share)


if __name__ == "__main__":
    main()
