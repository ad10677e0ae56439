"""Treaty Q&A — the Gradio app: ask in plain language, read answers made of the treaty's own
sentences, click a citation to read the article, browse the contents, look up a pinpoint.

    make app                     # or: python app.py [--host H] [--port P] [--share] [--concurrency N] [--data-dir D]

The Gradio API answers with the same JSON as the CLI (``python -m assistant ask|cite --json``):

    >>> from gradio_client import Client
    >>> client = Client("http://127.0.0.1:7860/")
    >>> client.predict("Can a country refuse to extradite its own nationals?", api_name="/ask")["citations"][0]["label"]
    >>> client.predict("UNCAC art. 2(a)", api_name="/lookup")["found"]
    True
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from assistant.comparison import COMPARE_PREFIX, compare, compare_id
from assistant.conversation import Turn
from assistant.engine import Assistant
from assistant.errors import UserError
from assistant.viewer import open_view, table_of_contents
from index import config, store
from index.embedding import ModelError
from server import api_types, health
from server.errors import ApiError
from server.guard import Guard, RateLimiter
from server.starting import StartingServer
from ui import compare as compare_ui
from ui import render

log = logging.getLogger("treaty_qa.app")

EXAMPLES = [
    "Can a country refuse to extradite its own nationals?",
    "Can the police order a provider to preserve stored data quickly?",
    "What counts as child sexual abuse material?",
    "Is there a 24/7 contact point for urgent requests?",
    "What is an electronic data?",
    "Art. 35",
]
# A click on any [data-cite] link inside the component becomes a "click" event carrying the node id.
_CLICKS = ("element.addEventListener('click', (event) => {"
           " const a = event.target.closest('[data-cite]'); if (!a) return;"
           " event.preventDefault(); trigger('click', {cite: a.dataset.cite}); });")
# The viewer mounts only when its tab first shows (after its value was set) and may sit in a hidden
# tab when the value changes, so the highlight is scrolled to on mount and after each change, once visible.
VIEWER_JS = _CLICKS + (" const show = () => setTimeout(() => { const h = element.querySelector('.hl');"
                       " if (h) h.scrollIntoView({block: 'center'}); }, 250); watch('value', show); show();")
CONVERSATION_JS = _CLICKS + (" watch('value', () => { const t = element.querySelectorAll('.turn');"
                             " if (t.length) t[t.length - 1].scrollIntoView({block: 'nearest'}); });")
# Scrolling lives on our own elements: Gradio sets overflow inline on its component wrappers.
CSS = """
.conversation-scroll { max-height: 68vh; overflow-y: auto; padding-right: 4px; }
.turn { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 14px; margin: 8px 0; }
.turn .question { font-weight: 600; margin-bottom: 4px; }
.turn .searched, .turn .kind { color: var(--body-text-color-subdued); font-size: 0.85em; }
.turn.abstained, .turn.not-addressed { border-color: #c98a00; background: rgba(201, 138, 0, 0.06); }
.guide { border-left: 3px solid #1f6feb; background: rgba(31, 111, 235, 0.06); padding: 4px 10px; margin: 6px 0;
         font-size: 0.92em; font-style: italic; }
.guide .guide-head { font-style: normal; font-weight: 600; font-size: 0.85em; }
.guide ul { margin: 2px 0 2px 1em; padding: 0; }
.not-found { font-size: 0.88em; margin-top: 6px; }
.turn.error, .error-line { color: #b42318; }
.notice { font-size: 0.9em; padding: 4px 8px; margin: 4px 0; border-left: 3px solid #c98a00; }
.provisions-head, .toc-title, .note-head { font-weight: 600; margin-top: 8px; }
a.cite { text-decoration: underline dotted; cursor: pointer; padding: 0; margin: 0; }
.viewer { max-height: 75vh; overflow-y: auto; padding-right: 4px; }
.viewer .crumbs { color: var(--body-text-color-subdued); font-size: 0.85em; }
.viewer .blk { margin: 6px 0; white-space: pre-wrap; }
.viewer .depth-2 { margin-left: 1.5em; } .viewer .depth-3 { margin-left: 3em; }
.viewer .hl, .viewer .note.hl { background: rgba(255, 213, 79, 0.45); border-radius: 4px; }
.viewer .note { border-top: 1px solid var(--border-color-primary); margin-top: 10px; padding-top: 6px; }
.viewer .nav { margin-top: 12px; display: flex; gap: 16px; }
.toc { max-height: 70vh; overflow-y: auto; }
"""


class TreatyApp:
    """The app's handlers over one loaded assistant; `blocks()` lays them out."""

    def __init__(self, qa: Assistant):
        self.qa = qa
        self.titles = {tid: entry.short_title for tid, entry in qa.catalog.items()}
        self.treaties = [t for t in qa.order if qa.corpus.languages(t)]
        self.primary = next(e.id for e in qa.catalog.values() if e.primary)

    # -- chat --------------------------------------------------------------------------------
    def ask(self, question: str, treaties: list[str], language: str, turns: list[str], previous: Turn | None):
        """Answer one chat question; returns (conversation, turns, context for a follow-up, cleared box)."""
        started = time.perf_counter()
        try:
            if not treaties:
                raise UserError("choose at least one treaty to search (or press “All treaties”)")
            answer = self.qa.ask(question, treaties=treaties, language=language, previous=previous)
            turn = render.answer_html(answer, self.titles, time.perf_counter() - started)
            previous = answer.turn or previous
        except UserError as exc:
            turn = render.error_html(question, f"{exc}.")
        except Exception:  # the page shows one line; the server log keeps the traceback
            log.exception("ask failed for %r", question)
            turn = render.error_html(question, "Something went wrong with this question (see the server log); try rephrasing it.")
        turns = [*turns, turn]
        return render.conversation_html(turns), turns, previous, ""

    def clear(self):
        """A fresh conversation (no follow-up context)."""
        return render.conversation_html([]), [], None

    def scope_note(self, treaties: list[str], language: str) -> str:
        """What the next question will search, and what it will not."""
        if not treaties:
            return "Nothing selected: choose at least one treaty."
        try:
            scope, notices = self.qa.scope(treaties, language)
        except UserError as exc:
            return f"Nothing to search: {exc}."
        names = ", ".join(self.titles[t] for t in scope.treaties)
        lines = [f"Will search: {names} ({render.LANGUAGES.get(language, language)})."]
        return "\n\n".join(lines + [f"{n}." for n in notices])

    # -- reading -----------------------------------------------------------------------------
    def open(self, node_id: str):
        """The article viewer opened at a node, and the Article tab selected."""
        try:
            if node_id.startswith(COMPARE_PREFIX):  # "Compare with…" links open the compare view here
                html = compare_ui.compare_html(compare_id(self.qa.corpus, node_id), self.titles)
            else:
                view = open_view(self.qa.corpus, self.qa.catalog, node_id)
                html = render.article_html(view)
                if "/art-" in view.article.id:
                    options = [(t, self.titles[t]) for t in self.treaties if t != view.treaty]
                    html = compare_ui.menu_html(view.article.id, options) + html
        except UserError as exc:
            html = render.message_html(f"{exc}.")
        return html, gr.Tabs(selected="article")

    def open_clicked(self, event: gr.EventData):
        """Open the node a clicked citation link names."""
        return self.open(str(getattr(event, "cite", "")))

    def contents(self, key: str) -> str:
        """Table of contents of one language version ("treaty-id|lang")."""
        tid, _, lang = (key or "").partition("|")
        treaty = self.qa.corpus.get(tid, lang)
        if treaty is None:
            return render.message_html("Choose a treaty.")
        return render.toc_html(f"{treaty.short_title} ({render.LANGUAGES.get(lang, lang)})", table_of_contents(treaty))

    def lookup(self, reference: str) -> str:
        """Exactly the provision a citation names, or "no such provision" with suggestions."""
        try:
            return render.lookup_html(self.qa.cite(reference))
        except UserError as exc:
            return render.message_html(f"{exc}.")

    # -- API (same JSON as the CLI) ----------------------------------------------------------
    # Arguments arrive as whatever JSON the caller sent: they are validated by the types in
    # server/api_types.py, and every user error leaves as a gr.Error whose title is its code
    # (server/errors.py), which the guard turns into a 4xx on plain HTTP.
    def api_ask(self, question: str, treaties: list[str] | None = None, language: str = "en", k: int = 5,
                chapter: str | None = None) -> dict:
        """Answer a question with pinpoint citations: the JSON of `python -m assistant ask --json`."""
        try:
            args = api_types.parse(api_types.AskArgs, {"question": question, "treaties": treaties, "language": language,
                                                        "k": k, "chapter": chapter})
            return self.qa.ask(args.question, treaties=args.treaties or None, language=args.language, k=args.k,
                               chapter=args.chapter).to_dict()
        except (ApiError, UserError) as exc:
            raise _api_error(exc) from None

    def api_lookup(self, reference: str) -> dict:
        """Look up a citation: the JSON of `python -m assistant cite --json`."""
        try:
            args = api_types.parse(api_types.LookupArgs, {"reference": reference})
            return self.qa.cite(args.reference).to_dict()
        except (ApiError, UserError) as exc:
            raise _api_error(exc) from None

    def api_compare(self, reference: str, with_treaty: str) -> dict:
        """An article beside its counterpart(s) in another treaty: the JSON of `python -m assistant compare --json`."""
        try:
            args = api_types.parse(api_types.CompareArgs, {"reference": reference, "with_treaty": with_treaty})
            return compare(self.qa.corpus, args.reference, args.with_treaty).to_dict()
        except (ApiError, UserError) as exc:
            raise _api_error(exc) from None

    # -- layout ------------------------------------------------------------------------------
    def _editions(self) -> list[tuple[str, str]]:
        return [(f"{self.titles[t]} ({render.LANGUAGES.get(lang, lang)})", f"{t}|{lang}") for t, lang in self.qa.available()]

    def _missing_note(self) -> str:
        missing = self.qa.corpus.missing
        if not missing:
            return ""
        rows = "; ".join(f"{self.titles.get(m['id'], m['id'])} in {render.LANGUAGES.get(m['language'], m['language'])} "
                         f"(`{m['how']}`)" for m in missing)
        return f"Not available here, so never searched: {rows}."

    def blocks(self) -> gr.Blocks:
        """The page: chat on the left; article viewer, contents and lookup on the right."""
        languages = sorted({lang for _, lang in self.qa.corpus.treaties}, key=lambda x: (x != "en", x))
        editions = self._editions()
        with gr.Blocks(title="Treaty Q&A", analytics_enabled=False) as page:
            gr.Markdown("# Treaty Q&A\nAnswers in the treaties' own words, each sentence followed by its pinpoint "
                        "citation. Click a citation to read the article.")
            with gr.Row():
                with gr.Column(scale=5):
                    with gr.Row():
                        treaties = gr.CheckboxGroup([(self.titles[t], t) for t in self.treaties], value=[self.primary],
                                                    label="Treaties to search", elem_id="treaties", scale=4)
                        everything = gr.Button("All treaties", size="sm", scale=1, elem_id="all-treaties")
                    language = gr.Radio([(render.LANGUAGES.get(x, x), x) for x in languages], value="en",
                                        label="Language of the texts", elem_id="language")
                    scope = gr.Markdown(self.scope_note([self.primary], "en"), elem_id="scope-note")
                    if self.qa.corpus.missing:
                        with gr.Accordion(f"Not available here ({len(self.qa.corpus.missing)} language versions)", open=False):
                            gr.Markdown(self._missing_note(), elem_id="missing-note")
                    conversation = gr.HTML(render.conversation_html([]), js_on_load=CONVERSATION_JS,
                                           elem_id="conversation", apply_default_css=True)
                    with gr.Row():
                        question = gr.Textbox(placeholder="e.g. Can a country refuse to extradite its own nationals?",
                                              label="Your question", elem_id="question", scale=5, max_length=2000)
                        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                    examples = gr.Dataset(components=[question], samples=[[q] for q in EXAMPLES], label="Examples",
                                          elem_id="examples", type="values")
                    clear = gr.Button("New conversation", size="sm", elem_id="clear")
                with gr.Column(scale=4):
                    with gr.Tabs(selected="contents", elem_id="tabs") as tabs:
                        with gr.Tab("Article", id="article", elem_id="tab-article"):
                            viewer = gr.HTML(render.message_html("Click a citation, or an article in Contents, to read it here."),
                                             js_on_load=VIEWER_JS, elem_id="viewer")
                        with gr.Tab("Contents", id="contents", elem_id="tab-contents"):
                            edition = gr.Dropdown(editions, value=editions[0][1], label="Treaty", elem_id="edition")
                            toc = gr.HTML(self.contents(editions[0][1]), js_on_load=_CLICKS, elem_id="toc")
                        with gr.Tab("Look up", id="lookup", elem_id="tab-lookup"):
                            reference = gr.Textbox(label="Citation", elem_id="lookup-box",
                                                   placeholder="Art. 35 · Art. 41(3)(e) · UNCAC art. 2(a) · Budapest art. 6(1)(a)(ii)")
                            find = gr.Button("Look up", elem_id="lookup-button")
                            found = gr.HTML(elem_id="lookup-result", js_on_load=_CLICKS)
            # The API endpoints are registered first so that they own the names "ask" and "lookup". They skip
            # the queue: an answer takes milliseconds, and plain HTTP clients can then POST to /gradio_api/run/….
            gr.api(self.api_ask, api_name="ask", queue=False)
            gr.api(self.api_lookup, api_name="lookup", queue=False)
            gr.api(self.api_compare, api_name="compare", queue=False)
            turns, previous = gr.State([]), gr.State(None)
            chat_out = [conversation, turns, previous, question]
            private = {"api_visibility": "private"}
            for trigger in (ask.click, question.submit):
                trigger(self.ask, [question, treaties, language, turns, previous], chat_out, **private)
            examples.click(lambda sample, *rest: self.ask(sample[0] if isinstance(sample, list) else sample, *rest),
                           [examples, treaties, language, turns, previous], chat_out, **private)
            clear.click(self.clear, None, [conversation, turns, previous], **private)
            everything.click(lambda: list(self.treaties), None, treaties, **private)
            for control in (treaties, language):
                control.change(self.scope_note, [treaties, language], scope, **private)
            for clickable in (conversation, viewer, toc, found):
                clickable.click(self.open_clicked, None, [viewer, tabs], **private)
            edition.change(self.contents, edition, toc, **private)
            for trigger in (find.click, reference.submit):
                trigger(self.lookup, reference, found, **private)
        return page


def _api_error(exc: ApiError | UserError) -> gr.Error:
    """The gr.Error a user error leaves the API as: its one line, and its code as the title."""
    error = exc if isinstance(exc, ApiError) else ApiError("bad_input", str(exc))
    return gr.Error(error.message, title=error.code, print_exception=False)


def theme() -> gr.themes.Base:
    """The default look with system fonts: the machines here cannot fetch web fonts."""
    return gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"],
                             font_mono=["ui-monospace", "monospace"])


def allowed_hosts(host: str) -> tuple[str, ...]:
    """The Host names answered: the configured ones, plus the interface's own address when it is a specific one."""
    hosts = config.allowed_hosts()
    bound = host.strip("[]").lower()
    return hosts if bound in ("", "0.0.0.0", "::") or bound in hosts else (*hosts, bound)


def serve(qa: Assistant, host: str, port: int, share: bool = False, concurrency: int | None = None,
          block: bool = True, rate: float | None = None, burst: int | None = None) -> gr.Blocks:
    """Launch the app over an assistant behind the guard; with block=False return the running app (tests)."""
    page = TreatyApp(qa).blocks()
    page.queue(default_concurrency_limit=concurrency or config.app_concurrency())
    started = time.monotonic()
    limiter = RateLimiter(config.rate_limit() if rate is None else rate, config.rate_burst() if burst is None else burst)
    guard = Middleware(Guard, allowed_hosts=allowed_hosts(host), limiter=limiter, health=lambda: health.ready(qa, started))
    page.launch(server_name=host, server_port=port, share=share, prevent_thread_lock=not block, quiet=not block,
                css=CSS + compare_ui.CSS, theme=theme(), footer_links=["api"], show_error=False, app_kwargs={"middleware": [guard]})
    return page


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (all flags documented in --help)."""
    parser = argparse.ArgumentParser(description="Treaty Q&A app")
    parser.add_argument("--host", default=None, help="interface (env TREATY_QA_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (env TREATY_QA_PORT, default 7860)")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="requests answered at once (env TREATY_QA_CONCURRENCY, default 4)")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="shared treaty texts (env TREATY_QA_CORPUS_DIR)")
    parser.add_argument("--data-dir", type=Path, default=None, help="the search index and added files (env TREATY_QA_DATA_DIR)")
    parser.add_argument("--share", action="store_true", help="public Gradio link (off by default)")
    return parser


def main(argv: list[str] | None = None) -> None:
    """Start the app on the configured host and port, building the index first if needed."""
    args = build_parser().parse_args(argv)
    config.require_valid()  # every bad setting in one go, before any index work
    host, port = args.host or config.app_host(), args.port or config.app_port()
    if not 1 <= port <= 65535 or (args.concurrency is not None and args.concurrency < 1):
        raise SystemExit(_usage_error("--port must be 1-65535 and --concurrency at least 1"))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG
    try:
        # The port answers /healthz ("building" or "loading", 503) while the index is made ready.
        starting = StartingServer(host, port, allowed_hosts(host)).start()
    except OSError as exc:
        raise SystemExit(_usage_error(f"cannot listen on {host}:{port} ({exc.strerror}); "
                                      "choose another with --port / TREATY_QA_PORT or --host / TREATY_QA_HOST"))

    def progress(message: str, fraction: float) -> None:
        starting.update(message, fraction)
        print(f"[{fraction:4.0%}] {message}", flush=True)

    try:
        qa = Assistant.open(args.corpus_dir, args.data_dir, progress=progress)
    except (store.IndexProblem, ModelError) as exc:
        raise SystemExit(_usage_error(str(exc))) from None
    finally:
        starting.stop()
    for problem in qa.corpus.problems:
        print(f"warning: {problem}")
    serve(qa, host, port, share=args.share, concurrency=args.concurrency)


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    main()
