"""Drives the real browser (Debian's chromium, through Playwright) over the pages of a running
`microgenre serve`: the home page of a viewer with history, search with its facet chips and
explanations, a title page with its tag bars, keyboard navigation, the cold-start page, and a
title named like markup, which must show as text and never run. Saves a screenshot of each page.

    python3 Tests/Browser/pages.py BASE_URL SCREENSHOT_DIR
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGSHIP = "dark witty female-led workplace comedy"


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"  ok: {message}")


def main():
    base, shots = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: r.status >= 400 and "/titles/nope" not in r.url
                and problems.append(f"{r.status} for {r.url}"))
        page.on("dialog", lambda d: (problems.append(f"a dialog opened: {d.message}"), d.dismiss()))

        print("home page of a viewer with history")
        page.goto(f"{base}/?user=ava")
        rows = page.locator("section.row")
        check(rows.count() >= 10, f"at least 10 rows ({rows.count()})")
        for k in range(rows.count()):
            row = rows.nth(k)
            check(row.locator("h2").inner_text().strip() != "", f"row {k + 1} has a name") if k < 3 else None
            if row.locator("a.card").count() == 0:
                raise AssertionError(f"row {k + 1} has no cards")
        first = rows.nth(0)
        check(first.locator("details.why").count() == 1, "a row explains why it was chosen")
        first.locator("details.why summary").click()
        check(first.locator("details.why p").inner_text().strip() != "", "the why opens and says something")
        check(first.locator("a.card .chip").count() > 0, "cards carry facet chips")
        check(page.get_by_label("Search").count() == 1 and page.get_by_label("Viewer").count() == 1,
              "the search box and the viewer picker are labelled")
        page.screenshot(path=str(shots / "home.png"))

        print("keyboard: arrows move between cards")
        cards = first.locator("a.card")
        cards.nth(0).focus()
        page.keyboard.press("ArrowRight")
        check(page.evaluate("document.activeElement === document.querySelectorAll('section.row')[0]"
                            ".querySelectorAll('a.card')[1]"), "ArrowRight focuses the next card")
        page.keyboard.press("ArrowDown")
        check(page.evaluate("document.activeElement.closest('section.row') === "
                            "document.querySelectorAll('section.row')[1]"), "ArrowDown focuses the row below")
        page.keyboard.press("/")
        check(page.evaluate("document.activeElement.id") == "q", "/ focuses the search box")

        print("search")
        page.get_by_label("Search").fill(FLAGSHIP)
        page.keyboard.press("Enter")
        page.wait_for_selector("ol.results")
        parsed = page.locator(".parsed .chip")
        check(parsed.count() >= 4, f"the query's facets show as chips ({parsed.count()})")
        check("workplace" in page.locator(".parsed").inner_text(), "workplace is among them")
        results = page.locator("ol.results a.card")
        check(results.count() >= 5, f"results ({results.count()})")
        check(results.nth(0).locator(".chip").count() > 0, "results carry facet chips")
        check(results.nth(0).locator(".explain").inner_text().strip() != "", "results explain themselves")
        page.screenshot(path=str(shots / "search.png"))

        print("title page")
        name = results.nth(0).locator(".name").inner_text()
        results.nth(0).click()
        page.wait_for_selector("table.tags")
        check(page.locator("h1").inner_text() == name, f"the result opens its title page ({name})")
        bars = page.locator(".bar[role=meter]")
        check(bars.count() >= 1, f"tags show as bars ({bars.count()})")
        check(page.locator("ul.evidence li").count() >= 1, "with their evidence")
        page.screenshot(path=str(shots / "title.png"))

        print("cold start")
        page.goto(f"{base}/?user=someone-new")
        check("Welcome" in page.locator("h1").inner_text(), "a newcomer is welcomed")
        check(page.locator("section.row").count() >= 5, "and gets the popular page's rows")

        print("a title named like markup")
        page.goto(f"{base}/?q=script")
        names = [n.strip() for n in page.locator("a.card .name").all_inner_texts()]
        check("<script>alert(1)</script>" in names, "it shows as text among the results")
        page.goto(f"{base}/titles/xss-probe")
        check(page.locator("h1").inner_text() == "<script>alert(1)</script>", "its page's heading is the text")
        check("<img src=x onerror=alert(2)>" in page.locator(".synopsis").inner_text(), "so is its synopsis")
        page.screenshot(path=str(shots / "markup-title.png"))

        browser.close()
        if problems:
            raise AssertionError("; ".join(problems))
        print("  ok: no script ran that should not, no console error")


if __name__ == "__main__":
    main()
