"""A question in another language, in a real browser: the notice, and English pinpoint citations."""
from __future__ import annotations

from playwright.sync_api import expect

from test_app_browser import WAIT, _ask, browser, page  # noqa: F401  (fixtures shared with the main browser test)


def test_french_question_gets_the_notice_and_english_citations(page, tmp_path):
    turn = _ask(page, "Un pays peut-il refuser d'extrader ses propres ressortissants ?")
    expect(turn.locator(".notice").first).to_have_text(
        "Asked in French; the searched text is English; quotations are in English.", timeout=WAIT)
    cite = turn.locator(".answer p a.cite").first
    assert cite.inner_text().startswith("UN Convention against Cybercrime, Art. 37")
    # The quotation is the English treaty text, and the citation opens the English article.
    assert "extradit" in turn.locator(".answer p").first.inner_text()
    cite.click()
    expect(page.locator("#viewer .viewer .article-heading")).to_have_text("Article 37. Extradition", timeout=WAIT)
    page.screenshot(path=str(tmp_path / "french-question.png"), full_page=True)
