"""The compare view in a real browser (Debian's chromium via playwright, never `playwright install`): from an
article in the viewer, "Compare with…" opens its counterpart side by side with the differences marked."""
from __future__ import annotations

from playwright.sync_api import expect

from test_app_browser import WAIT, _axe, browser, page  # noqa: F401  (fixtures shared with the main browser test)


def _luminance(rgb: str) -> float:
    values = [int(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_compare_with_opens_the_counterpart_side_by_side(page, tmp_path):
    page.wait_for_selector("#toc a.cite", timeout=WAIT)
    page.locator("#toc a.cite", has_text="Art. 29 — Real-time collection of traffic data").click()
    menu = page.locator("#viewer .compare-with")
    expect(menu).to_contain_text("Compare with…", timeout=WAIT)
    menu.locator("a", has_text="Budapest Convention").click()
    view = page.locator("#viewer .compare")
    expect(view.locator(".compare-heading")).to_contain_text("UN Convention against Cybercrime, Art. 29", timeout=WAIT)
    expect(view.locator("h4")).to_contain_text("Budapest Convention, Art. 20")
    expect(view.locator(".cmp-legend")).to_contain_text("only in the left text")
    expect(view.locator(".cmp-note")).to_contain_text("Editorial note (ours, not treaty text)")
    # Paragraph 1 of each side by side, with the UN text's extra word struck through and Budapest's wording marked.
    row = view.locator("tr.paired").first
    expect(row.locator("td").first.locator(".pin")).to_have_text("Art. 29(1)")
    expect(row.locator("td").nth(1).locator(".pin")).to_have_text("Art. 20(1)")
    expect(row.locator("td").first.locator("del")).to_contain_text("State")
    changed = view.locator("td ins.chg").first
    expect(changed).to_be_visible()
    assert changed.get_attribute("title") == "changed wording"
    style = changed.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor, "
                             "getComputedStyle(e).textDecorationLine]")
    assert _contrast(style[0], style[1]) >= 4.5 and "underline" in style[2]  # not by colour alone
    expect(view.locator("tr.alone td", has_text="Articles 14 and 15")).to_have_count(1)
    shot = tmp_path / "compare.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    _axe(page, "compare", tmp_path)
    # Links back: the Budapest heading opens that article in the viewer.
    view.locator("h4 a.cite").first.click()
    expect(page.locator("#viewer .article-heading")).to_have_text("Article 20. Real-time collection of traffic data",
                                                                   timeout=WAIT)
