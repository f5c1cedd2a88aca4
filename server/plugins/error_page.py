"""What an error page offers beyond its message: for an address that leads nowhere, the site's
addresses nearest it (a table, a question, a page); for SQL that could not run, the SQL itself in
the editor's box, to mend and run again (server/templates/error.html)."""

from __future__ import annotations

import difflib

from datasette import hookimpl

from mandate_notes.paths import DATABASE_NAME
from mandate_notes.queries import queries
from schemas.definitions import TABLES

SITE_PAGES = ["/", "/at-a-glance", "/codebook", "/agreement"]


def addresses(datasette) -> list[str]:
    """Every address a reader may have meant: the site's pages, the database, its tables and questions."""
    database = datasette.urls.database(DATABASE_NAME)
    return SITE_PAGES + [database] + [datasette.urls.table(DATABASE_NAME, spec.name) for spec in TABLES] + [
        datasette.urls.query(DATABASE_NAME, name) for name in queries()]


def nearest_addresses(path: str, known: list[str], count: int = 3) -> list[str]:
    """The known addresses nearest a mistyped one, nearest first: by the whole path, else by its
    last part (a table's name typed under the wrong database name).

    >>> known = ["/", "/mandate_notes", "/mandate_notes/recommendations", "/mandate_notes/statistics"]
    >>> nearest_addresses("/mandate_note/recommendations", known)
    ['/mandate_notes/recommendations']
    >>> nearest_addresses("/recomendations", known)
    ['/mandate_notes/recommendations']
    >>> nearest_addresses("/zzzz/qqqq", known)
    []
    """
    path = path.rstrip("/") or "/"
    found = difflib.get_close_matches(path, known, n=count, cutoff=0.8)
    if found:
        return found
    last = {address.rsplit("/", 1)[-1]: address for address in known if address != "/"}
    return [last[name] for name in difflib.get_close_matches(path.rsplit("/", 1)[-1], list(last), n=count, cutoff=0.75)]


@hookimpl
def extra_template_vars(template, request, datasette):
    if template not in ("error.html", "404.html") or request is None:
        return {}
    return {
        "nearest_addresses": nearest_addresses(request.path, addresses(datasette)),
        "sql_typed": request.args.get("sql"),
        "sql_database_url": datasette.urls.database(DATABASE_NAME),
    }
