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
from ui import render, scripts
from ui.about import about_html
from ui.theme import CSS, HEAD, theme

log = logging.getLogger("treaty_qa.app")

# Each checked to give a good answer from the default treaty (see tests/test_app_browser.py).
EXAMPLES = [
    "Can a country refuse to extradite its own nationals?",
    "Can the police order a provider to preserve stored data?",
    "What counts as child sexual abuse material?",
    "Is there a 24/7 contact point for urgent requests?",
    "What does “electronic data” mean?",
    "What does Art. 35 say?",
]
HEADER = ('<header class="app-header"><h1>Treaty Q&amp;A</h1><p class="reminder">Answers quote the treaties\' own words, '
          'each sentence with the provision it comes from. They are not legal advice.</p></header>')


class TreatyApp:
    """The app's handlers over one loaded assistant; `blocks()` lays them out."""

    def __init__(self, qa: Assistant):
        self.qa = qa
        self.titles = {tid: entry.short_title for tid, entry in qa.catalog.items()}
        self.treaties = [t for t in qa.order if qa.corpus.languages(t)]
        self.primary = next(e.id for e in qa.catalog.values() if e.primary)
        self.languages = sorted({lang for _, lang in qa.corpus.treaties}, key=lambda x: (x != "en", x))

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

    # -- what to search ----------------------------------------------------------------------
    def in_language(self, language: str) -> list[str]:
        """The treaties with a text in a language, in the app's order."""
        return [t for t in self.treaties if (t, language) in self.qa.corpus.treaties]

    def scope_note(self, treaties: list[str], language: str, switched: str = "") -> str:
        """What the next question will search, in words (and why the selection changed, if it did)."""
        if not treaties:
            return "Nothing selected: tick at least one treaty, or press “All treaties”."
        names = ", ".join(self.titles[t] for t in treaties if (t, language) in self.qa.corpus.treaties)
        return " ".join(filter(None, [switched, f"Will search: {names} ({render.language_name(language)})."]))

    def choose_language(self, treaties: list[str], language: str):
        """Offer only the treaties that have a text in the chosen language; when none of the ticked ones has,
        tick those that do and say so. Returns (treaty choices, note, contents edition)."""
        offered = self.in_language(language)
        kept = [t for t in treaties or [] if t in offered]
        switched = ""
        left_out = [self.titles[t] for t in treaties or [] if t not in offered]
        if left_out:
            word = render.language_name(language)
            has = "has" if len(left_out) == 1 else "have"
            switched = f"{' and '.join(left_out)} {has} no {word} text here, so {'it is' if len(left_out) == 1 else 'they are'} not offered in {word}."
        if not kept:
            kept = offered
            switched += f" Ticked instead: every treaty with a {render.language_name(language)} text."
        choices = [(self.titles[t], t) for t in offered]
        return (gr.CheckboxGroup(choices=choices, value=kept), self.scope_note(kept, language, switched.strip()),
                self.edition_for(kept, language))

    def choose_all(self, language: str):
        """Every treaty that has a text in the chosen language."""
        offered = self.in_language(language)
        return offered, self.scope_note(offered, language), self.edition_for(offered, language)

    def choose_treaties(self, treaties: list[str], language: str):
        """The note and the contents follow the ticked treaties."""
        return self.scope_note(treaties, language), self.edition_for(treaties, language)

    def edition_for(self, treaties: list[str], language: str) -> str:
        """The contents shown for a selection: the first ticked treaty in the chosen language."""
        first = next((t for t in treaties or [] if (t, language) in self.qa.corpus.treaties), None)
        return f"{first}|{language}" if first else f"{self.primary}|en"

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
        return render.toc_html(f"{treaty.short_title} ({render.language_name(lang)})", table_of_contents(treaty))

    def lookup(self, reference: str) -> str:
        """Exactly the provision a citation names, or "no such provision" with suggestions."""
        try:
            return render.lookup_html(self.qa.cite(reference))
        except UserError as exc:
            return render.message_html(f"{exc}.")

    # -- permalinks --------------------------------------------------------------------------
    def arrive(self, turns: list[str], previous: Turn | None, treaties: list[str], language: str, request: gr.Request):
        """Follow the page's address: ``?cite=<pinpoint id>`` opens the viewer there; ``?q=<question>``
        (with ``&treaty=<id>[,<id>]`` and ``&lang=<code>``) asks. Anything else leaves the page as it is."""
        params = request.query_params
        keep = (gr.update(), gr.update(), render.conversation_html(turns), turns, previous, gr.update(), gr.update(), gr.update())
        cite, question = (params.get("cite") or "").strip(), (params.get("q") or "").strip()
        if cite:
            viewer, tabs = self.open(cite)
            return (viewer, tabs, *keep[2:])
        if not question:
            return keep
        wanted = [t.strip() for value in params.getlist("treaty") for t in value.split(",") if t.strip()]
        language = params.get("lang") or language
        if language not in self.languages:
            language = "en"
        treaties = wanted or treaties
        conversation, turns, previous, _ = self.ask(question, treaties, language, turns, previous)
        known = [t for t in treaties if t in self.in_language(language)] or self.in_language(language)
        return (gr.update(), gr.update(), conversation, turns, previous,
                gr.CheckboxGroup(choices=[(self.titles[t], t) for t in self.in_language(language)], value=known), language,
                self.scope_note(known, language))

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
        return [(f"{self.titles[t]} ({render.language_name(lang)})", f"{t}|{lang}") for t, lang in self.qa.available()]

    def blocks(self) -> gr.Blocks:
        """The page: the question and the answers on the left; article viewer, contents, lookup and
        "About these texts" on the right (below, on a phone)."""
        editions = self._editions()
        private = {"api_visibility": "private"}
        with gr.Blocks(title="Treaty Q&A", analytics_enabled=False) as page:
            gr.HTML(HEADER, elem_id="header", padding=False)
            with gr.Row():
                with gr.Column(scale=5, min_width=320, elem_id="chat"):
                    gr.HTML('<h2 class="panel-head">Ask a question</h2>', padding=False)
                    with gr.Row(equal_height=True):
                        question = gr.Textbox(placeholder="Type a question in plain language",
                                              label="Your question", elem_id="question", scale=5, min_width=200,
                                              max_length=2000)
                        ask = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
                    examples = gr.Dataset(components=[question], samples=[[q] for q in EXAMPLES], label="Examples",
                                          elem_id="examples", type="values")
                    with gr.Row():
                        treaties = gr.CheckboxGroup([(self.titles[t], t) for t in self.in_language("en")], value=[self.primary],
                                                    label="Treaties to search", elem_id="treaties", scale=4, min_width=260)
                        everything = gr.Button("All treaties", size="sm", scale=1, min_width=120, elem_id="all-treaties")
                    language = gr.Radio([(render.language_name(x), x) for x in self.languages], value="en",
                                        label="Language of the texts", elem_id="language")
                    scope = gr.Markdown(self.scope_note([self.primary], "en"), elem_id="scope-note")
                    gr.HTML('<h2 class="panel-head">Answers</h2>', padding=False)
                    conversation = gr.HTML(render.conversation_html([]), js_on_load=scripts.CONVERSATION,
                                           elem_id="conversation", apply_default_css=True)
                    clear = gr.Button("New conversation", size="sm", elem_id="clear")
                with gr.Column(scale=4, min_width=320, elem_id="reader"):
                    gr.HTML('<h2 class="panel-head">Read the texts</h2>', padding=False)
                    with gr.Tabs(selected="contents", elem_id="tabs") as tabs:
                        with gr.Tab("Article", id="article", elem_id="tab-article"):
                            viewer = gr.HTML(render.message_html("Click a citation, or an article in Contents, to read it here."),
                                             js_on_load=scripts.VIEWER, elem_id="viewer")
                        with gr.Tab("Contents", id="contents", elem_id="tab-contents"):
                            edition = gr.Dropdown(editions, value=editions[0][1], label="Contents of", elem_id="edition")
                            toc = gr.HTML(self.contents(editions[0][1]), js_on_load=scripts.CLICKS, elem_id="toc")
                        with gr.Tab("Look up", id="lookup", elem_id="tab-lookup"):
                            reference = gr.Textbox(label="Citation", elem_id="lookup-box",
                                                   placeholder="Art. 35 · Art. 41(3)(e) · UNCAC art. 2(a) · Budapest art. 6(1)(a)(ii)")
                            find = gr.Button("Look up", elem_id="lookup-button")
                            found = gr.HTML(elem_id="lookup-result", js_on_load=scripts.CLICKS)
                        with gr.Tab("About", id="about", elem_id="tab-about"):
                            gr.HTML(about_html(self.qa.corpus, self.treaties, self.titles), elem_id="about",
                                    js_on_load=scripts.CLICKS)
            # The API endpoints are registered first so that they own the names "ask" and "lookup". They skip
            # the queue: an answer takes milliseconds, and plain HTTP clients can then POST to /gradio_api/run/….
            gr.api(self.api_ask, api_name="ask", queue=False)
            gr.api(self.api_lookup, api_name="lookup", queue=False)
            gr.api(self.api_compare, api_name="compare", queue=False)
            turns, previous = gr.State([]), gr.State(None)
            chat_out = [conversation, turns, previous, question]
            for trigger in (ask.click, question.submit):
                trigger(self.ask, [question, treaties, language, turns, previous], chat_out, **private)
            examples.click(lambda sample, *rest: self.ask(sample[0] if isinstance(sample, list) else sample, *rest),
                           [examples, treaties, language, turns, previous], chat_out, **private)
            clear.click(self.clear, None, [conversation, turns, previous], **private)
            everything.click(self.choose_all, language, [treaties, scope, edition], **private)
            language.input(self.choose_language, [treaties, language], [treaties, scope, edition], **private)
            treaties.input(self.choose_treaties, [treaties, language], [scope, edition], **private)
            for clickable in (conversation, viewer, toc, found):
                clickable.click(self.open_clicked, None, [viewer, tabs], **private)
            edition.change(self.contents, edition, toc, **private)
            for trigger in (find.click, reference.submit):
                trigger(self.lookup, reference, found, **private)
            page.load(self.arrive, [turns, previous, treaties, language],
                      [viewer, tabs, conversation, turns, previous, treaties, language, scope],
                      show_progress="hidden", queue=False, **private)  # no spinners over the page as it opens
        return page


def _api_error(exc: ApiError | UserError) -> gr.Error:
    """The gr.Error a user error leaves the API as: its one line, and its code as the title."""
    error = exc if isinstance(exc, ApiError) else ApiError("bad_input", str(exc))
    return gr.Error(error.message, title=error.code, print_exception=False)


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
                css=CSS + compare_ui.CSS, head=HEAD, theme=theme(), js=scripts.PAGE, footer_links=["api"], show_error=False,
                app_kwargs={"middleware": [guard]})
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
