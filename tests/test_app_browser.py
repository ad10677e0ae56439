"""The app in a real browser: Debian's chromium driven by playwright (never `playwright install`),
at desktop (1366×900) and phone (390×844) size, with axe-core (axe-playwright-python) run on every
main state: 0 serious or critical WCAG 2.2 AA violations. Screenshots land in each test's tmp dir."""
from __future__ import annotations

import shutil
import time
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT = 30_000  # ms; the first answer also warms the page
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does this)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _open(browser, app_url, viewport, path=""):
    context = browser.new_context(viewport=viewport, permissions=["clipboard-read", "clipboard-write"], accept_downloads=True,
                                  has_touch=viewport is PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url + path, wait_until="domcontentloaded")
    page.wait_for_selector("#question textarea", timeout=WAIT)
    return context, page, errors


def _page(browser, app_url, viewport):
    """A fresh page at that size; on teardown, no script error may have happened on it."""
    context, page, errors = _open(browser, app_url, viewport)
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def page(browser, app_url):
    yield from _page(browser, app_url, DESKTOP)


@pytest.fixture
def phone(browser, app_url):
    yield from _page(browser, app_url, PHONE)


def _axe(page, state: str, tmp_path):
    """No serious or critical WCAG 2.x A/AA violation in the page as it is now; a screenshot of it."""
    page.screenshot(path=str(tmp_path / f"{state}.png"))
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert not bad, f"{state}: {bad}"


def _ask(page, question: str):
    before = page.locator("#conversation .turn").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    expect(page.locator("#conversation .turn")).to_have_count(before + 1, timeout=WAIT)
    return page.locator("#conversation .turn").last


def test_ask_click_citation_back_and_look_up(page, tmp_path):
    expect(page.locator("h1")).to_have_text("Treaty Q&A")
    expect(page.locator(".app-header .reminder")).to_contain_text("not legal advice")
    expect(page.locator("#examples")).to_contain_text("Can a country refuse to extradite its own nationals?")
    expect(page.locator("h1")).to_have_count(1)
    assert {"Ask a question", "Answers", "Read the texts"} <= set(page.locator("h2").all_inner_texts())
    _axe(page, "desktop-first-load", tmp_path)
    # Keyboard focus is visible on every control: the question's neighbours, examples, checkboxes, radios, tabs.
    page.click("#question textarea")
    for _ in range(16):
        page.keyboard.press("Tab")
        ring = page.evaluate("() => { const e = document.activeElement, t = e.closest('label') || e, s = getComputedStyle(t);"
                             " return [e.tagName + '#' + e.id, s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert ring[1] == "solid" and ring[2] >= 2, ring

    turn = _ask(page, "Can a country refuse to extradite its own nationals?")
    expect(turn.locator("h3.question")).to_have_text("Can a country refuse to extradite its own nationals?")
    expect(page.locator("#conversation [role=log][aria-live=polite]")).to_have_count(1)
    expect(turn.locator(".answer")).to_contain_text("extradit")
    expect(turn.locator(".searched")).to_contain_text("Searched: UN Convention against Cybercrime (English)")
    _axe(page, "desktop-answer", tmp_path)
    cite = turn.locator(".answer p a.cite").first
    label = cite.inner_text()
    assert label.startswith("UN Convention against Cybercrime, Art. 37(")
    paragraph = label.split("Art. 37(")[1].split(")")[0]
    assert cite.get_attribute("href") == f"?cite=un-cybercrime-2024/en/art-37/{paragraph}"  # a real link
    cite.click()
    viewer = page.locator("#viewer .viewer")
    expect(viewer.locator(".article-heading")).to_have_text("Article 37. Extradition", timeout=WAIT)
    expect(viewer.locator(".article-heading")).to_be_focused()  # focus moves to the opened article
    expect(viewer.locator(".crumbs")).to_contain_text("Chapter V. International cooperation")
    highlighted = viewer.locator(".blk.hl").first
    expect(highlighted).to_have_attribute("data-path", paragraph)
    expect(highlighted).to_contain_text(f"{paragraph}. ")
    expect(highlighted).to_be_in_viewport(timeout=WAIT)  # scrolled to, even far down a long article
    expect(viewer.locator(".article-heading")).to_be_in_viewport()  # the heading stays visible
    # the cited sentence in the answer is verbatim in the highlighted paragraph
    sentence = turn.locator(".answer p").first.inner_text().rsplit(" [", 1)[0]
    assert sentence in viewer.locator(".blk.hl").all_inner_texts()[0]
    # the articles citing Article 37 are listed beside the ones it cites
    referrers = viewer.locator(".referred-by a.cite").all_inner_texts()
    assert referrers and all(r.startswith("UN Convention against Cybercrime, Art. ") for r in referrers)
    _axe(page, "desktop-viewer", tmp_path)
    viewer.locator("a.copy-link").click()
    expect(viewer.locator(".copy-status")).to_have_text("Link copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"/?cite=un-cybercrime-2024/en/art-37/{paragraph}")
    viewer.locator(".back-to-answer").click()
    expect(cite).to_be_focused()
    expect(cite).to_be_in_viewport()

    page.get_by_role("tab", name="Look up").click()
    page.fill("#lookup-box textarea", "Art. 41(3)(e)")
    page.click("#lookup-button")
    result = page.locator("#lookup-result .lookup.found")
    expect(result).to_contain_text("(e) The provision of electronic data to avert an emergency.", timeout=WAIT)
    expect(result.locator(".lead-in")).to_contain_text("the following measures:")  # the point's lead-in
    page.fill("#lookup-box textarea", "Artcle 5")
    page.click("#lookup-button")
    expect(page.locator("#lookup-result .lookup.missing")).to_contain_text(
        "did you mean UN Convention against Cybercrime, Art. 5?", timeout=WAIT)
    expect(page.locator("#lookup-result a.cite").first).to_have_attribute("data-cite", "un-cybercrime-2024/en/art-5")
    _axe(page, "desktop-lookup", tmp_path)
    page.fill("#lookup-box textarea", "Art. 6(9)(z)")
    page.click("#lookup-button")
    expect(page.locator("#lookup-result .lookup.missing")).to_contain_text("No such provision", timeout=WAIT)
    # A paragraph of the adopting resolution opens in the viewer like an article, highlighted and in view.
    page.fill("#lookup-box textarea", "A/RES/79/243, para. 12")
    page.click("#lookup-button")
    page.locator("#lookup-result .lookup.found a.cite").click()
    expect(viewer.locator(".article-heading")).to_have_text("A/RES/79/243 — the General Assembly resolution", timeout=WAIT)
    resolution = viewer.locator(".blk.hl")
    expect(resolution).to_have_count(1)
    expect(resolution).to_have_attribute("data-path", "12")
    expect(resolution).to_contain_text("International Anti-Cybercrime Day")
    expect(resolution).to_be_in_viewport(timeout=WAIT)
    page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
    assert (tmp_path / "app.png").stat().st_size > 10_000


def test_follow_up_language_switch_contents_and_errors(page, tmp_path):
    _ask(page, "Can authorities order a provider to preserve stored computer data?")
    follow = _ask(page, "and what about traffic data?")
    expect(follow.locator(".notice")).to_contain_text("follow-up")

    page.click("#all-treaties")
    expect(page.locator("#scope-note")).to_contain_text("Budapest Convention", timeout=WAIT)
    compared = _ask(page, "Which acts of illegal access to a computer system must be made criminal offences?")
    expect(compared.locator(".searched")).to_contain_text("UN Convention against Cybercrime, Budapest Convention")
    lines = compared.locator(".answer p").all_inner_texts()
    assert lines.index("UN Convention against Cybercrime:") < lines.index("Budapest Convention:")  # grouped, primary first
    treaties_cited = {c.split(", Art.")[0] for c in compared.locator(".answer p a.cite").all_inner_texts()}
    assert treaties_cited == {"UN Convention against Cybercrime", "Budapest Convention"}

    # Dutch: the UN Convention has no Dutch text, so it is not offered, and the page says so in words.
    page.get_by_label("Dutch").check()
    note = page.locator("#scope-note")
    expect(note).to_contain_text("UN Convention against Cybercrime has no Dutch text here", timeout=WAIT)
    expect(note).to_contain_text("Will search: Budapest Convention")
    expect(page.locator("#treaties")).not_to_contain_text("UN Convention against Cybercrime")
    assert "'nl'" not in page.inner_text("body")
    dutch = _ask(page, "Wat is een computersysteem?")
    expect(dutch.locator(".searched")).to_contain_text("(Dutch)")
    # Contents follow the selection, with headings in the text's language.
    page.get_by_role("tab", name="Contents").click()
    expect(page.locator("#toc .toc-title")).to_have_text("Budapest Convention (Dutch)", timeout=WAIT)
    expect(page.locator("#toc summary").first).to_contain_text("Hoofdstuk I.")
    _axe(page, "desktop-contents", tmp_path)
    page.get_by_label("English").check()
    expect(page.locator("#treaties")).to_contain_text("UN Convention against Cybercrime", timeout=WAIT)

    error = _ask(page, "   ?  ")
    expect(error.locator(".error-line")).to_contain_text("the question is empty")
    assert "Traceback" not in page.inner_text("#conversation")

    page.locator("#edition input").click()
    page.get_by_role("option", name="UN Convention against Cybercrime (English)").click()
    page.locator("#toc a.cite", has_text="Art. 41 — 24/7 network").click()
    expect(page.locator("#viewer .article-heading")).to_have_text("Article 41. 24/7 network", timeout=WAIT)
    page.locator("#viewer .xrefs a.cite").first.click()  # a cross-reference opens its article
    expect(page.locator("#viewer .article-heading")).not_to_have_text("Article 41. 24/7 network", timeout=WAIT)


def test_abstention_not_addressed_guide_and_export(page, tmp_path):
    abstained = _ask(page, "What is the best recipe for chocolate cake?")
    expect(abstained).to_have_class("turn abstained")
    assert "best match" not in abstained.locator(".answer").inner_text()  # scores only under Details
    abstained.locator("details.expert summary").click()
    expect(abstained.locator("details.expert")).to_contain_text("needed to answer")
    _axe(page, "desktop-abstention", tmp_path)

    silent = _ask(page, "Does the convention make fake news a crime?")
    expect(silent).to_have_class("turn not-addressed")
    expect(silent.locator(".kind")).to_have_text("Not addressed by the searched texts — closest provisions, not an answer")
    first = silent.locator(".answer p").first
    expect(first).to_contain_text("The searched texts (UN Convention against Cybercrime) do not appear to address this")
    expect(silent.locator(".guide")).to_have_count(0)  # no editorial summary of provisions that are not the answer
    silent.locator("details.offences summary").click()
    expect(silent.locator("details.offences")).to_contain_text("Art. 16 — Non-consensual dissemination of intimate images")

    answered = _ask(page, "Is revenge porn a crime?")
    guide = answered.locator(".guide")
    expect(guide.locator(".guide-head")).to_have_text("In brief — editorial summary, not treaty text")
    expect(guide).to_contain_text("UN Convention against Cybercrime, Art. 16")
    # the editorial lines sit above the quotations and are never among them
    summary = guide.locator("li").first.inner_text().split(": ", 1)[1]
    assert all(summary not in line for line in answered.locator(".answer p").all_inner_texts())
    cited = answered.locator(".answer p a.cite").first
    assert cited.inner_text().startswith("UN Convention against Cybercrime, Art. 16(")

    # Export: the question, the quoted sentences with their labels, the provisions, absolute permalinks.
    answered.locator("button.copy-answer").click()
    expect(answered.locator(".export-status")).to_have_text("Answer copied.")
    markdown = page.evaluate("navigator.clipboard.readText()")
    origin = page.evaluate("location.origin + location.pathname")
    quoted = answered.locator(".answer p").first.inner_text().rsplit(" [", 1)[0]
    assert markdown.startswith("# Is revenge porn a crime?\n")
    assert f"> {quoted}" in markdown and "## Provisions" in markdown
    assert f"[{cited.inner_text()}]({origin}?cite={cited.get_attribute('data-cite')})" in markdown
    assert "%PAGE%" not in markdown and "not legal advice" in markdown
    with page.expect_download() as download:
        answered.locator("button.download-answer").click()
    assert download.value.suggested_filename.endswith(".md")
    assert open(download.value.path(), encoding="utf-8").read() == markdown
    page.screenshot(path=str(tmp_path / "not-addressed.png"), full_page=True)


def test_phone_fold_two_taps_and_about(phone, tmp_path):
    for selector in ("#question textarea", "#ask"):
        box = phone.locator(selector).bounding_box()
        assert box and box["y"] + box["height"] <= PHONE["height"], (selector, box)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sticks out sideways
    _axe(phone, "phone-first-load", tmp_path)

    turn = _ask(phone, "Can a country refuse to extradite its own nationals?")
    _axe(phone, "phone-answer", tmp_path)
    cite = turn.locator(".answer p a.cite").first
    cite.tap()  # tap 1: the article opens over the page, at the cited paragraph
    viewer = phone.locator("#viewer .viewer")
    expect(viewer.locator(".article-heading")).to_have_text("Article 37. Extradition", timeout=WAIT)
    expect(viewer.locator(".article-heading")).to_be_focused()
    expect(viewer.locator(".blk.hl").first).to_be_in_viewport(timeout=WAIT)
    expect(viewer.locator(".article-heading")).to_be_in_viewport()
    _axe(phone, "phone-viewer", tmp_path)
    viewer.locator(".back-to-answer").tap()  # tap 2: back at the answer
    expect(cite).to_be_in_viewport()
    expect(cite).to_be_focused()

    phone.get_by_role("tab", name="About").tap()
    about = phone.locator("#about")
    un = about.locator('[data-treaty="un-cybercrime-2024"]')
    expect(un).to_contain_text("24 December 2024")
    expect(un).to_contain_text("68 articles")
    expect(un).to_contain_text("Editorial summary, not treaty text")
    expect(un.locator("a.cite", has_text="Art. 65(1)")).to_have_count(1)
    expect(about.locator('[data-treaty="un-corruption-2003"]')).to_contain_text("71 articles")
    expect(about.locator('[data-treaty="coe-budapest-protocol-2003"] h3')).to_have_text("Additional Protocol (ETS 189)")
    _axe(phone, "phone-about", tmp_path)
    phone.screenshot(path=str(tmp_path / "phone-about-full.png"), full_page=True)


def test_permalinks_open_the_viewer_and_ask(browser, app_url, tmp_path):
    started = time.monotonic()
    context, page, errors = _open(browser, app_url, DESKTOP, "?cite=un-cybercrime-2024/en/art-37/11")
    lit = page.locator("#viewer .blk.hl")
    expect(lit).to_have_attribute("data-path", "11", timeout=3_000)
    expect(lit).to_be_in_viewport(timeout=3_000)
    assert time.monotonic() - started < 3.0  # highlighted and in view within 3 s of asking for the page
    expect(page.locator("#viewer .article-heading")).to_have_text("Article 37. Extradition")
    expect(page.locator("#viewer .article-heading")).to_be_focused()
    page.screenshot(path=str(tmp_path / "permalink-cite.png"))
    context.close()

    question = "Which acts of illegal access to a computer system must be made criminal offences?"
    context, page, more = _open(browser, app_url, DESKTOP, f"?q={quote(question)}&treaty=coe-budapest-2001")
    turn = page.locator("#conversation .turn")
    expect(turn).to_have_count(1, timeout=WAIT)
    expect(turn.locator("h3.question")).to_have_text(question)
    expect(turn.locator(".searched")).to_contain_text("Searched: Budapest Convention (English)")
    expect(turn.locator(".answer a.cite").first).to_contain_text("Budapest Convention, Art. 2")
    expect(page.locator("#scope-note")).to_contain_text("Will search: Budapest Convention (English)")
    context.close()
    assert not errors + more, errors + more
