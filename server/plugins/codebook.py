"""The codebook and agreement pages in the site's menu, and each "see codebook" of a column's
description on a table page linked to the place in the codebook it means (server/generated/
metadata.json names the anchor, from mandate_notes/doc_pages.py)."""

from datasette import hookimpl
from markupsafe import Markup, escape

from mandate_notes.doc_pages import CODEBOOK_MENTION


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("codebook"), "label": "Codebook"},
            {"href": datasette.urls.path("agreement"), "label": "Inter-coder agreement"}]


def linked(description, url):
    return Markup(CODEBOOK_MENTION.sub(lambda match: f'<a href="{escape(url)}">{escape(match.group())}</a>',
                                       str(escape(description))))


@hookimpl
def extra_template_vars(template, database, table, datasette):
    if template != "table.html" or not table:
        return {}
    anchors = datasette.plugin_config("mandate-notes")["codebook_anchors"].get(table)
    if not anchors:
        return {}
    # As the table page reads it: the table's metadata with what it inherits (licence, source).
    metadata = dict(datasette.table_metadata(database, table))
    datasette.update_with_inherited_metadata(metadata)
    columns = {column: linked(description, datasette.urls.path("codebook") + "#" + anchors[column])
               if column in anchors else description
               for column, description in (metadata.get("columns") or {}).items()}
    return {"metadata": {**metadata, "columns": columns}}
