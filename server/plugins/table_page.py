"""A table page in a reader's words (server/templates/table.html): the table's lead sentence, its
rows counted, each filter, search and sort said in words with a link that removes it, and each
column's title from the table model."""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils import path_with_removed_args
from markupsafe import Markup, escape

from mandate_notes.conditions import condition_in_words
from mandate_notes.model import field_title
from schemas.definitions import CODE_LIST_NAMES, TABLES

SPECS = {spec.name: spec for spec in TABLES}
# A filter's operator in words, by Datasette's name for it; the value follows unless it takes none.
OPERATOR_WORDS = {
    "exact": "is", "not": "is not", "contains": "contains", "endswith": "ends with", "startswith": "starts with",
    "gt": "is more than", "gte": "is at least", "lt": "is less than", "lte": "is at most",
    "like": "is like", "notlike": "is not like", "glob": "matches", "in": "is one of", "notin": "is none of",
    "arraycontains": "contains", "arraynotcontains": "does not contain", "date": "is on the date",
    "isnull": "is empty", "notnull": "is not empty", "isblank": "is blank", "notblank": "is not blank",
}
SENTENCE_END = re.compile(r"(?<=[a-z)\]])\.(\s|$)")


def titles(table: str) -> dict[str, str]:
    """Each column's title, from the table model (its name where the model does not know the table)."""
    spec = SPECS.get(table)
    return {field.name: field_title(spec, field) for field in spec.fields} if spec else {}


def lead(description: str | None) -> str:
    """The first sentence of a table's description: what a row is.

    >>> lead("One row per actor. Its names as written are in actor_aliases.")
    'One row per actor.'
    """
    if not description:
        return ""
    match = SENTENCE_END.search(description)
    return description[: match.start() + 1] if match else description


def booleans(table: str) -> set[str]:
    spec = SPECS.get(table)
    return {field.name for field in spec.fields if field.type == "boolean"} if spec else set()


async def value_in_words(db, table: str, column: str, value: str) -> str:
    """A filter's value as the page shows the column: a code or a referenced row by its label, a
    boolean as yes or no."""
    if column in booleans(table):
        return {"1": "yes", "true": "yes", "0": "no", "false": "no"}.get(value.lower(), value)
    for key in (await db.get_all_foreign_keys()).get(table, {}).get("outgoing", []):
        if key["column"] == column:
            label = await db.label_column_for_table(key["other_table"])
            if label and label != key["other_column"]:
                row = (await db.execute(f'select "{label}" from "{key["other_table"]}" where "{key["other_column"]}" = ?',
                                        [value])).first()
                if row and row[0]:
                    return str(row[0])
    return value


async def filters_in_words(datasette, db, table: str, request, filters) -> list[dict]:
    """Each filter, search and extra condition of the page as {"words", "remove_url"}."""
    named = titles(table)
    said = []
    for (column, operator, value), key in zip(filters.selections(), [key for key, _ in filters.pairs]):
        words = OPERATOR_WORDS.get(operator, operator)
        title = named.get(column, column)
        if operator in ("isnull", "notnull", "isblank", "notblank"):
            text = Markup(f"<strong>{escape(title)}</strong> {escape(words)}")
        else:
            shown = await value_in_words(db, table, column, value)
            text = Markup(f"<strong>{escape(title)}</strong> {escape(words)} <strong>{escape(shown)}</strong>")
        said.append({"words": text, "remove_url": path_with_removed_args(request, {key: value})})
    wheres = request.args.getlist("_where")
    outcomes = {row["code"]: row["label"] for row in await db.execute("select code, label from outcome_types")} \
        if wheres else {}
    for value in wheres:
        words = condition_in_words(value, outcomes)
        text = Markup(escape(words)) if words else Markup(f"a condition in SQL: <code>{escape(value)}</code>")
        said.append({"words": text, "remove_url": path_with_removed_args(request, {"_where": value})})
    search = request.args.get("_search")
    if search:
        said.append({"words": Markup(f"holding the words <strong>{escape(search)}</strong>"),
                     "remove_url": path_with_removed_args(request, {"_search": search})})
    return said


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template != "table.html" or not table or request is None:
        return {}

    async def context():
        db = datasette.get_database(database)
        counts = await db.table_counts(limit=100)
        return {
            "column_titles": titles(table),
            "table_lead": lead(datasette.table_metadata(database, table).get("description")),
            "table_total": counts.get(table),
            "is_code_list": table in CODE_LIST_NAMES,
            "filters_in_words": await filters_in_words(datasette, db, table, request, filters_of(request)),
        }

    return context


def filters_of(request):
    """The column filters of the request, as Datasette's table view reads them."""
    from datasette.filters import Filters

    return Filters(sorted((key, value) for key in request.args if not (key.startswith("_") and "__" not in key)
                          for value in request.args.getlist(key)))
