"""A table page's CSV link downloads the table as the reader sees it filtered, every row: without
filters, the published file (server/plugins/downloads.py); never only the page shown."""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from mandate_notes.downloads import download_arguments


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template != "table.html" or request is None or not table:
        return {}
    args = download_arguments(parse_qsl(request.query_string, keep_blank_values=True), table=True)
    url = datasette.urls.table(database, table, format="csv")
    return {"url_csv": url + ("?" + urlencode(args) if args else "")}
