"""A search that finds nothing suggests what was probably meant: each typed word that no full-text
index holds is replaced by the nearest word of the indexes' own vocabulary (FTS5's vocabulary
tables, temp.NAME_fts_vocab, made by server/plugins/search_syntax.py), written as the text writes it.
Asked by the search page only when it found nothing (query-mandate_notes.html)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from datasette import hookimpl

from mandate_notes.queries import searchable_tables
from mandate_notes.search import closest_form, closest_terms, fts_query, plain_words

SEARCH = "search"
# Matched words in a snippet are marked with these (characters no text of the dataset holds).
OPEN, CLOSE = "\x01", "\x02"
FORMS_READ = 20


async def vocabulary(db) -> list[str]:
    """Every term of every full-text index, read once per server (the database is immutable)."""
    known = db.__dict__.setdefault("_fts_vocabulary", [])
    if not known:
        terms = set()
        for spec in searchable_tables():
            terms.update(row[0] for row in await db.execute(f'select term from temp."{spec.name}_fts_vocab"'))
        known.extend(sorted(terms))
    return known


async def found_anywhere(db, word: str) -> bool:
    for spec in searchable_tables():
        fts = f'{spec.name}_fts'
        if (await db.execute(f'select 1 from "{fts}" where "{fts}" match ? limit 1', [fts_query(word)])).first():
            return True
    return False


async def forms_of(db, term: str) -> list[str]:
    """The words of the text that a vocabulary term (a stem) stands for."""
    forms = []
    for spec in searchable_tables():
        fts = f'{spec.name}_fts'
        rows = await db.execute(
            f"select snippet(\"{fts}\", -1, '{OPEN}', '{CLOSE}', '', 4) from \"{fts}\" where \"{fts}\" match ? "
            f"limit {FORMS_READ}", [f'"{term}"'])
        forms += [form for (snippet,) in rows for form in re.findall(f"{OPEN}(.*?){CLOSE}", snippet)]
    return forms


async def suggestion(datasette, database: str, text: str) -> dict | None:
    """{"text", "url"}: the search with each word the indexes lack replaced by its nearest word."""
    db = datasette.get_database(database)
    mended = text
    for word in plain_words(text):
        if await found_anywhere(db, word):
            continue
        forms = [form for term in closest_terms(word, await vocabulary(db)) for form in await forms_of(db, term)]
        best = closest_form(word, forms)
        if best is None:
            return None
        mended = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, mended, count=1)
    if mended == text:
        return None
    return {"text": mended, "url": datasette.urls.query(database, SEARCH) + "?" + urlencode({"q": mended})}


@hookimpl
def extra_template_vars(template, database, request, datasette):
    if request is None or not database or request.url_vars.get("table") != SEARCH:
        return {}

    async def did_you_mean():
        return await suggestion(datasette, database, request.args.get("q", ""))

    return {"did_you_mean": did_you_mean}
