"""What the browser tests share: finding elements, screenshots, the network log, the rows a page
should show. A helper module, not a test module: fixtures (the server, the browser, the window's
width) are in tests/conftest.py."""

from __future__ import annotations

import base64
import csv
import json
import os
import re
from pathlib import Path

from mandate_notes.model import csv_path
from mandate_notes.paths import DATABASE_NAME as DB
from schemas.definitions import table
from tests.conftest import ROOT, SCREENSHOTS

# The two widths every page is read at: a phone's and a desktop's.
WIDTHS = [400, 1400]
# Words the search tests type.
SEARCH = "Wagner Group"
# Screenshots are for looking at the pages, not checks: `make screenshots` runs the browser tests
# with SAVE_SCREENSHOTS=1 and saves each to build/screenshots/; `make test` takes none (they were
# about a sixth of the browser tests' time).
SAVE = os.environ.get("SAVE_SCREENSHOTS") == "1"
__all__ = ["DB", "ROOT", "SAVE", "SCREENSHOTS", "SEARCH", "WIDTHS"]


def screenshot(driver, name: str, max_height: int = 2400) -> Path | None:
    """The page beyond the window, down to max_height pixels (a long table's top is what matters)."""
    if not SAVE:
        return None
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "optimizeForSpeed": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1},
    })
    path = SCREENSHOTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def assert_only_local_requests(driver, base: str) -> None:
    # chrome:// and data: URLs never leave the machine; anything over the network must go to the server.
    urls = [url for url in requested_urls(driver) if url.startswith(("http:", "https:", "ws:", "wss:", "ftp:"))]
    assert urls, "the network log shows no request to the server"
    elsewhere = [url for url in urls if not url.startswith(f"{base}/")]
    assert elsewhere == []


def csv_rows(name: str) -> list[dict]:
    with open(csv_path(ROOT / "data", name), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def all_by_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def none_by_css(driver, selector: str) -> bool:
    """Whether the loaded page holds nothing the selector matches, asked at once: find_elements
    would first wait out the implicit wait for an element that is rightly absent."""
    return driver.execute_script("return document.querySelector(arguments[0]) === null", selector)


def wait_for_path(driver, pattern: str) -> None:
    """Until the window shows an address matching pattern, loaded whole (so that what a test then
    reads at once, without waiting for an element, is the new page's)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: re.search(pattern, d.current_url)
                                    and d.execute_script("return document.readyState") == "complete")


# In a script: whether an element is shown, as Selenium's is_displayed() says (rendered, visible,
# not transparent, with a box), and its text as Selenium's .text gives it: the text shown, none
# where the element is not (innerText alone gives a hidden element's whole text).
SHOWN_JS = ("const shown = (e) => e.checkVisibility({opacityProperty: true, visibilityProperty: true})"
            " && e.getClientRects().length > 0;"
            "const text = (e) => e === null ? null : shown(e) ? e.innerText.trim() : '';")


def texts_by_css(driver, selector: str, within: list[str] | None = None) -> list:
    """The text of every element the selector matches, as Selenium's .text gives it, asked in one
    round trip instead of one per element. With within (selectors inside each match), a list for
    each match: the text of its first element of each selector, None where it has none."""
    return driver.execute_script(
        SHOWN_JS + "const [selector, within] = arguments;"
        "return Array.from(document.querySelectorAll(selector), (e) => within === null ? text(e)"
        " : within.map((inner) => text(e.querySelector(inner))));", selector, within)


def links_by_css(driver, selector: str) -> list[tuple[str, str]]:
    """(text, address) of every link the selector matches, the address absolute as Selenium's
    get_attribute("href") gives it, asked in one round trip instead of two per link."""
    return [tuple(pair) for pair in driver.execute_script(
        SHOWN_JS + "return Array.from(document.querySelectorAll(arguments[0]), (a) => [text(a), a.href]);",
        selector)]


def read_by_css(driver, selector: str, expression: str) -> list:
    """What the JavaScript expression (of the element, `e`; with shown(e) and text(e) of SHOWN_JS)
    gives for every element the selector matches, asked in one round trip:
    read_by_css(driver, "th", "[e.dataset.column, e.textContent]")."""
    return driver.execute_script(
        SHOWN_JS + f"return Array.from(document.querySelectorAll(arguments[0]), (e) => ({expression}));", selector)


def row_url(name: str, row: dict) -> str:
    return f"/{DB}/{name}/" + ",".join(row[key] for key in table(name).primary_key)


def element_screenshot(browser, element, name: str) -> Path | None:
    """Only the element (a chart), wherever it is on the page. Without its scroll bar the page keeps
    the same layout while the whole of it is captured, so the element is where it was measured."""
    if not SAVE:
        return None
    browser.execute_script("document.documentElement.style.overflow = 'hidden'; window.scrollTo(0, 0)")
    box = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); "
        "return {x: r.left, y: r.top, width: r.width, height: r.height}", element)
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "clip": {**box, "scale": 1}})
    browser.execute_script("document.documentElement.style.overflow = ''")
    path = SCREENSHOTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def window_screenshot(browser, name: str) -> Path | None:
    """What the reader sees in the window, as it is scrolled."""
    if not SAVE:
        return None
    path = SCREENSHOTS / name
    browser.get_screenshot_as_file(str(path))
    return path


def assert_no_sideways_scroll(browser, what: str) -> None:
    wide, window_width = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= window_width, f"{what} is {wide}px wide in a {window_width}px window"


# 3. Row pages as records ------------------------------------------------------------------------
