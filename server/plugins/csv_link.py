"""A table page's CSV link downloads the table as the reader sees it filtered, every row: without
filters, the published file (server/plugins/downloads.py); never only the page shown. Beside it, the
same rows with each code's and referenced row's label (Datasette's _labels) and each row's source
(_sources, mandate_notes/csv_sources.py); a question's page offers its rows with their sources."""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from mandate_notes.csv_sources import ARGUMENT as SOURCES
from mandate_notes.downloads import download_arguments


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if request is None or not database:
        return {}
    query = parse_qsl(request.query_string, keep_blank_values=True)
    if template == "query-mandate_notes.html" and request.url_vars.get("table"):
        url = datasette.urls.query(database, request.url_vars["table"], format="csv")
        return {"url_csv_sources": url + "?" + urlencode(download_arguments(query, table=False) + [(SOURCES, "on")])}
    if template != "table.html" or not table:
        return {}
    args = download_arguments(query, table=True)
    url = datasette.urls.table(database, table, format="csv")
    sourced = [key_value for key_value in args if key_value[0] != "_stream"] + [
        ("_labels", "on"), (SOURCES, "on"), ("_stream", "on")]
    return {"url_csv": url + ("?" + urlencode(args) if args else ""), "url_csv_sources": url + "?" + urlencode(sourced)}
