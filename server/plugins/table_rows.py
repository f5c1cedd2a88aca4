"""A table's rows, and a question's, written in one Python call (server/templates/_table.html and
query-mandate_notes.html): Datasette's own templates write each cell through Jinja's asynchronous
rendering, a third of a table page's time.

As a reader wants them: a table's key columns first (its key, its label, its codes, its numbers and
dates, the rows it names, its text; where each row comes from last), long text clipped to a few
lines (the whole on the row's page), booleans as yes or no, a code as its label (the code in the
link's title), each column headed by its title from the table model.
"""

from __future__ import annotations

from functools import lru_cache

from datasette import hookimpl
from datasette.utils import tilde_encode, to_css_class
from markupsafe import Markup, escape

from mandate_notes.model import column_words
from schemas.classes import Field
from schemas.definitions import CODE_LIST_NAMES, TABLES

SPECS = {spec.name: spec for spec in TABLES}
# Where a row comes from: named on its own page, and shown last in a table.
PROVENANCE = {"documents", "paragraphs"}
BOOLEAN_COLUMNS = {field.name for spec in TABLES for field in spec.fields if field.type == "boolean"}
YES_NO = {0: "no", 1: "yes"}
# A cell of another column whose markup is longer than this (a long label) is clipped too.
CLIP_FROM = 100


def is_prose(field: Field) -> bool:
    return field.type == "string" and field.constraints.pattern is None


@lru_cache(maxsize=None)
def column_order(table: str) -> dict[str, int]:
    """Each column's place in the table's display, from the table model (see the module's description).

    >>> list(column_order("recommendations"))[:6]
    ['recommendation_id', 'summary', 'theme', 'support_level', 'priority_signal', 'addressee_actor_id']
    """
    spec = SPECS[table]
    references = {key.column: key.table for key in spec.foreign_keys}

    def group(field: Field) -> int:
        name, other = field.name, references.get(field.name)
        if name in spec.primary_key:
            return 0
        if name == spec.label_column:
            return 1
        if other in CODE_LIST_NAMES:
            return 2
        if field.type in ("number", "integer", "date") and not other:
            return 3
        if other and other not in PROVENANCE:
            return 4
        if is_prose(field) and field.name != "notes":
            return 5
        return 6

    ordered = sorted(spec.fields, key=group)  # sorted() keeps the model's order within a group
    return {field.name: place for place, field in enumerate(ordered)}


@lru_cache(maxsize=None)
def prose_columns(table: str) -> frozenset[str]:
    return frozenset(field.name for field in SPECS[table].fields if is_prose(field)) if table in SPECS else frozenset()


def display_order(table: str | None, display_columns) -> list[int]:
    """Positions of display_columns in the order a reader wants them (Datasette's where unknown)."""
    if table not in SPECS:
        return list(range(len(display_columns)))
    order = column_order(table)
    return sorted(range(len(display_columns)), key=lambda index: order.get(display_columns[index]["name"], -1))


@lru_cache(maxsize=4096)
def _css_class(column: str) -> str:
    return to_css_class(column)


def _cell(cell, clipped: frozenset[str]) -> str:
    value, column = cell["value"], cell["column"]
    raw = cell.get("raw")
    if column in BOOLEAN_COLUMNS and raw in YES_NO:
        value = YES_NO[raw]
    elif isinstance(raw, float) and raw.is_integer() and value == str(raw):
        value = str(int(raw))  # 20, as the published tables write it, not 20.0
    shown = escape(value)
    if cell.get("raw") and (column in clipped or len(shown) > CLIP_FROM):
        shown = Markup(f'<div class="clip">{shown}</div>')
    return f'<td class="col-{_css_class(column)} type-{cell["value_type"]}">{shown}</td>'


def table_columns(table, display_columns) -> list:
    """The display columns in the reader's order."""
    return [display_columns[index] for index in display_order(table, display_columns)]


def table_rows(display_rows, table=None, display_columns=None) -> Markup:
    """The <tr> of each row, each cell a <td> classed by its column and type, as Datasette writes
    them, in the reader's order of columns."""
    clipped = prose_columns(table)
    if not display_rows:
        return Markup("")
    cells = getattr(display_rows[0], "cells", display_rows[0])
    order = display_order(table, display_columns) if display_columns and len(display_columns) == len(cells) \
        else list(range(len(cells)))
    return Markup("".join(
        "<tr>" + "".join(_cell(cells[index], clipped) for index in order) + "</tr>\n"
        for cells in (getattr(row, "cells", row) for row in display_rows)))


def query_rows(columns, display_rows) -> Markup:
    """The <tr> of each row of a question's answer, each cell classed by its column, as Datasette's
    query.html writes them; booleans (by their column's name in the table model) as yes or no."""
    classes = [f"col-{_css_class(column)}" for column in columns]
    booleans = [column in BOOLEAN_COLUMNS for column in columns]
    return Markup("".join(
        "<tr>" + "".join(f'<td class="{css}">{escape(YES_NO.get(value, value) if boolean else value)}</td>'
                         for css, boolean, value in zip(classes, booleans, row)) + "</tr>\n"
        for row in display_rows))


@hookimpl
def render_cell(value, column, table, database, datasette):
    # A code of a code list (a foreign key Datasette has labelled) as its label alone.
    if not isinstance(value, dict) or table not in SPECS:
        return None
    for key in SPECS[table].foreign_keys:
        if key.column == column and key.table in CODE_LIST_NAMES:
            url = datasette.urls.row(database, key.table, tilde_encode(str(value["value"])))
            return Markup(f'<a href="{escape(url)}" title="code {escape(value["value"])}">'
                          f'{escape(value["label"] or value["value"])}</a>')
    return None


@lru_cache(maxsize=1024)
def column_heading(column: str) -> str:
    """A question's column in words: its name as the table model writes a column's title.

    >>> column_heading("support_rank"), column_heading("paragraph_id")
    ('Support rank', 'Paragraph ID')
    """
    return column_words(column, reference=False)


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["column_heading"] = column_heading
    env.globals["table_rows"] = table_rows
    env.globals["table_columns"] = table_columns
    env.globals["query_rows"] = query_rows
