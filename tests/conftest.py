"""Shared fixtures: the repository root, a built database and a Datasette app over it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.serving import Served

ROOT = Path(__file__).resolve().parents[1]
# Loopback ports the tests may serve on: a block of its own for each of pytest-xdist's worker
# processes (gw0, gw1, ...), so that two workers never pick the same free port at once.
# TEST_PORT_BASE moves the whole range, so that two checkouts can run their tests side by side.
PORT_BLOCK = 50
PORT_BASE = int(os.environ.get("TEST_PORT_BASE", "8100"))
SCREENSHOTS = ROOT / "build" / "screenshots"


def outgoing_ports() -> range:
    """The ports the kernel gives outgoing connections (Linux); none known elsewhere."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        return range(0)
    return range(low, high + 1)


def worker_ports() -> range:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    start = PORT_BASE + PORT_BLOCK * int(worker.removeprefix("gw"))
    ports = range(start, start + PORT_BLOCK)
    # A connection to such a port that nothing listens on may be given it as its own outgoing port and
    # connect to itself: a server's start-up check then read its own request back as the answer.
    outgoing = outgoing_ports()
    if ports.start < outgoing.stop and outgoing.start < ports.stop:
        raise RuntimeError(f"TEST_PORT_BASE={PORT_BASE}: ports {ports.start}-{ports.stop - 1} are among those the "
                           f"system gives outgoing connections ({outgoing.start}-{outgoing.stop - 1}); "
                           f"choose a base below {outgoing.start - 8 * PORT_BLOCK}")
    return ports


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_database(tmp_path_factory) -> Path:
    """The real data built once per session into a temporary folder (build/ is left alone)."""
    from mandate_notes.build import build_database

    target = tmp_path_factory.mktemp("build") / "mandate_notes.db"
    build_database(ROOT / "data", target)
    return target


@pytest.fixture(scope="session")
def datasette_app(built_database: Path):
    from mandate_notes.serve import make_datasette, write_inspect_file

    inspect_file = built_database.with_name("inspect.json")
    write_inspect_file(built_database, inspect_file)
    return make_datasette(built_database, inspect_file)


def copy_package(target: Path) -> Path:
    """The package (data, sources, datapackage.json) copied into target."""
    for name in ("data", "sources"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    return target


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    """A scratch copy of the package (data, schemas, datapackage.json) to corrupt."""
    return copy_package(tmp_path)


@pytest.fixture(scope="session")
def passed_package(tmp_path_factory) -> Path:
    """A copy of the package the gate has passed on once, so that it holds the gate's record
    (build/gate-passed.sha256), made once per test process."""
    from mandate_notes.validate import run_gate

    target = copy_package(tmp_path_factory.mktemp("passed"))
    assert run_gate(target).problems == []
    assert (target / "build" / "gate-passed.sha256").is_file()
    return target


def _file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each file under folder by its kind and mode, size and modification time."""
    states = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            status = os.lstat(os.path.join(parent, name))
            states[os.path.join(parent, name)] = (status.st_mode, status.st_size, status.st_mtime_ns)
    return states


@pytest.fixture()
def passed_copy(passed_package: Path, tmp_path: Path):
    """A scratch copy of the package to corrupt, with the record of a pass: the gate on it remakes
    only what the change could have changed, as on a contributor's checkout (package_copy, without
    the record, is checked in full).

    Its sources/ are hard links to the files of passed_package (300 of the package's 350 files,
    most of the time a copy took), as no test of a copy changes them; one that wrote into such a
    file would change it for every later test, so each test ends by checking they are as they were."""
    sources = passed_package / "sources"
    shutil.copytree(passed_package, tmp_path, dirs_exist_ok=True, symlinks=True,
                    ignore=lambda folder, names: ["sources"] if Path(folder) == passed_package else [])
    shutil.copytree(sources, tmp_path / "sources", symlinks=True, copy_function=os.link)
    before = _file_states(sources)
    yield tmp_path
    assert _file_states(sources) == before, (
        "a test wrote into a file of sources/ of passed_copy, a link to the file of passed_package that "
        "every test shares: remove the file and write it anew, or take package_copy")


@pytest.fixture(scope="session")
def free_port():
    """A function giving a loopback port of this worker's block that nothing listens on."""
    from mandate_notes.serve import port_is_free

    def first_free() -> int:
        ports = worker_ports()
        for port in ports:
            if port_is_free("127.0.0.1", port):
                return port
        raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")

    return first_free


def _rows(data: Path, name: str) -> list[dict]:
    import csv

    from mandate_notes.model import csv_path

    with open(csv_path(data, name), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _append(data: Path, name: str, rows: list[dict]) -> None:
    """Add rows to a CSV of the copy, columns not given left empty; a key the coders already use is kept as theirs."""
    import csv

    from schemas.definitions import table

    key = table(name).primary_key
    taken = {tuple(row[k] for k in key) for row in _rows(data, name)}
    from mandate_notes.model import csv_path

    path = csv_path(data, name)
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, restval="", lineterminator="\n")
        writer.writerows(row for row in rows if tuple(row[k] for k in key) not in taken)


FIXTURE_PREFIX = "zz-fixture"


def add_fixture_rows(data: Path) -> dict:
    """A few coded rows of every kind the server shows, drawn from the real paragraphs and code lists.

    Ids start with 'zz-fixture' so they never meet the coders' ids. Returns what was added.
    """
    paragraphs = _rows(data, "paragraphs")
    document = paragraphs[0]["document_id"]
    body = [p for p in paragraphs if p["kind"] in ("body", "bullet")]
    council = next(p for p in body if "Security Council" in p["text"])
    mission = next(p for p in body if "MINUSMA" in p["text"] and p is not council)
    marked = next(p for p in body if p["footnote_markers"])
    number = marked["footnote_markers"].split(";")[0]
    footnote = next(p for p in paragraphs if p["kind"] == "footnote" and p["footnote_number"] == number)
    # An alias written in the marked paragraph, for a recommendation that names an actor it does not address.
    named = {"actor_id": "mali-transitional-authorities", "alias": "transitional authorities",
             "document_id": document, "paragraph_id": marked["paragraph_id"]}
    assert named["alias"] in marked["text"], "the fixture's alias must occur in its paragraph"
    themes = [row["code"] for row in _rows(data, "themes")]
    levels = [row["code"] for row in sorted(_rows(data, "support_levels"), key=lambda r: (r["rank"] == "", int(r["rank"] or 0)))]
    first = lambda name: _rows(data, name)[0]["code"]  # noqa: E731
    recommendations = [
        {"recommendation_id": f"{FIXTURE_PREFIX}-rec-001", "paragraph_id": council["paragraph_id"],
         "quote": "Security Council", "summary": "Fixture: the Council should act.",
         "addressee_actor_id": "un-security-council", "theme": themes[0], "support_level": levels[0]},
        {"recommendation_id": f"{FIXTURE_PREFIX}-rec-002", "paragraph_id": mission["paragraph_id"],
         "quote": "MINUSMA", "summary": "Fixture: the mission should act.",
         "addressee_actor_id": "minusma", "theme": themes[1], "support_level": levels[2]},
        {"recommendation_id": f"{FIXTURE_PREFIX}-rec-003", "paragraph_id": council["paragraph_id"],
         "quote": "Security Council", "summary": "Fixture: a second ask of the Council.",
         "addressee_actor_id": "un-security-council", "theme": themes[0], "support_level": levels[1]},
        {"recommendation_id": f"{FIXTURE_PREFIX}-rec-004", "paragraph_id": marked["paragraph_id"],
         "quote": named["alias"], "summary": "Fixture: names an actor it does not address.",
         "addressee_actor_id": "minusma", "theme": themes[1], "support_level": levels[0]},
    ]
    for row in recommendations:
        row.update(document_id=document, is_opening_bullet="false", addressee_is_inferred="false",
                   attribution_phrase="participants")
    _append(data, "recommendations", recommendations)
    work = {"work_id": f"{FIXTURE_PREFIX}-work-001", "work_type": first("work_types"),
            "title": "Fixture cited work", "language": "en"}
    _append(data, "works", [work])
    citation = {"citation_id": f"{FIXTURE_PREFIX}-fn-1", "document_id": document, "footnote_number": number,
                "position": "1", "citation_role": first("citation_roles"), "work_id": work["work_id"],
                "paragraph_id": footnote["paragraph_id"], "quote": footnote["text"][:20],
                "citing_paragraph_id": marked["paragraph_id"], "citing_sentence": marked["text"][:40]}
    _append(data, "citations", [citation])
    statistic = {"statistic_id": f"{FIXTURE_PREFIX}-stat-001", "document_id": document,
                 "paragraph_id": marked["paragraph_id"], "quote": marked["text"][:30], "quantity": "Fixture figure",
                 "value": "1", "value_as_written": "one", "unit": first("units"), "comparator": first("comparators"),
                 "producer_actor_id": "un-secretary-general", "citation_id": citation["citation_id"]}
    _append(data, "statistics", [statistic])
    events = [
        {"event_id": f"{FIXTURE_PREFIX}-evt-001", "event_type": "mandate_renewal", "date": "2023-06",
         "date_as_written": "June 2023", "is_planned": "true", "description": "Fixture: renewal expected."},
        {"event_id": f"{FIXTURE_PREFIX}-evt-002", "event_type": "agreement", "date": "2015",
         "date_as_written": "2015", "is_planned": "false", "description": "Fixture: agreement signed."},
        {"event_id": f"{FIXTURE_PREFIX}-evt-003", "event_type": "publication", "date": "2023-01-16",
         "date_end": "2023-01-20", "date_as_written": "January 16, 2023", "is_planned": "false",
         "description": "Fixture: review published."},
    ]
    for row in events:
        row.update(document_id=document, paragraph_id=council["paragraph_id"], quote="Security Council")
    _append(data, "events", events)
    _append(data, "actor_aliases", [named])
    _append(data, "recommendation_themes", [{"recommendation_id": recommendations[0]["recommendation_id"],
                                             "theme": themes[2]}])
    _append(data, "recommendation_links", [{"bullet_recommendation_id": recommendations[0]["recommendation_id"],
                                            "body_recommendation_id": recommendations[2]["recommendation_id"]}])
    _append(data, "actor_relations", [{"subject_actor_id": "minusma", "relation": "member_of", "object_actor_id": "un",
                                       "document_id": document, "paragraph_id": mission["paragraph_id"],
                                       "quote": "MINUSMA"}])
    _append(data, "retired_ids", [{"retired_id": f"{FIXTURE_PREFIX}-rec-000", "table_name": "recommendations",
                                   "replaced_by": recommendations[0]["recommendation_id"],
                                   "retired_in_version": "0.1.0", "reason": "Fixture: merged."}])
    return {"recommendations": recommendations, "citation": citation, "statistic": statistic, "events": events,
            "work": work, "marked": marked, "footnote": footnote, "council": council, "alias": named}


@pytest.fixture(scope="session")
def coded(tmp_path_factory):
    """The real data plus a few fixture rows in every coded table, built and served (build/ left alone)."""
    from mandate_notes.build import build_database
    from mandate_notes.serve import make_datasette, write_inspect_file

    folder = tmp_path_factory.mktemp("coded")
    shutil.copytree(ROOT / "data", folder / "data")
    added = add_fixture_rows(folder / "data")
    database = folder / "mandate_notes.db"
    build_database(folder / "data", database)
    write_inspect_file(database, folder / "inspect.json")
    return {"app": make_datasette(database, folder / "inspect.json"), "added": added, "data": folder / "data"}


# ---------------------------------------------------------------- the browser tests (tests/test_browser*.py)

# The window a browser test gets unless it asks for a width (the window fixture).
DEFAULT_WINDOW = (1280, 900)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size={},{}".format(*DEFAULT_WINDOW),
]


def chromium_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    message = (
        "browser tests need Chromium and its driver: on Debian, "
        "`apt-get install chromium chromium-driver` (.ci/run installs them)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"in CI the browser tests must run; {message}")
    pytest.skip(message)



@pytest.fixture(scope="session")
def served(built_database, free_port):
    found = Served(built_database, free_port)
    try:
        yield found
    finally:
        found.stop()


@pytest.fixture()
def server(served):
    """The base address of the shared server, running (started again if it died since the last test)."""
    chromium_paths()
    return served.running()


def resize(browser, width: int, height: int = 900) -> None:
    """The browser's window at width x height, resized only where it is not: a resize costs a round
    trip and the page's layout, and the tests of a module run width by width (see the hook below)."""
    if browser.get_window_size() != {"width": width, "height": height}:
        browser.set_window_size(width, height)


@pytest.fixture()
def window(browser, request):
    """The browser's window at the width a test is parametrized with (indirect). It stays so for the
    next test that wants the same width; a browser test without a width of its own gets the default
    window (default_window)."""
    resize(browser, request.param)
    return request.param


@pytest.fixture(autouse=True)
def default_window(request):
    """A browser test that asks for no width (neither window nor width) runs in the default window,
    whatever the test before it left."""
    names = set(request.fixturenames)
    if "browser" in names and not names & {"window", "width"}:
        resize(request.getfixturevalue("browser"), *DEFAULT_WINDOW)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Chromium, one per test process: its window is the default one (DEFAULT_WINDOW) for
    a test that asks for no width, and a test that sets a size of its own otherwise sets it back."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    # The network log shows every request the pages make; the browser log, what the pages were refused.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


# ---------------------------------------------------------------- accessibility (axe-core, from npm)

AXE = ROOT / "tests" / "accessibility" / "node_modules" / "axe-core" / "axe.min.js"
# What a page may not have: axe-core's two gravest impacts.
GRAVE_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def accessibility_violations():
    """A function giving the serious and critical axe-core violations of the page the browser shows,
    each as 'rule (impact): first elements: what to fix'. axe-core is installed from
    tests/accessibility/package-lock.json by `make test`."""
    if not AXE.is_file():
        message = "axe-core is not installed: `make test` installs it (npm ci in tests/accessibility)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    source = AXE.read_text(encoding="utf-8")

    def violations(driver, exclude: tuple[str, ...] = ()) -> list[str]:
        """exclude: selectors of parts of the page axe-core leaves out."""
        # axe-core (half a megabyte) is sent once per page loaded, not again for a second reading of
        # the same page (at another width).
        if not driver.execute_script("return typeof axe !== 'undefined'"):
            driver.execute_script(source)
        found = driver.execute_async_script(
            "const [exclude, done] = arguments;"
            "axe.run(exclude.length ? {exclude: exclude} : document, {resultTypes: ['violations']})"
            ".then((result) => done(result.violations), (error) => done(String(error)));", list(exclude))
        assert isinstance(found, list), f"axe-core failed: {found}"
        return [f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}: "
                + v["nodes"][0]["failureSummary"].replace("\n", " ")
                for v in found if v["impact"] in GRAVE_IMPACTS]

    return violations


# ---------------------------------------------------------------- tiers

# make check runs what is neither of these (the data and unit tests); make test runs everything.
TIERS = {
    "browser": "drives headless Chromium through a served site",
    "served": "serves the site: a server process on a loopback port, or Datasette's app in the test",
    "slow": "takes more than a few seconds on its own (make check leaves it out)",
    "note_pages": "a browser test of a page that shows a note (home, row, search): tests/test_add_a_note.py "
                  "runs it again with a second note added",
    "data": "reads the checkout's data (its tables, sources or the site built from them): "
            "tests/test_add_a_note.py runs it again with a second note added",
}
# The fixtures that hand a test the checkout's data, or something made from it.
DATA_FIXTURES = {"root", "package_copy", "passed_copy", "built_database", "datasette_app", "coded", "served", "server"}


def pytest_configure(config):
    for name, what in TIERS.items():
        config.addinivalue_line("markers", f"{name}: {what}")


def window_width(item) -> int:
    """The width a test is parametrized with (window, or a module's own width fixture), 0 if none."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("window", params.get("width", 0))


# First, before pytest-xdist's own hook reads the groups marked here into the test ids it schedules by.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """A test's tier from the fixtures it uses, so that none is forgotten: the browser makes it a
    browser test; a server, a free port or Datasette's app, a served one. The tests sharing a fixture their module
    makes once (a built and served copy, a release) stay in one test process (pytest-xdist's
    loadgroup), so that it is made once, not once per process. A module's tests run width by width
    (those without a width first, then each width in order, each in the order written), so that the
    browser's window is resized once per width, not once or twice per test."""
    first = {}
    for index, item in enumerate(items):
        first.setdefault(item.path, index)
    written = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (first[item.path], window_width(item), written[id(item)]))
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
        if names & {"server", "served", "free_port", "datasette_app", "coded"}:
            item.add_marker(pytest.mark.served)
        if names & DATA_FIXTURES:
            item.add_marker(pytest.mark.data)
        info = getattr(item, "_fixtureinfo", None)
        for definitions in (info.name2fixturedefs.values() if info else ()):
            made_here = definitions[-1]
            if made_here.scope in ("module", "session") and made_here.baseid.endswith(".py") \
                    and not made_here.baseid.endswith("conftest.py"):
                item.add_marker(pytest.mark.xdist_group(made_here.baseid))
                break
