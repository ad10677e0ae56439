"""The app in a real browser: Debian's chromium driven by playwright (never `playwright install`)."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT = 30_000  # ms; the first answer also warms the page


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does this)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")
    page.wait_for_selector("#question textarea", timeout=WAIT)
    yield page
    context.close()
    assert not errors, errors


def _ask(page, question: str):
    before = page.locator("#conversation .turn").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    expect(page.locator("#conversation .turn")).to_have_count(before + 1, timeout=WAIT)
    return page.locator("#conversation .turn").last


def test_ask_click_citation_and_look_up(page, tmp_path):
    expect(page.locator("#examples")).to_contain_text("Can a country refuse to extradite its own nationals?")
    turn = _ask(page, "Can a country refuse to extradite its own nationals?")
    expect(turn.locator(".answer")).to_contain_text("extradit")
    expect(turn.locator(".searched")).to_contain_text("Searched: UN Convention against Cybercrime (English)")
    cite = turn.locator(".answer p a.cite").first
    label = cite.inner_text()
    assert label.startswith("UN Convention against Cybercrime, Art. 37(")
    paragraph = label.split("Art. 37(")[1].split(")")[0]
    cite.click()
    viewer = page.locator("#viewer .viewer")
    expect(viewer.locator(".article-heading")).to_have_text("Article 37. Extradition", timeout=WAIT)
    expect(viewer.locator(".crumbs")).to_contain_text("Chapter V. International cooperation")
    highlighted = viewer.locator(".blk.hl").first
    expect(highlighted).to_have_attribute("data-path", paragraph)
    expect(highlighted).to_contain_text(f"{paragraph}. ")
    expect(highlighted).to_be_in_viewport(timeout=WAIT)  # scrolled to, even far down a long article
    # the cited sentence in the answer is verbatim in the highlighted paragraph
    sentence = turn.locator(".answer p").first.inner_text().rsplit(" [", 1)[0]
    assert sentence in viewer.locator(".blk.hl").all_inner_texts()[0]

    page.get_by_role("tab", name="Look up").click()
    page.fill("#lookup-box textarea", "Art. 41(3)(e)")
    page.click("#lookup-button")
    result = page.locator("#lookup-result .lookup.found")
    expect(result).to_contain_text("(e) The provision of electronic data to avert an emergency.", timeout=WAIT)
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


def test_follow_up_all_treaties_contents_and_errors(page):
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

    page.get_by_label("Dutch").check()
    expect(page.locator("#scope-note")).to_contain_text("UN Convention against Cybercrime was not searched", timeout=WAIT)

    error = _ask(page, "   ?  ")
    expect(error.locator(".error-line")).to_contain_text("the question is empty")
    assert "Traceback" not in page.inner_text("#conversation")

    page.get_by_role("tab", name="Contents").click()
    page.locator("#toc a.cite", has_text="Art. 41 — 24/7 network").click()
    expect(page.locator("#viewer .article-heading")).to_have_text("Article 41. 24/7 network", timeout=WAIT)
    page.locator("#viewer .xrefs a.cite").first.click()  # a cross-reference opens its article
    expect(page.locator("#viewer .article-heading")).not_to_have_text("Article 41. 24/7 network", timeout=WAIT)


def test_not_addressed_answer_and_the_editorial_guide(page, tmp_path):
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
    assert answered.locator(".answer p a.cite").first.inner_text().startswith("UN Convention against Cybercrime, Art. 16(")
    page.screenshot(path=str(tmp_path / "not-addressed.png"), full_page=True)
