"""A row page as a record: each column's title and value as a reader wants it (a code's label, a
referenced row's label, both linked; yes or no; footnote markers linked), and the rows of other
tables that point at it, all read from the table model and the database's foreign keys."""

from datasette import hookimpl
from datasette.utils import path_from_row_pks, tilde_encode, urlsafe_components
from markupsafe import Markup, escape

from mandate_notes.downloads import published_number
from mandate_notes.markup import footnote_pages, marked_up, markers
from mandate_notes.model import column_words, field_title
from mandate_notes.queries import ROW_QUESTIONS
from schemas.definitions import CODE_LIST_NAMES, TABLES
from schemas.definitions import table as table_spec

TABLE_NAMES = {spec.name for spec in TABLES}
RELATED_SHOWN = 50
# Where every coded row comes from: named on the page already, not what tells related rows apart.
PROVENANCE_TABLES = {"documents", "paragraphs", "resolutions"}


class Labels:
    """The label of a row that a foreign key names (a code's label, an actor's name), asked once
    for as long as the server runs (the database is immutable)."""

    def __init__(self, datasette, db):
        self.datasette, self.db = datasette, db
        self.known = db.__dict__.setdefault("_row_labels", {})

    async def of(self, other_table, other_column, value):
        key = (other_table, other_column, value)
        if key not in self.known:
            column = await self.db.label_column_for_table(other_table)
            row = None
            if column and column != other_column:
                row = (await self.db.execute(
                    f'select "{column}" from "{other_table}" where "{other_column}" = ?', [value])).first()
            self.known[key] = row[0] if row and row[0] not in (None, "") else None
        return self.known[key]

    def url(self, other_table, value):
        return self.datasette.urls.row(self.db.name, other_table, tilde_encode(str(value)))


def holds_markers(field):
    """A column of footnote numbers a row marks or cites (not a footnote's own number)."""
    return bool(field.footnote_of) or field.name == "footnote_markers"


async def shown_value(field, value, key, labels, footnote_url):
    """One cell as the record shows it."""
    if value is None or value == "":
        return Markup('<span class="empty">none</span>')
    if field.type == "boolean":
        return "yes" if value else "no"
    if holds_markers(field):
        return markers(value, footnote_url)
    if key is not None:
        label = await labels.of(key["other_table"], key["other_column"], value)
        url = labels.url(key["other_table"], value)
        if key["other_table"] in CODE_LIST_NAMES and label:
            return Markup(f'<a href="{escape(url)}" title="code {escape(value)}">{escape(label)}</a>')
        shown = f'<a href="{escape(url)}">{escape(label or value)}</a>'
        return Markup(shown + (f' <span class="id">{escape(value)}</span>' if label else ""))
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return Markup(f'<a href="{escape(value)}">{escape(value)}</a>')
    if isinstance(value, str):
        return marked_up(value, footnote_url)
    if isinstance(value, float):
        return published_number(value)  # as the tables write it: 500000, not 500000.0
    return value


async def record_fields(datasette, db, name, row):
    """(title, description, shown value) of each column of the table model, in its order."""
    spec = table_spec(name)
    outgoing = {key["column"]: key for key in (await db.get_all_foreign_keys())[name]["outgoing"]}
    labels = Labels(datasette, db)
    footnote_url = await footnote_pages(datasette, db, row["document_id"] if "document_id" in row.keys() else None)
    return [{
        "name": field.name, "title": field_title(spec, field), "description": field.published_description(),
        "long": field.type == "string" and len(str(row[field.name] or "")) > 80,
        "value": await shown_value(field, row[field.name], outgoing.get(field.name), labels, footnote_url),
    } for field in spec.fields]


async def describe(db, labels, other, referring, row):
    """A related row in words: its label column, else its key's other parts; and beside that the
    labels of its codes."""
    outgoing = {key["column"]: key for key in (await db.get_all_foreign_keys())[other]["outgoing"]}
    own_label = await db.label_column_for_table(other)
    pks = await db.primary_keys(other)
    named_by = [own_label] if own_label and own_label != referring and own_label not in pks else [
        column for column in pks if column != referring]
    codes = [column for column, key in outgoing.items()
             if key["other_table"] in CODE_LIST_NAMES and column not in named_by and column != referring]

    async def words(columns):
        parts = []
        for column in columns:
            value, key = row[column], outgoing.get(column)
            if value in (None, "") or (key and key["other_table"] in PROVENANCE_TABLES):
                continue
            label = key and await labels.of(key["other_table"], key["other_column"], value)
            parts.append(str(label or value))
        return " · ".join(parts)

    return {"text": await words(named_by) or ", ".join(str(row[k]) for k in pks), "note": await words(codes)}


async def related_groups(datasette, db, name, key_values):
    """The rows of other tables whose foreign keys point at this row, by table and column; none empty."""
    if len(key_values) != 1:
        return []
    labels = Labels(datasette, db)
    question = ROW_QUESTIONS.get(name)
    groups = []
    rows = question and (await db.execute(question["sql"], {question["parameter"]: key_values[0]})).rows
    if rows:
        target_pks = await db.primary_keys(question["table"])
        groups.append({"title": question["title"], "count": len(rows), "all_url": None, "rows": [{
            "url": datasette.urls.row(db.name, question["table"], path_from_row_pks(row, target_pks, False)),
            "text": row[question["shows"]], "note": row[question["note"]],
        } for row in rows]})
    for key in (await db.get_all_foreign_keys())[name]["incoming"]:
        other, column = key["other_table"], key["other_column"]
        if other not in TABLE_NAMES or (question and other == question["table"]):
            continue
        count = (await db.execute(f'select count(*) from "{other}" where "{column}" = ?', key_values)).first()[0]
        if not count:
            continue
        pks = await db.primary_keys(other)
        order = ", ".join(f'"{k}"' for k in pks)
        rows = (await db.execute(f'select * from "{other}" where "{column}" = ? order by {order} '
                                 f"limit {RELATED_SHOWN}", key_values)).rows
        groups.append({
            "title": datasette.table_metadata(db.name, other).get("title", other),
            "by": column_words(column), "count": count,
            "all_url": datasette.urls.table(db.name, other) + f"?{column}={tilde_encode(key_values[0])}",
            "rows": [{"url": datasette.urls.row(db.name, other, path_from_row_pks(row, pks, False)),
                      **await describe(db, labels, other, column, row)} for row in rows],
        })
    return groups


HEADING_LENGTH = 120


async def heading(db, name, pks, row) -> str | None:
    """The row's page is headed by its label (a code's label, an actor's name, a recommendation's
    summary, cut at a word near HEADING_LENGTH characters), when the table has one beside its key."""
    column = await db.label_column_for_table(name)
    if not column or column in pks or not row[column]:
        return None
    text = str(row[column])
    if len(text) <= HEADING_LENGTH:
        return text
    return text[:HEADING_LENGTH].rsplit(" ", 1)[0].rstrip(" ,;:") + "\N{HORIZONTAL ELLIPSIS}"


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template != "row.html" or request is None or table not in TABLE_NAMES:
        return {}

    async def context():
        db = datasette.get_database(database)
        key_values = urlsafe_components(request.url_vars["pks"])
        pks = await db.primary_keys(table)
        where = " and ".join(f'"{k}" = ?' for k in pks)
        row = (await db.execute(f'select * from "{table}" where {where}', key_values)).first()
        if row is None:
            return {}
        return {"record": await record_fields(datasette, db, table, row),
                "heading": await heading(db, table, pks, row),
                "related": await related_groups(datasette, db, table, key_values)}

    return context
