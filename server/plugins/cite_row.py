"""Every row page of a content table offers a citation that lasts: dataset version, table, row
id, the source document and paragraph it is coded from, and, once the dataset is published, the
row's page at the public address and the DOI (schemas/definitions.py PUBLISHED); never the address
a local server listens on."""

from datasette import hookimpl
from datasette.utils import urlsafe_components

from mandate_notes.citation import completed


async def source_of(db, table: str, pks: list[str], values: list[str]) -> str:
    """'title, publishers, paragraph N' of the paragraph the row is coded from (or is); '' if none."""
    columns = await db.table_columns(table)
    where = " and ".join(f'r."{key}" = ?' for key in pks)
    if table == "documents":
        sql = f'select r.title, r.publishers, null as number, null as paragraph_id from documents r where {where}'
    elif table == "paragraphs" or "paragraph_id" in columns:
        sql = (f'select d.title, d.publishers, p.number, p.paragraph_id from "{table}" r '
               "join paragraphs p on p.paragraph_id = r.paragraph_id "
               f"join documents d on d.document_id = p.document_id where {where}")
    else:
        return ""
    row = (await db.execute(sql, values)).first()
    if row is None:
        return ""
    paragraph = row["number"] or row["paragraph_id"]
    return ", ".join(filter(None, [row["title"], row["publishers"], paragraph and f"paragraph {paragraph}"]))


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    config = datasette.plugin_config("mandate-notes")
    if template != "row.html" or request is None or table not in config["content_tables"]:
        return {}

    async def context():
        db = datasette.get_database(database)
        values = urlsafe_components(request.url_vars["pks"])
        source = await source_of(db, table, await db.primary_keys(table), values)
        # The dataset's part is made once per build (server metadata), not read again per request.
        reference = config["row_citation"].replace("{table}", table).replace("{row_id}", ",".join(values))
        # The row's address by the database's name: with hashed addresses (--cdn) the page's own path
        # carries this build's hash, and the plain one lasts (it redirects to the current build).
        path = f"/{database}/{table}/{request.url_vars['pks']}"
        text = completed(reference, source, path, config["published"])
        return {"row_citation": text, "row_citation_lines": len(text) // 70 + 2,
                "changelog_url": datasette.urls.path("changelog")}

    return context
