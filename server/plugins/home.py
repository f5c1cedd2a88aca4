"""The home page (server/templates/home.html): every table with its row count and downloads, queries, and
the schema.org block.

Served by its own route: Datasette's index view would first gather, for every table, what its own
listing shows and this page does not (about 300 queries), only for the template to ignore it.
`/.json`, the instance's JSON, is still Datasette's.
"""

import json

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from mandate_notes.archive import RELEASE_MOUNT, archive_in, release_folder

DATABASE = "mandate_notes"


async def home_page(datasette, request):
    html = await datasette.render_template("home.html", {"metadata": datasette.metadata()}, request=request)
    # Cached as long as Datasette's own pages are.
    return Response.html(html, headers={"cache-control": f"max-age={datasette.setting('default_cache_ttl')}"})


@hookimpl
def register_routes():
    return [(r"^/$", home_page)]


@hookimpl
def extra_template_vars(template, request, datasette):
    if template != "home.html":
        return {}

    async def home():
        config = datasette.plugin_config("mandate-notes")
        db, urls = datasette.get_database(DATABASE), datasette.urls
        counts = await db.table_counts(limit=100)
        described = datasette.metadata("tables", database=DATABASE) or {}

        def entry(name):
            # The plain .csv is the published file (server/plugins/downloads.py); .excel its Excel flavour.
            return {**described[name], "name": name, "count": counts.get(name), "url": urls.table(DATABASE, name),
                    "csv": urls.table(DATABASE, name, format="csv"), "excel": urls.table(DATABASE, name, format="excel"),
                    "json": urls.table(DATABASE, name, format="json") + "?_shape=array"}

        tables = {group: [entry(name) for name in config[group]] for group in ("content_tables", "code_lists")}
        documents = (await db.execute(
            "select d.document_id, d.title, d.workshop_date, d.kind, r.adoption_date, d.url, d.publishers from documents d "
            "left join resolutions r on r.document_id = d.document_id order by d.kind, d.document_id")).rows
        database_file = urls.database(DATABASE, format="db")
        json_ld = dict(config["json_ld"])
        archive = archive_in(release_folder(datasette.static_mounts), datasette.metadata("version"))
        if "sha256" in archive:
            # The archive this server serves (server/plugins/release_archive.py), in place of the published one.
            json_ld["distribution"] = [{**json_ld["distribution"][0], "sha256": archive["sha256"], "contentUrl":
                                        datasette.absolute_url(request, urls.path(f"{RELEASE_MOUNT}/{archive['name']}"))}]
        json_ld["distribution"] = json_ld["distribution"] + [
            {"@type": "DataDownload", "name": "SQLite database", "encodingFormat": "application/vnd.sqlite3",
             "contentUrl": datasette.absolute_url(request, database_file)}
        ] + [
            {"@type": "DataDownload", "name": f"{t['name']}.csv: {t['title']}", "encodingFormat": "text/csv",
             "contentUrl": datasette.absolute_url(request, t["csv"])}
            for t in tables["content_tables"]
        ]
        queries = await datasette.get_canned_queries(DATABASE, request.actor if request else None)
        return {
            "mandate": config,
            "table_groups": tables,
            "documents": [{"url": urls.row(DATABASE, "documents", row[0]), "title": row[1], "date": row[2],
                           "kind": row[3], "adopted": row[4], "publisher_url": row[5], "publishers": row[6]}
                          for row in documents],
            "database_file": database_file,
            "queries": [{**query, "url": urls.query(DATABASE, name)} for name, query in queries.items()],
            "search_url": urls.query(DATABASE, "search"),
            "limits": {key: datasette.setting(key) for key in ("sql_time_limit_ms", "max_returned_rows")},
            # "</" cannot end the script element early once escaped.
            "json_ld": Markup(json.dumps(json_ld, ensure_ascii=False, indent=2).replace("</", "<\\/")),
        }

    return home
