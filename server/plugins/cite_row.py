"""Every row page of a content table offers a ready citation: dataset version, row key, link."""

from datasette import hookimpl
from datasette.utils import urlsafe_components


@hookimpl
def extra_template_vars(template, table, request, datasette):
    config = datasette.plugin_config("mandate-notes")
    if template != "row.html" or request is None or table not in config["content_tables"]:
        return {}
    row_id = ",".join(urlsafe_components(request.url_vars["pks"]))
    text = config["row_citation"].replace("{table}", table).replace("{row_id}", row_id)
    return {"row_citation": f"{text} {datasette.absolute_url(request, request.path)}"}
