"""What a researcher types into a search box, as an FTS5 query that is always valid.

Words match in any form the stemmer joins (election, elections); "quoted words" match as a phrase;
a word ending in * matches as a prefix; OR between two terms matches either; every other term must
occur. Nothing typed can become FTS5 syntax of its own, so no search ends in a syntax error.

    >>> fts_query('elections')
    '"elections"'
    >>> fts_query('"election support" elect* OR peacekeeper')
    '"election support" "elect"* OR "peacekeeper"'
    >>> fts_query('"'), fts_query('OR'), fts_query('*')
    ('"nomatchsentinel"', '"nomatchsentinel"', '"nomatchsentinel"')
"""

from __future__ import annotations

import re

TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')
# A term no text holds: what a search with no terms (a lone quote, a lone OR) looks for.
NOTHING = '"nomatchsentinel"'


def _term(token: str) -> str | None:
    if token.startswith('"'):
        words = token.strip('"').split()
        return f'"{" ".join(words)}"' if words else None
    prefix = token.endswith("*")
    word = token.rstrip("*").replace('"', "")
    if not word:
        return None
    return f'"{word}"*' if prefix else f'"{word}"'


def fts_query(text: str | None) -> str:
    """The FTS5 expression for a search box's text (see the module's description)."""
    parts: list[str] = []
    for token in TOKEN.findall(text or ""):
        if token == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        term = _term(token)
        if term:
            parts.append(term)
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts) or NOTHING
