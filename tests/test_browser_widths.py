"""Every page of the site fits the window and passes axe-core, at 400 and 1400 pixels: every page
type a reader reaches by following the site's own links from the home page, plus the pages nobody
links to (errors, a search that finds nothing, a search the engine cannot parse). Each page is
loaded once and seen at each width (seen_at_each_width); what it showed is kept for the tests below.

axe-core (tests/accessibility/, installed by `make test`) runs on the first page of each kind of page
at each width: no serious or critical violation. Rows of a long table and sections of a long document
repeat one markup; axe-core reads the first of them (REPEATS_READ), which keeps its time per page
near a second.

Screenshots go to build/screenshots/width-<width>-<page type>.png.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import quote, urljoin, urlsplit
from urllib.request import urlopen

import pytest

from mandate_notes.queries import queries
from schemas.definitions import TABLES
from tests.browsing import DB, SEARCH, WIDTHS, screenshot
from tests.conftest import DEFAULT_WINDOW, resize

TABLE_NAMES = [spec.name for spec in TABLES]
# Enough pages that every type is reached from the home page; the crawl stops there.
MAX_PAGES = 250
# Reached by typing (into a search box, or an address), not by a link.
UNLINKED = {
    "search": f"/{DB}/search?q=" + quote(SEARCH),
    "search in a table": f"/{DB}/paragraphs?_search=" + quote(SEARCH),
    "error 404": f"/{DB}/actors/no-such-actor",
    "error 400": f"/{DB}/recommendations?_sort=no_such_column",
    "search without results": f"/{DB}/search?q=" + quote("zzyzx qqqq"),
    "search the engine cannot parse": f"/{DB}/search?q=" + quote('"'),
    "search in a table the engine cannot parse": f"/{DB}/paragraphs?_search=" + quote('"'),
}
# Page types the crawl must reach, or the test would pass on a site it never saw.
EXPECTED_TYPES = ["home", "database", "table", "filtered table", "row", "paragraph", "question",
                  "search", "charts"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def page_type(path: str, query: str) -> str:
    """What kind of page a local address is: a table, a filtered table, a row of a table, a question,
    or a page of the site's own (its path)."""
    parts = [part for part in path.split("/") if part]
    if not parts:
        return "home"
    if parts[0] != DB:
        return "charts" if parts == ["at-a-glance"] else "page " + path
    if len(parts) == 1:
        return "database" if not query else "database query"
    name = parts[1]
    if name in TABLE_NAMES:
        if len(parts) > 2:
            return "paragraph" if name == "paragraphs" else f"row of {name}"
        return "filtered table" if query else f"table {name}"
    if name == "search":
        return "search" if query else "search form"
    if name in queries():
        return f"question {name}" + (" answered" if query else "")
    return "page " + path


def html_pages(base: str, limit: int) -> dict[str, str]:
    """The first address of each page type, following the site's links breadth first from home."""
    first: dict[str, str] = {}
    queue, seen, fetched = deque(["/"]), {"/"}, 0
    while queue and fetched < limit:
        address = queue.popleft()
        try:
            with urlopen(base + address) as response:
                if not response.headers.get("content-type", "").startswith("text/html"):
                    continue
                body = response.read().decode("utf-8")
        except HTTPError as error:
            raise AssertionError(f"{address}, linked from the site, answers {error.code}") from error
        fetched += 1
        path, _, query = address.partition("?")
        first.setdefault(page_type(path, query), address)
        parser = Links()
        parser.feed(body)
        for href in parser.hrefs:
            target = urlsplit(urljoin(base + address, href))
            if target.netloc != urlsplit(base).netloc or target.path.endswith((".csv", ".json", ".db")):
                continue
            local = target.path + (f"?{target.query}" if target.query else "")
            if local not in seen and "_format=" not in local:
                seen.add(local)
                queue.append(local)
    return first


@pytest.fixture(scope="module")
def pages(served):
    found = html_pages(served.running(), MAX_PAGES)
    return {**found, **UNLINKED}


# Beyond these, the repeated parts of a long page are left out of axe-core's reading (see above).
REPEATS_READ = 10
REPEATED = [f"table.rows-and-columns tbody tr:nth-child(n+{REPEATS_READ + 1})",
            f"article.document > :nth-child(n+{REPEATS_READ * 4 + 1})"]


def coarse(kind: str) -> str:
    """'table actors' -> 'table', 'row of actors' -> 'row', 'question x answered' -> 'question'."""
    for prefix, name in (("table ", "table"), ("row of ", "row"), ("question ", "question")):
        if kind.startswith(prefix):
            return name
    return kind


@pytest.fixture(scope="module")
def seen_at_each_width(served, browser, pages, accessibility_violations):
    """Each page loaded once and seen at each width: {width: {kind: (address, page width, window
    width, axe-core's grave violations or None where another page of its kind was read)}}.

    A page is loaded at one width and the window then resized to the other (the next page starts at
    the width the last ended on, so half the pages are loaded at each). The site's script does not
    read the window's size; what differs between widths is the layout, which the browser makes
    again on a resize, media queries included: the page's width and height after a resize are those
    of a page loaded at that width. A navigation costs about three times a resize."""
    seen = {width: {} for width in WIDTHS}
    read = {width: set() for width in WIDTHS}
    order = list(WIDTHS)
    try:
        for kind, address in sorted(pages.items()):
            browser.get(served.running() + address)
            for width in order:
                resize(browser, width)
                wide, window_width = browser.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth]")
                assert window_width == width, f"{kind}: a {window_width}px window, not {width}px, after the resize"
                violations = None
                if coarse(kind) not in read[width]:
                    read[width].add(coarse(kind))
                    violations = accessibility_violations(browser, exclude=REPEATED)
                if not kind.startswith(("table ", "row of ", "question ")):
                    screenshot(browser, f"width-{width}-{re.sub(r'[^a-z0-9]+', '-', kind).strip('-')}.png")
                seen[width][kind] = (address, wide, window_width, violations)
            order.reverse()
    finally:
        resize(browser, *DEFAULT_WINDOW)
    return seen


@pytest.fixture(params=WIDTHS)
def visited(request, seen_at_each_width):
    """Each page as seen at one width (seen_at_each_width)."""
    return request.param, seen_at_each_width[request.param]


def test_the_crawl_reaches_every_page_type_and_every_table_and_question(pages):
    assert set(EXPECTED_TYPES) <= {coarse(kind) for kind in pages}, sorted(pages)
    assert {f"table {name}" for name in TABLE_NAMES} <= set(pages), "a table the home page does not lead to"
    assert {f"question {name}" for name in queries() if name != "search"} <= set(pages), \
        "a question the home page does not lead to"


def test_no_page_is_wider_than_the_window(visited):
    width, seen = visited
    too_wide = [f"{kind} ({address}): {wide}px in a {window_width}px window"
                for kind, (address, wide, window_width, _) in seen.items() if wide > window_width]
    assert not too_wide, "\n".join(too_wide)


def test_no_page_type_has_a_serious_or_critical_accessibility_violation(visited):
    width, seen = visited
    read = {kind: violations for kind, (_, _, _, violations) in seen.items() if violations is not None}
    assert {coarse(kind) for kind in seen} == {coarse(kind) for kind in read}
    found = [f"{kind} at {width}px: {violation}" for kind, violations in read.items() for violation in violations]
    assert not found, "\n".join(found)
