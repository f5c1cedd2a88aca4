"""The research browser through datasette.client: home page, readable tables, rows in context,
row citations, canned queries, charts, exports; on the real data and on a copy with fixture rows."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from markupsafe import escape

from mandate_notes.citation import citation_text, row_citation
from server.plugins.record import HEADING_LENGTH
from mandate_notes.markup import emphasised
from schemas.definitions import CODE_LISTS, CONTENT_TABLES, PACKAGE, TABLES, table
from mandate_notes.model import csv_path, version
from tests.conftest import ROOT
from tests.pages import csv_rows, get, html_of
from mandate_notes.queries import coded_tables, queries, searchable_tables

from mandate_notes.paths import DATABASE_NAME as DB
SAMPLE_PARAMS = {"q": "Security Council", "actor": "Security Council"}


class Links(HTMLParser):
    """Hrefs of links, GET forms (as action?first-field=sample) and every loaded resource."""

    def __init__(self):
        super().__init__()
        self.links, self.resources, self.forms, self.json_ld = [], [], [], []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img", "iframe") and attrs.get("src"):
            self.resources.append(attrs["src"])
        # An rel="alternate" link names another format of the page; the browser does not load it.
        if tag == "link" and attrs.get("href") and attrs.get("rel") != "alternate":
            self.resources.append(attrs["href"])
        if tag == "form" and attrs.get("method", "get").lower() == "get":
            self.forms.append(attrs.get("action", ""))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json_ld = False


def parse(text):
    parser = Links()
    parser.feed(text)
    return parser


def row_path(spec, row):
    from datasette.utils import tilde_encode

    return f"/{DB}/{spec.name}/" + ",".join(tilde_encode(str(row[k])) for k in spec.primary_key)


def query_path(name, format=""):
    query = queries()[name]
    params = {k: v for k, v in SAMPLE_PARAMS.items() if f":{k}" in query["sql"]}
    suffix = f".{format}" if format else ""
    shape = {"_shape": "array"} if format == "json" else {}
    return f"/{DB}/{name}{suffix}?" + urlencode({**params, **shape})


@pytest.fixture(scope="module")
def home(datasette_app):
    return html_of(datasette_app, "/")


# 1. Home page ---------------------------------------------------------------------------------


def test_home_page_says_what_the_dataset_is_its_version_licence_sources_and_citation(root, home):
    assert str(escape(PACKAGE["title"])) in home
    assert str(escape(PACKAGE["description"])) in home
    assert f"Version {version()}" in home
    assert PACKAGE["licenses"][0]["path"] in home
    assert str(escape(citation_text())) in home
    for document in csv_rows(root / "data", "documents"):
        assert str(escape(document["title"])) in home
        assert f'href="/{DB}/documents/{document["document_id"]}"' in home


def test_home_page_lists_every_table_with_its_row_count_and_description(root, home):
    rows = re.findall(r"<tr>(.*?)</tr>", home, flags=re.S)
    for spec in TABLES:
        row = next((r for r in rows if f"<code>{spec.name}</code>" in r), None)
        assert row is not None, f"{spec.name} is not listed on the home page"
        count = len(csv_rows(root / "data", spec.name))
        assert f'<td class="count">{count:,}</td>' in row, spec.name
        assert str(escape(spec.description)) in row, spec.name
        assert f'href="/{DB}/{spec.name}.csv"' in row, spec.name
        assert f'href="/{DB}/{spec.name}.excel"' in row, spec.name
        assert f'href="/{DB}/{spec.name}.json?_shape=array"' in row, spec.name


def test_home_page_download_links_deliver_every_row(root, datasette_app, home):
    links = parse(home).links
    for spec in TABLES:
        response = get(datasette_app, f"/{DB}/{spec.name}.csv?_stream=on")
        assert response.status_code == 200, spec.name
        exported = list(csv.DictReader(io.StringIO(response.text)))
        assert len(exported) == len(csv_rows(root / "data", spec.name)), spec.name
    assert f"/{DB}.db" in links
    database = get(datasette_app, f"/{DB}.db")
    assert database.status_code == 200 and database.content.startswith(b"SQLite format 3\x00")
    release = f"{PACKAGE['homepage']}/releases/download/v{version()}/{PACKAGE['name']}-{version()}.zip"
    assert release in links


def test_every_tables_csv_and_excel_links_give_its_published_file_named_after_it(root, datasette_app):
    """Every table's files, as the home page and the table page link them (the browser tests save
    a few of them through Chromium's downloads, at each window width)."""
    from mandate_notes.downloads import BOM, EXCEL_SUFFIX

    for spec in TABLES:
        name = spec.name
        published = csv_path(root / "data", name).read_bytes()
        csv_file = get(datasette_app, f"/{DB}/{name}.csv")
        assert csv_file.status_code == 200 and csv_file.content == published, name
        assert f'filename="{name}.csv"' in csv_file.headers["content-disposition"], name
        excel = get(datasette_app, f"/{DB}/{name}.excel")
        assert excel.status_code == 200, name
        assert f'filename="{name}{EXCEL_SUFFIX}.csv"' in excel.headers["content-disposition"], name
        assert excel.content.startswith(BOM.encode("utf-8")), name
        text = excel.content.decode("utf-8-sig")
        assert text.count("\r\n") >= text.count("\n") > 0, f"{name}: CRLF line ends"
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows == list(csv.reader(io.StringIO(published.decode("utf-8"), newline=""))), name
        if csv_rows(root / "data", name):
            page = html_of(datasette_app, f"/{DB}/{name}")
            assert re.search(rf'<p class="export-links">(?:(?!</p>).)*?href="/{DB}/{name}\.csv(?:\?[^"]*)?"', page, re.S), name


def test_home_page_head_holds_a_schema_org_dataset_whose_downloads_answer(datasette_app, home):
    head = home.split("</head>")[0]
    blocks = parse(head).json_ld
    assert len(blocks) == 1
    dataset = json.loads(blocks[0])
    assert dataset["@context"] == "https://schema.org/" and dataset["@type"] == "Dataset"
    assert dataset["name"] == PACKAGE["title"] and dataset["version"] == version()
    assert dataset["license"] == PACKAGE["licenses"][0]["path"]
    assert 50 <= len(dataset["description"]) <= 5000  # what dataset search engines accept
    local = [d["contentUrl"] for d in dataset["distribution"] if d["contentUrl"].startswith("http://localhost")]
    assert len(local) == 1 + len(CONTENT_TABLES)  # the database and each content table
    for url in local:
        parts = urlsplit(url)
        assert get(datasette_app, f"{parts.path}?{parts.query}").status_code == 200, url


def test_every_item_of_the_browser_is_within_two_clicks_of_the_home_page(root, datasette_app, home):
    first = {link for link in parse(home).links if link.startswith("/")}
    first |= {f"{action}?q=Wagner" for action in parse(home).forms}
    second = set()
    for link in sorted(first):
        response = get(datasette_app, link)
        assert response.status_code == 200, link
        if response.headers["content-type"].startswith("text/html"):
            page = parse(response.text)
            second |= {href for href in page.links if href.startswith("/")}
    reachable = {urlsplit(link).path for link in first | second}
    needed = {f"/{DB}/{spec.name}" for spec in TABLES}  # 2: tables, facets, search boxes
    needed |= {f"/{DB}/{name}" for name in queries()}  # 5: canned queries, search
    needed |= {"/at-a-glance"}  # 6: charts
    needed |= {f"/{DB}/{spec.name}.csv" for spec in TABLES} | {f"/{DB}/{spec.name}.json" for spec in TABLES}
    for spec in CONTENT_TABLES:  # 3, 4: a row of every content table with rows, paragraphs included
        rows = csv_rows(root / "data", spec.name)
        if rows:
            needed.add(row_path(spec, rows[0]))
    missing = sorted(needed - reachable)
    assert missing == []
    for path in sorted(needed - {p for p in needed if p.endswith((".csv", ".json"))}):
        assert get(datasette_app, path).status_code == 200, path


# 2. Readable tables ---------------------------------------------------------------------------


def test_table_pages_carry_titles_descriptions_and_column_descriptions(datasette_app):
    for spec in TABLES:
        page = html_of(datasette_app, f"/{DB}/{spec.name}")
        assert str(escape(spec.title)) in page, spec.name
        assert str(escape(spec.description)) in page, spec.name
        for field in spec.fields:
            assert str(escape(field.published_description())) in page, f"{spec.name}.{field.name}"


def cells_by_row(html: str) -> list[dict[str, str]]:
    """Each <tr>'s cells, class -> content, with the clipping box taken off and yes/no read as 1/0."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = {}
        for css, content in re.findall(r'<td class="([^"]+)">(.*?)</td>', row, flags=re.S):
            content = re.sub(r'^<div class="clip">(.*)</div>$', r"\1", content.strip(), flags=re.S)
            cells[css] = content
        rows.append(cells)
    return rows


def as_datasette_writes(cells: dict[str, str]) -> dict[str, str]:
    from server.plugins.table_rows import BOOLEAN_COLUMNS

    booleans = {f"col-{name}" for name in BOOLEAN_COLUMNS}
    def datasettes(css: str, content: str) -> str:
        if css.split()[0] in booleans:
            return {"yes": "1", "no": "0"}.get(content, content)
        if "type-float" in css.split() and re.fullmatch(r"-?[0-9]+", content):
            return content + ".0"  # a whole number as the published tables write it
        return content

    return {css: datasettes(css, content) for css, content in cells.items()}


def test_table_rows_hold_every_cell_datasette_writes_key_columns_first(datasette_app):
    """server/templates/_table.html writes the body rows in one call (table_rows): every cell that
    Datasette's _table.html loop writes from the same rows, with the same class and content (long
    text in a clipping box, booleans as yes or no), in the order of the table model's key columns."""
    import datasette
    from jinja2 import Environment
    from datasette.utils import to_css_class
    from pathlib import Path
    from server.plugins.table_rows import column_order

    source = (Path(datasette.__file__).parent / "templates" / "_table.html").read_text(encoding="utf-8")
    [loop] = re.findall(r"\{% for row in display_rows %\}.*?\{% endfor %\}.*?\{% endfor %\}", source, flags=re.S)
    environment = Environment(autoescape=True)
    environment.filters["to_css_class"] = to_css_class
    theirs = environment.from_string(loop)
    seen = []
    html_of(datasette_app, f"/{DB}/themes", fresh=True)  # the environment is prepared at the first request
    ours = datasette_app.jinja_env.globals["table_rows"]
    datasette_app.jinja_env.globals["table_rows"] = lambda rows, *rest: seen.append((rows, rest)) or ours(rows, *rest)
    try:
        for name in ("recommendations", "statistics", "paragraphs", "actors", "themes"):
            page = html_of(datasette_app, f"/{DB}/{name}", fresh=True)
            rows, rest = seen.pop()
            assert rows, name
            written = str(ours(rows, *rest))
            mine, datasettes = cells_by_row(written), cells_by_row(theirs.render(display_rows=rows))
            assert [as_datasette_writes(row) for row in mine] == datasettes, name
            order = [css.split()[0].removeprefix("col-") for css in mine[0]]
            places = [column_order(name)[column] for column in order]
            assert places == sorted(places), f"{name}: columns shown as {order}"
            assert written in page, name
    finally:
        datasette_app.jinja_env.globals["table_rows"] = ours


def test_question_rows_are_written_as_datasettes_own_template_writes_them(datasette_app):
    """query-mandate_notes.html writes a question's rows in one call (query_rows): the markup of
    Datasette's query.html loop, from the same rows, on every question (booleans as yes or no)."""
    import datasette
    from jinja2 import Environment
    from datasette.utils import to_css_class
    from pathlib import Path

    source = (Path(datasette.__file__).parent / "templates" / "query.html").read_text(encoding="utf-8")
    [loop] = re.findall(r"\{% for row in display_rows %\}.*?\{% endfor %\}.*?\{% endfor %\}", source, flags=re.S)
    environment = Environment(autoescape=True)
    environment.filters["to_css_class"] = to_css_class
    environment.globals["zip"] = zip
    theirs = environment.from_string(loop)
    seen, compared = [], 0
    html_of(datasette_app, f"/{DB}/themes", fresh=True)  # the environment is prepared at the first request
    ours = datasette_app.jinja_env.globals["query_rows"]
    datasette_app.jinja_env.globals["query_rows"] = lambda columns, rows: seen.append((columns, rows)) or ours(columns, rows)
    try:
        for name, query in queries().items():
            params = {p: SAMPLE_PARAMS.get(p, "") for p in query.get("params", [])}
            page = html_of(datasette_app, f"/{DB}/{name}?" + urlencode(params))
            if not seen:
                continue  # nothing found: no rows to write
            columns, rows = seen.pop()
            assert [as_datasette_writes(row) for row in cells_by_row(str(ours(columns, rows)))] == cells_by_row(
                theirs.render(columns=columns, display_rows=rows)), name
            assert str(ours(columns, rows)) in page, name
            compared += 1
    finally:
        datasette_app.jinja_env.globals["query_rows"] = ours
    assert compared >= len(queries()) // 2, "most questions answer with rows"


def test_default_sort_and_facets_follow_the_definitions(coded):
    for spec in TABLES:
        data = get(coded["app"], f"/{DB}/{spec.name}.json").json()
        assert re.search(rf"order by \"?{spec.sort}\b", data["query"]["sql"]), spec.name
        assert sorted(data["facet_results"]) == sorted(spec.facets), spec.name
    assert {"theme", "support_level", "addressee_actor_id"} <= set(table("recommendations").facets)
    assert {"unit", "producer_actor_id"} <= set(table("statistics").facets)


def test_foreign_keys_show_the_label_of_the_row_they_point_at(coded):
    actors = {row["actor_id"]: row["name"] for row in csv_rows(coded["data"], "actors")}
    page = html_of(coded["app"], f"/{DB}/recommendations")
    for row in coded["added"]["recommendations"]:
        actor = row["addressee_actor_id"]
        assert f'<a href="/{DB}/actors/{actor}">{escape(actors[actor])}</a>' in page


def test_every_searchable_table_has_a_search_box_that_finds_its_rows(coded):
    assert {spec.name for spec in searchable_tables()} == {"recommendations", "statistics", "events", "paragraphs"}
    for spec in searchable_tables():
        assert 'name="_search"' in html_of(coded["app"], f"/{DB}/{spec.name}"), spec.name
        rows = csv_rows(coded["data"], spec.name)
        word = re.findall(r"[A-Za-z]{5,}", rows[-1][spec.fts[0]])[0]
        found = get(coded["app"], f"/{DB}/{spec.name}.json?_search={word}&_shape=array&_size=max").json()
        key = spec.primary_key[0]
        assert rows[-1][key] in {row[key] for row in found}, (spec.name, word)


# 3. In context --------------------------------------------------------------------------------


def test_every_coded_row_links_to_its_paragraph_and_the_paragraph_lists_it(coded):
    paragraph_pages = {}
    for spec in coded_tables():
        rows = csv_rows(coded["data"], spec.name)
        listing = html_of(coded["app"], f"/{DB}/{spec.name}?_size=max")
        for row in rows:
            if not row["paragraph_id"]:
                # Only where validation allows it: a document that is a resolution states no workshop.
                assert spec.name == "documents" and row["kind"] == "resolution", (spec.name, row)
                continue
            target = f'/{DB}/paragraphs/{row["paragraph_id"]}'
            assert f'href="{target}"' in listing, (spec.name, row)
            if target not in paragraph_pages:
                paragraph_pages[target] = html_of(coded["app"], target)
            assert f'href="{row_path(spec, row)}"' in paragraph_pages[target], (spec.name, row)
    assert {spec.name for spec in coded_tables()} >= {"recommendations", "statistics", "events", "document_actors"}


def test_a_coded_row_page_shows_its_quote_highlighted_in_its_paragraph(coded):
    for spec in coded_tables():
        row = csv_rows(coded["data"], spec.name)[0]
        page = html_of(coded["app"], row_path(spec, row))
        context = page.split('id="in-context"')[1].split("</section>")[0]
        assert f'href="/{DB}/paragraphs/{row["paragraph_id"]}"' in context, spec.name
        if "quote" in row:
            # The quote as the page shows all source text: its Markdown emphasis rendered.
            assert f"<mark>{emphasised(row['quote'])}</mark>" in context, spec.name


def test_a_paragraph_page_shows_its_section_and_links_each_footnote_marker(root, datasette_app):
    paragraphs = csv_rows(root / "data", "paragraphs")
    footnotes = {(p["document_id"], p["footnote_number"]): p for p in paragraphs if p["kind"] == "footnote"}
    marked = [p for p in paragraphs if p["footnote_markers"]]
    assert marked, "the note has footnote markers"
    for paragraph in marked:
        page = html_of(datasette_app, f"/{DB}/paragraphs/{paragraph['paragraph_id']}")
        if paragraph["section"]:
            assert f"Section: <strong>{escape(paragraph['section'])}</strong>" in page
        for number in paragraph["footnote_markers"].split(";"):
            assert f'<a href="#footnote-{number}" class="marker">{number}</a>' in page
            assert f'id="footnote-{number}"' in page
            note = footnotes[(paragraph["document_id"], number)]
            assert f'href="/{DB}/paragraphs/{note["paragraph_id"]}"' in page
            citations = f"/{DB}/citations?document_id={paragraph['document_id']}&amp;footnote_number={number}"
            assert f'href="{citations}"' in page
        note = footnotes[(paragraph["document_id"], paragraph["footnote_markers"].split(";")[0])]
        back = html_of(datasette_app, f"/{DB}/paragraphs/{note['paragraph_id']}")
        assert f'href="/{DB}/paragraphs/{paragraph["paragraph_id"]}"' in back, "a footnote links to where it is marked"


def test_a_footnote_marker_leads_to_its_citations_and_their_works(coded):
    added = coded["added"]
    page = html_of(coded["app"], f"/{DB}/paragraphs/{added['marked']['paragraph_id']}")
    note = page.split(f'id="footnote-{added["citation"]["footnote_number"]}"')[1].split("</li>")[0]
    assert f'href="/{DB}/citations/{added["citation"]["citation_id"]}"' in note
    assert f'<a href="/{DB}/works/{added["work"]["work_id"]}">{escape(added["work"]["title"])}</a>' in note


# 4. Cite this row -----------------------------------------------------------------------------


def test_every_content_row_page_offers_a_citation_with_version_row_and_link(coded):
    for spec in CONTENT_TABLES:
        rows = csv_rows(coded["data"], spec.name)
        assert rows, f"the fixture leaves {spec.name} empty"
        path = row_path(spec, rows[0])
        page = html_of(coded["app"], path)
        key = ",".join(rows[0][k] for k in spec.primary_key)
        [citation] = re.findall(r'<textarea id="row-citation" readonly rows="\d+">([^<]*)</textarea>', page)
        assert citation.startswith(str(escape(row_citation(spec.name, key)))[:-1]), spec.name
        assert f"Version {version()}" in citation
        # Never the address the server happens to listen on.
        assert "localhost" not in citation and "127.0.0.1" not in citation, spec.name
        paragraph_id = rows[0].get("paragraph_id") or (rows[0].get("citing_paragraph_id"))
        if spec.name in ("paragraphs", "documents") or "paragraph_id" in rows[0]:
            document_id = rows[0].get("document_id") or next(
                p["document_id"] for p in csv_rows(coded["data"], "paragraphs") if p["paragraph_id"] == paragraph_id)
            document = next(d for d in csv_rows(coded["data"], "documents") if d["document_id"] == document_id)
            assert f"Source: {escape(document['title'])}" in citation, spec.name
        assert 'data-copy="row-citation"' in page
    for spec in CODE_LISTS:
        row = csv_rows(coded["data"], spec.name)[0]
        assert 'id="row-citation"' not in html_of(coded["app"], row_path(spec, row)), spec.name


def test_a_row_page_is_headed_by_the_rows_label_and_names_its_table_and_id(coded):
    """The heading a reader sees is the row's label (cut at a word when long), not its key."""
    for spec in TABLES:
        label = spec.label_column
        rows = [row for row in csv_rows(coded["data"], spec.name) if label and row.get(label)]
        if not rows or label in spec.primary_key:
            continue
        row = max(rows, key=lambda r: len(r[label]))
        page = html_of(coded["app"], row_path(spec, row))
        [heading] = [html.unescape(h) for h in re.findall(r"<h1[^>]*>([^<]*)</h1>", page)]
        shown = heading.removesuffix("\N{HORIZONTAL ELLIPSIS}")
        assert shown and row[label].startswith(shown), (spec.name, heading)
        assert len(shown) <= HEADING_LENGTH, (spec.name, heading)
        key = ",".join(row[k] for k in spec.primary_key)
        assert f'<p class="row-of">{escape(spec.title)} · <code>{escape(key)}</code></p>' in page, spec.name


def test_a_row_page_writes_a_number_as_the_tables_do(datasette_app, root):
    """A figure of 500000 reads 500000 on its page, as in the CSV, not 500000.0."""
    statistics = table("statistics")
    row = next(row for row in csv_rows(root / "data", "statistics") if "." not in row["value"])
    page = html_of(datasette_app, row_path(statistics, row))
    shown = re.search(r'class="[^"]*field-value[^"]*">.*?<dd[^>]*>(.*?)</dd>', page, re.S)
    assert shown and shown.group(1).strip() == row["value"], shown and shown.group(1)


# 5. Canned queries ----------------------------------------------------------------------------


def test_every_canned_query_has_a_title_and_description_and_answers_as_html_json_and_csv(coded):
    for name, query in queries().items():
        page = html_of(coded["app"], query_path(name))
        assert str(escape(query["title"])) in page and str(escape(query["description"])) in page, name
        data = get(coded["app"], query_path(name, "json"))
        assert data.status_code == 200, name
        exported = get(coded["app"], query_path(name, "csv"))
        assert exported.status_code == 200, name
        header = next(csv.reader(io.StringIO(exported.text)))
        assert len(list(csv.reader(io.StringIO(exported.text)))) - 1 == len(data.json()), name
        if data.json():
            assert header == list(data.json()[0]), name


def test_search_finds_words_in_every_searchable_table_and_links_rows_and_paragraphs(coded):
    hits = get(coded["app"], f"/{DB}/search.json?q=Fixture&_shape=array").json()
    assert {hit["table_name"] for hit in hits} == {"recommendations", "statistics", "events"}
    page = html_of(coded["app"], f"/{DB}/search?q=Fixture")
    for hit in hits:
        assert f'href="/{DB}/{hit["table_name"]}/{hit["row_id"]}"' in page
        assert f'href="/{DB}/paragraphs/{hit["paragraph_id"]}"' in page
    assert "<mark>Fixture</mark>" in page
    wagner = get(coded["app"], f"/{DB}/search.json?q=wagner+group&_shape=array").json()
    expected = {p["paragraph_id"] for p in csv_rows(coded["data"], "paragraphs")
                if re.search(r"\bWagner Group\b", p["text"], flags=re.I)}
    assert expected and {hit["row_id"] for hit in wagner if hit["table_name"] == "paragraphs"} == expected
    assert get(coded["app"], f"/{DB}/search.json?q=&_shape=array").json() == []
    assert get(coded["app"], f'/{DB}/search.json?q="unbalanced&_shape=array').status_code == 200


def test_the_security_council_query_returns_what_was_asked_of_it_widest_support_first(coded):
    # Off the scale (no rank) sorts after every code on it.
    ranks = {row["code"]: (row["rank"] == "", int(row["rank"] or 0)) for row in csv_rows(coded["data"], "support_levels")}
    members = {row["subject_actor_id"] for row in csv_rows(coded["data"], "actor_relations")
               if row["relation"] == "member_of" and row["object_actor_id"] == "un-security-council"}
    expected = sorted(
        (ranks[row["support_level"]], row["recommendation_id"])
        for row in csv_rows(coded["data"], "recommendations")
        if row["addressee_actor_id"] in {"un-security-council"} | members
    )
    found = get(coded["app"], f"/{DB}/security_council_asks.json?_shape=array").json()
    assert [((row["support_rank"] is None, row["support_rank"] or 0), row["recommendation_id"]) for row in found] == expected
    assert len(expected) >= 2


def test_recommendations_about_an_actor_include_those_that_only_name_it(coded):
    alias = coded["added"]["alias"]
    found = get(coded["app"], f"/{DB}/recommendations_about_actor.json?actor={alias['actor_id']}&_shape=array").json()
    named = [row for row in found if alias["alias"] in row["quote"]]
    assert named and all(row["how"] == "named" for row in named)
    asked = get(coded["app"], f"/{DB}/recommendations_about_actor.json?actor=MINUSMA&_shape=array").json()
    expected = {r["recommendation_id"] for r in csv_rows(coded["data"], "recommendations")
                if r["addressee_actor_id"] == "minusma"}
    assert expected <= {row["recommendation_id"] for row in asked if row["how"] == "asked to act"}
    assert get(coded["app"], f"/{DB}/recommendations_about_actor.json?actor=&_shape=array").json() == []


def test_figures_and_footnotes_are_joined_to_their_cited_works(coded):
    added = coded["added"]
    figures = get(coded["app"], f"/{DB}/figures_with_sources.json?_shape=array").json()
    figure = next(row for row in figures if row["statistic_id"] == added["statistic"]["statistic_id"])
    assert figure["source_title"] == added["work"]["title"]
    assert figure["footnote_number"] == int(added["citation"]["footnote_number"])
    notes = get(coded["app"], f"/{DB}/footnote_support.json?_shape=array").json()
    note = next(row for row in notes if row["citation_id"] == added["citation"]["citation_id"])
    assert note["work"] == added["work"]["title"] and note["figures"] == 1


# 6. Charts ------------------------------------------------------------------------------------


def test_charts_are_drawn_from_the_queries_behind_them(coded):
    page = html_of(coded["app"], "/at-a-glance")
    by_theme = page.split('id="by-theme-chart"')[1].split("</figure>")[0]
    cells = get(coded["app"], f"/{DB}/recommendations_by_theme_and_support.json?_shape=array").json()
    assert by_theme.count('<a class="segment"') == len(cells) > 0
    for cell in cells:
        count = cell["recommendations"]
        label = f"{cell['theme_label']} · {cell['support_label']}: {count} recommendation{'' if count == 1 else 's'}"
        assert str(escape(label)) in by_theme
    timeline = page.split('id="timeline-chart"')[1].split("</figure>")[0]
    events = csv_rows(coded["data"], "events")
    dated = [e for e in events if e["date"]]
    assert timeline.count('<a class="event ') == len(dated)
    assert timeline.count(' planned"') == sum(e["is_planned"] == "true" for e in dated)
    for event in events:
        assert f'href="/{DB}/events/{event["event_id"]}"' in page, "every event is on the timeline or listed"
    for name in ("recommendations_by_theme_and_support", "events_timeline", "coding_by_section"):
        assert f'href="/{DB}/{name}"' in page


def test_charts_say_so_when_nothing_is_coded_yet(root, datasette_app):
    page = html_of(datasette_app, "/at-a-glance")
    assert ("No recommendations are coded yet." in page) == (not csv_rows(root / "data", "recommendations"))
    assert ("No events are coded yet." in page) == (not csv_rows(root / "data", "events"))
    assert 'id="coding-chart"' in page


# 7. Read-only and self-contained --------------------------------------------------------------


def test_no_page_loads_anything_from_another_host(coded):
    added = coded["added"]
    pages = ["/", "/at-a-glance", f"/{DB}/recommendations", f"/{DB}/search?q=Council",
             f"/{DB}/paragraphs/{added['marked']['paragraph_id']}",
             f"/{DB}/recommendations/{added['recommendations'][0]['recommendation_id']}"]
    for path in pages:
        resources = parse(html_of(coded["app"], path)).resources
        assert resources and all(url.startswith("/") and not url.startswith("//") for url in resources), path


def test_every_table_exports_its_rows_as_json_within_the_row_limit(coded):
    settings = get(coded["app"], "/-/settings.json").json()
    for spec in TABLES:
        data = get(coded["app"], f"/{DB}/{spec.name}.json?_size=max&_shape=array").json()
        assert len(data) == min(len(csv_rows(coded["data"], spec.name)), settings["max_returned_rows"])


def test_the_sitemap_lists_every_page_of_the_site_and_robots_txt_points_at_it(root, datasette_app):
    from mandate_notes.generate import sitemap_tables

    response = get(datasette_app, "/sitemap.xml")
    assert response.status_code == 200 and "xml" in response.headers["content-type"]
    paths = [urlsplit(location).path for location in re.findall(r"<loc>([^<]+)</loc>", response.text)]
    assert len(paths) == len(set(paths)), "a page is listed twice"
    pages = {"/", f"/{DB}", "/at-a-glance", "/changelog", "/codebook", "/agreement", "/mandates",
             "/mandate-changes"}
    pages |= {f"/{DB}/{spec.name}" for spec in TABLES} | {f"/{DB}/{name}" for name in queries()}
    rows = {f"/{DB}/{name}/{row[key]}" for name, key in sitemap_tables() for row in csv_rows(root / "data", name)}
    assert {"documents", "recommendations", "paragraphs", "actors", "themes"} <= {name for name, _ in sitemap_tables()}
    assert set(paths) == pages | rows
    # Every page listed answers; rows of every table listed, its first and its last.
    sample = sorted(pages)
    for name, _ in sitemap_tables():
        listed = [path for path in paths if path.startswith(f"/{DB}/{name}/")]
        sample += listed[:1] + listed[-1:]
    for path in sample:
        assert get(datasette_app, path).status_code == 200, path
    robots = get(datasette_app, "/robots.txt")
    assert robots.status_code == 200
    assert re.search(r"^Sitemap: http://[^/\s]+/sitemap\.xml$", robots.text, re.MULTILINE), robots.text


def test_the_sitemap_gives_the_public_address_once_the_dataset_is_published(monkeypatch):
    from mandate_notes import generate

    assert "base_url" not in generate.sitemap_config()
    monkeypatch.setitem(generate.PUBLISHED, "site_url", "https://data.example.org/")
    assert generate.sitemap_config()["base_url"] == "https://data.example.org"


def test_static_files_are_linked_by_their_digest_and_kept_by_browsers(datasette_app):
    """The site's stylesheet and script are linked from every page type with their content's digest,
    so a browser (or a CDN) keeps them a year; a static file without one is kept an hour; pages keep
    Datasette's own cache time."""
    import hashlib

    def digest(name: str) -> str:
        return hashlib.sha256((ROOT / "server" / "static" / name).read_bytes()).hexdigest()[:12]

    css, js = f"/static/mandate.css?v={digest('mandate.css')}", f"/static/mandate.js?v={digest('mandate.js')}"
    home = html_of(datasette_app, "/")
    assert f'href="{css}"' in home and f'src="{js}"' in home
    for path in ("/mandate_notes/actors", "/mandate_notes", "/codebook", "/at-a-glance"):
        assert f'href="{css}"' in html_of(datasette_app, path), path
    datasette_css = re.search(r'href="(/-/static/app\.css\?[^"]+)"', home).group(1)  # Datasette's own, hashed
    for address in (css, js, datasette_css):
        response = get(datasette_app, address)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable", address
    assert get(datasette_app, "/static/mandate.css").headers["cache-control"] == "public, max-age=3600"
    assert get(datasette_app, "/-/static/no-such-file.js").headers.get("cache-control") != \
        "public, max-age=3600"
    assert get(datasette_app, "/").headers.get("cache-control") == "max-age=300"  # Datasette's own, unchanged
