"""An Excel-friendly download of every table and query: `.excel` is the CSV download (every row, as
the published tables write them) with a byte-order mark and CRLF, so Excel keeps accents, names in
other scripts and line breaks; saved as `<table>-excel.csv`.

No Excel plugin fits: datasette-render-xlsx reads at most one page of rows and turns text that looks
like a number into a number; datasette-xlsx adds a sheet in Swedish stamped with the time of export.
"""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from mandate_notes.downloads import EXCEL_SUFFIX, download_arguments, excel_flavour

EXTENSION = "excel"


async def render_excel(datasette, request, database, table, query_name):
    args = download_arguments(parse_qsl(request.query_string, keep_blank_values=True), bool(table))
    path = request.path[: -len(f".{EXTENSION}")] + ".csv"
    response = await datasette.client.get(path + ("?" + urlencode(args) if args else ""))
    if response.status_code != 200:
        return Response.text(response.text, status=response.status_code)
    name = f"{table or query_name or database}{EXCEL_SUFFIX}"
    return Response(excel_flavour(response.text), content_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}.csv"'})


def can_render(view_name):
    return view_name in ("table", "query", "database")


@hookimpl
def register_output_renderer(datasette):
    return {"extension": EXTENSION, "render": render_excel, "can_render": can_render}
