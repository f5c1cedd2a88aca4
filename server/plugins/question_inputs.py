"""A question's inputs as choices (query-mandate_notes.html): a parameter whose values a table holds
is a list of their labels (or, where other words may be typed, a text box that offers them), from
the question's "parameter_choices" (mandate_notes/queries.py). A question that finds nothing says
which input excluded every row: the one that, left empty, lets the question find rows."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import derive_named_parameters


async def choices_of(db, parameters: dict) -> dict:
    """{parameter: {"typed": bool, "options": [(value, label), ...], "none": what no choice means}}, the
    options read once per server."""
    kept = db.__dict__.setdefault("_question_choices", {})
    chosen = {}
    for name, source in parameters.items():
        key = (source["table"], source["value"], source["label"], source["order"])
        if key not in kept:
            rows = await db.execute(
                f'select "{source["value"]}", "{source["label"]}" from "{source["table"]}" order by {source["order"]}')
            kept[key] = [(row[0], row[1]) for row in rows]
        chosen[name] = {"typed": bool(source.get("typed")), "options": kept[key], "none": source.get("none", "(any)")}
    return chosen


async def count(db, sql: str, values: dict) -> int:
    return (await db.execute(f"select count(*) from ({sql})", values)).first()[0]


def listed(value: str, choice: dict | None) -> bool | None:
    """Whether a value is among an input's choices (for one where words may be typed: held by one
    of them); None for an input without choices."""
    if not choice:
        return None
    typed = value.strip().lower()
    if choice["typed"]:
        return any(typed in str(label).lower() or typed == str(option).lower() for option, label in choice["options"])
    return any(typed in (str(option).lower(), str(label).lower()) for option, label in choice["options"])


async def excluding_inputs(db, query: dict, values: dict, choices: dict) -> list[dict]:
    """Each input given that excludes every row, with why: {"title", "value", "rows"}, rows being
    what the question finds with that input left empty and the others kept; or {"title", "value",
    "unlisted": True} for a value none of its choices holds. If no input alone is to blame, each
    input given, plainly."""
    titles = query.get("parameter_titles") or {}
    given = {name: value for name, value in values.items() if (value or "").strip()}
    found = []
    for name, value in given.items():
        entry = {"title": titles.get(name, name), "value": value}
        if listed(value, choices.get(name)) is False:
            found.append({**entry, "unlisted": True})
            continue
        rows = await count(db, query["sql"], {**values, name: ""})
        if rows:
            found.append({**entry, "rows": rows})
    return found or [{"title": titles.get(name, name), "value": value} for name, value in given.items()]


@hookimpl
def extra_template_vars(template, database, request, datasette):
    if template != "query-mandate_notes.html" or request is None or not database:
        return {}
    name = request.url_vars.get("table")

    async def context():
        query = await datasette.get_canned_query(database, name, request.actor) if name else None
        if not query:
            return {}
        db = datasette.get_database(database)
        parameters = query.get("params") or await derive_named_parameters(db, query["sql"])
        values = {parameter: request.args.get(parameter, "") for parameter in dict.fromkeys(parameters)}

        choices = await choices_of(db, query.get("parameter_choices") or {})

        async def excluded_by():
            return await excluding_inputs(db, query, values, choices)

        return {"parameter_choices": choices, "excluded_by": excluded_by}

    return context
