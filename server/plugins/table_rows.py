"""A table's rows, and a question's, written in one Python call (server/templates/_table.html and
query-mandate_notes.html): Datasette's own templates write each cell through Jinja's asynchronous
rendering, a third of a table page's time; the markup is the same."""

from __future__ import annotations

from functools import lru_cache

from datasette import hookimpl
from datasette.utils import to_css_class
from markupsafe import Markup, escape


@lru_cache(maxsize=4096)
def _css_class(column: str) -> str:
    return to_css_class(column)


def table_rows(display_rows) -> Markup:
    """The <tr> of each row, each cell a <td> classed by its column and type, as Datasette writes them."""
    return Markup("".join(
        "<tr>" + "".join(
            f'<td class="col-{_css_class(cell["column"])} type-{cell["value_type"]}">{escape(cell["value"])}</td>'
            for cell in row) + "</tr>\n"
        for row in display_rows))


def query_rows(columns, display_rows) -> Markup:
    """The <tr> of each row of a question's answer, each cell classed by its column, as Datasette's
    query.html writes them."""
    classes = [f"col-{_css_class(column)}" for column in columns]
    return Markup("".join(
        "<tr>" + "".join(f'<td class="{css}">{escape(value)}</td>' for css, value in zip(classes, row)) + "</tr>\n"
        for row in display_rows))


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["table_rows"] = table_rows
    env.globals["query_rows"] = query_rows
