"""A CSV that keeps its sources: `_sources=on` on any table's or question's `.csv` (applied by
server/plugins/downloads.py) adds, to each row, the source it is coded from as columns:
source_document (the document's title), source_paragraph (its number as printed, else its id),
source_quote (the row's quote, where the CSV has no quote column but names a quoted row) and, for a
statistic or a citation, source_citation (its footnote in words, as the note prints it)."""

from __future__ import annotations

import csv
import io
import json

from mandate_notes.downloads import write_csv
from schemas.definitions import TABLES

ARGUMENT = "_sources"
# A row's own key names the quoted row it is (recommendation_id, statistic_id, ...).
QUOTED_BY_KEY = {spec.primary_key[0]: spec.name for spec in TABLES
                 if len(spec.primary_key) == 1 and "quote" in spec.field_names}


async def lookup(db, sql: str, values: set[str]) -> dict[str, tuple]:
    """{key: the other columns} for the keys given (the first column of the SQL is the key)."""
    if not values:
        return {}
    rows = await db.execute(sql, [json.dumps(sorted(values))], custom_time_limit=10_000)
    return {row[0]: tuple(row[1:]) for row in rows}


async def with_sources(db, text: str) -> str:
    """The CSV with its source columns added after the others (none where its rows name no source)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return text
    header, body = rows[0], rows[1:]
    at = {name: index for index, name in enumerate(header)}
    added: list[tuple[str, int, dict, int]] = []  # (column, key column's index, lookup, position in value)
    if "paragraph_id" in at:
        found = await lookup(db, "select p.paragraph_id, d.title, coalesce(p.number, p.paragraph_id) from paragraphs p "
                                 "join documents d on d.document_id = p.document_id "
                                 "where p.paragraph_id in (select value from json_each(?))",
                             {row[at["paragraph_id"]] for row in body})
        added += [("source_document", at["paragraph_id"], found, 0), ("source_paragraph", at["paragraph_id"], found, 1)]
    if "quote" not in at:
        key = next((column for column in header if column in QUOTED_BY_KEY), None)
        if key:
            found = await lookup(db, f'select "{key}", quote from "{QUOTED_BY_KEY[key]}" '
                                     f'where "{key}" in (select value from json_each(?))', {row[at[key]] for row in body})
            added.append(("source_quote", at[key], found, 0))
    footnote = "'footnote ' || c.footnote_number || ': ' || c.quote"
    if "statistic_id" in at:
        found = await lookup(db, f"select s.statistic_id, {footnote} from statistics s join citations c "
                                 "on c.citation_id = s.citation_id where s.statistic_id in (select value from json_each(?))",
                             {row[at["statistic_id"]] for row in body})
        added.append(("source_citation", at["statistic_id"], found, 0))
    elif "citation_id" in at:
        found = await lookup(db, f"select c.citation_id, {footnote} from citations c "
                                 "where c.citation_id in (select value from json_each(?))",
                             {row[at["citation_id"]] for row in body})
        added.append(("source_citation", at["citation_id"], found, 0))
    return write_csv(header + [column for column, *_ in added],
                     (row + [str((found.get(row[key]) or ("",) * (position + 1))[position] or "")
                             for _, key, found, position in added] for row in body))
