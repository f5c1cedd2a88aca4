"""Canned queries for the Datasette server: the questions researchers ask, each with a description.

scripts/generate.py merges them into server/generated/metadata.json. Queries that must cover every
searchable or every coded table build their SQL from schemas/definitions.py, so a table added
there is searched and counted without an edit here.
"""

from __future__ import annotations

from schemas.definitions import CONTENT_TABLES

# Snippet markers around matched words; render_cell turns them into <mark>, CSV keeps them.
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"


def _key(spec: dict) -> str:
    return spec["primary_key"][0]


def searchable_tables() -> list[dict]:
    return [spec for spec in CONTENT_TABLES if spec.get("fts")]


def coded_tables() -> list[dict]:
    """Tables whose rows are coded from a paragraph: a paragraph_id column referencing paragraphs."""
    return [
        spec
        for spec in CONTENT_TABLES
        if spec["name"] != "paragraphs"
        and any(key["fields"] == ["paragraph_id"] and key["reference"]["resource"] == "paragraphs"
                for key in spec.get("foreign_keys", []))
    ]


def search_sql() -> str:
    # Each word is quoted, so punctuation in the search box never becomes FTS syntax; the words
    # must all occur, in any order.
    parts = []
    for spec in searchable_tables():
        name, fts, key = spec["name"], f"{spec['name']}_fts", _key(spec)
        parts.append(
            f"  select '{name}' as table_name, t.{key} as row_id, t.paragraph_id,\n"
            f"    snippet({fts}, -1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 16) as snippet,\n"
            f"    bm25({fts}) as score\n"
            f"  from {fts} join {name} t on t.rowid = {fts}.rowid\n"
            f"  where {fts} match (select terms from query)"
        )
    return (
        "with query(terms) as (\n"
        "  select '\"' || replace(replace(trim(:q), '\"', '\"\"'), ' ', '\" \"') || '\"'\n"
        "),\nhits as (\n" + "\n  union all\n".join(parts) + "\n)\n"
        "select table_name, row_id, paragraph_id, snippet from hits\n"
        "where trim(:q) != ''\n"
        "order by score, table_name, row_id"
    )


def coding_by_section_sql() -> str:
    coded = "\n  union all ".join(
        f"select paragraph_id, '{spec['name']}' from {spec['name']}" for spec in coded_tables()
    )
    return (
        f"with coded(paragraph_id, table_name) as (\n  {coded}\n),\n"
        "sections as (\n"
        "  select document_id, section, min(sequence) as section_start, count(*) as paragraphs\n"
        "  from paragraphs where document_id in (select document_id from documents where kind = 'meeting_note')\n"
        "  group by document_id, section\n"
        "),\n"
        "counts as (\n"
        "  select p.document_id, p.section, c.table_name, count(*) as coded_rows\n"
        "  from coded c join paragraphs p on p.paragraph_id = c.paragraph_id\n"
        "  group by p.document_id, p.section, c.table_name\n"
        ")\n"
        "select s.document_id, s.section, s.section_start, s.paragraphs, n.table_name,\n"
        "  coalesce(n.coded_rows, 0) as coded_rows\n"
        "from sections s\n"
        "left join counts n on n.document_id = s.document_id and n.section is s.section\n"
        "order by s.document_id, s.section_start, n.table_name"
    )


def _titles(specs: list[dict]) -> str:
    return ", ".join(spec["name"] for spec in specs)


def queries() -> dict[str, dict]:
    """Datasette canned queries, by URL name, in the order the home page lists them."""
    return {
        "search": {
            "title": "Search the text",
            "description": (
                f"Rows of {_titles(searchable_tables())} whose text holds every word searched for, "
                "best match first, with the matching passage (matches between ⟦ and ⟧) and the "
                "paragraph each row comes from."
            ),
            "sql": search_sql(),
            "hide_sql": True,
        },
        "security_council_asks": {
            "title": "What was asked of the Security Council, and how widely backed",
            "description": (
                "Recommendations addressed to the UN Security Council or to a body the note says is "
                "a member of it, widest support first, with theme, priority signal and paragraph."
            ),
            "sql": (
                "select r.recommendation_id, sl.label as support, sl.rank as support_rank,\n"
                "  t.label as theme, r.summary, r.quote, a.name as addressee,\n"
                "  r.is_opening_bullet, ps.label as priority, r.paragraph_id\n"
                "from recommendations r\n"
                "join actors a on a.actor_id = r.addressee_actor_id\n"
                "join support_levels sl on sl.code = r.support_level\n"
                "join themes t on t.code = r.theme\n"
                "left join priority_signals ps on ps.code = r.priority_signal\n"
                "where r.addressee_actor_id = 'un-security-council'\n"
                "   or r.addressee_actor_id in (\n"
                "     select subject_actor_id from actor_relations\n"
                "     where relation = 'member_of' and object_actor_id = 'un-security-council')\n"
                "order by sl.rank is null, sl.rank, r.recommendation_id"
            ),
        },
        "recommendations_about_actor": {
            "title": "Recommendations about an actor",
            "description": (
                "Recommendations that ask an actor to act or name it in their quote (by its name "
                "or any form the note writes it in). Type part of a name, an acronym or an actor id, "
                "e.g. 'Security Council', 'MINUSMA' or 'mali'."
            ),
            "sql": (
                "with chosen as (\n"
                "  select actor_id, name from actors\n"
                "  where trim(:actor) != ''\n"
                "    and (actor_id = lower(trim(:actor))\n"
                "      or lower(acronym) = lower(trim(:actor))\n"
                "      or instr(lower(name), lower(trim(:actor))) > 0)\n"
                "),\n"
                "names(actor_id, written) as (\n"
                "  select actor_id, name from chosen\n"
                "  union select al.actor_id, al.alias from actor_aliases al join chosen using (actor_id)\n"
                ")\n"
                "select r.recommendation_id, c.name as actor,\n"
                "  case when r.addressee_actor_id = c.actor_id then 'asked to act' else 'named' end as how,\n"
                "  sl.label as support, t.label as theme, r.summary, r.quote, r.paragraph_id\n"
                "from recommendations r\n"
                "join chosen c on r.addressee_actor_id = c.actor_id\n"
                "  or exists (select 1 from names n where n.actor_id = c.actor_id and instr(r.quote, n.written) > 0)\n"
                "join support_levels sl on sl.code = r.support_level\n"
                "join themes t on t.code = r.theme\n"
                "order by c.name, how, sl.rank is null, sl.rank, r.recommendation_id"
            ),
        },
        "figures_with_sources": {
            "title": "Every figure with its original source",
            "description": (
                "Each statistic as the note writes it, with its value, unit, period and place, who "
                "produced it, and the footnote and cited work that support it (empty where the "
                "note gives no source)."
            ),
            "sql": (
                "select s.statistic_id, s.value_as_written, s.value, u.label as unit,\n"
                "  cmp.label as comparator, s.quantity, s.reference_period, s.geography,\n"
                "  producer.name as producer, c.footnote_number, w.title as source_title,\n"
                "  w.un_symbol, w.url, c.pinpoint, s.citation_id, w.work_id, s.paragraph_id\n"
                "from statistics s\n"
                "join units u on u.code = s.unit\n"
                "join comparators cmp on cmp.code = s.comparator\n"
                "left join actors producer on producer.actor_id = s.producer_actor_id\n"
                "left join citations c on c.citation_id = s.citation_id\n"
                "left join works w on w.work_id = c.work_id\n"
                "order by s.statistic_id"
            ),
        },
        "footnote_support": {
            "title": "What each footnote supports",
            "description": (
                "Every footnote citation with the body sentence that carries its marker, the work "
                "and pinpoint cited, and how many figures rest on it."
            ),
            "sql": (
                "select c.document_id, c.footnote_number, c.position, cr.label as role,\n"
                "  c.citing_sentence, w.title as work, w.un_symbol, c.pinpoint,\n"
                "  (select count(*) from statistics s where s.citation_id = c.citation_id) as figures,\n"
                "  c.citation_id, c.work_id, c.citing_paragraph_id, c.paragraph_id\n"
                "from citations c\n"
                "join citation_roles cr on cr.code = c.citation_role\n"
                "left join works w on w.work_id = c.work_id\n"
                "order by c.document_id, c.footnote_number, c.position"
            ),
        },
        "recommendations_by_theme_and_support": {
            "title": "Recommendations by theme and support level",
            "description": (
                "How many recommendations each theme holds at each support level (primary theme "
                "only); the numbers behind the first chart of 'At a glance'."
            ),
            "sql": (
                "select t.code as theme, t.label as theme_label, sl.code as support_level,\n"
                "  sl.label as support_label, sl.rank as support_rank, count(*) as recommendations\n"
                "from recommendations r\n"
                "join themes t on t.code = r.theme\n"
                "join support_levels sl on sl.code = r.support_level\n"
                "group by t.code, sl.code\n"
                "order by t.label, sl.rank is null, sl.rank"
            ),
        },
        "events_timeline": {
            "title": "Timeline of events",
            "description": (
                "Dated events in date order (dates as precise as the note gives them; events whose "
                "year the note does not give come last), planned ones marked; the numbers behind "
                "the timeline of 'At a glance'."
            ),
            "sql": (
                "select e.date, e.date_end, e.date_as_written, et.label as event_type,\n"
                "  e.description, e.is_planned, e.location, a.name as actor, e.event_id, e.paragraph_id\n"
                "from events e\n"
                "join event_types et on et.code = e.event_type\n"
                "left join actors a on a.actor_id = e.actor_id\n"
                "order by e.date is null, e.date, e.event_id"
            ),
        },
        "coding_by_section": {
            "title": "Coded rows per section",
            "description": (
                f"For each section of each note, its paragraphs and the rows of "
                f"{_titles(coded_tables())} coded from them (a section with no coded rows has one "
                "line with an empty table_name); the numbers behind the last chart of 'At a glance'."
            ),
            "sql": coding_by_section_sql(),
            "hide_sql": True,
        },
    }


def row_link_columns() -> dict[str, str]:
    """Id column name → the table whose row a value in that column names, from the keys.

    Only '..._id' columns: queries reuse code-list names ('theme') for labels. A name that would
    point at two tables is left out.
    """
    targets: dict[str, set[str]] = {}
    for spec in CONTENT_TABLES:
        keys = [(spec["primary_key"], spec["name"])] + [
            (key["fields"], key["reference"]["resource"]) for key in spec.get("foreign_keys", [])
        ]
        for columns, table in keys:
            if len(columns) == 1 and columns[0].endswith("_id"):
                targets.setdefault(columns[0], set()).add(table)
    return {column: tables.pop() for column, tables in sorted(targets.items()) if len(tables) == 1}
