"""Canned queries for the Datasette server: the questions researchers ask, each with a description.

scripts/generate.py merges them into server/generated/metadata.json. Queries that must cover every
searchable or every coded table build their SQL from schemas/definitions.py, so a table added
there is searched and counted without an edit here.
"""

from __future__ import annotations

from schemas.classes import Table
from schemas.definitions import CONTENT_TABLES, COUNCIL_TABLES, MANDATE_TABLES

# Snippet markers around matched words; render_cell turns them into <mark>, CSV keeps them.
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"


def _key(spec: Table) -> str:
    return spec.primary_key[0]


def searchable_tables() -> list[Table]:
    return [spec for spec in CONTENT_TABLES if spec.fts]


def coded_tables() -> list[Table]:
    """Tables whose rows are coded from a note's paragraph: a paragraph_id column referencing
    paragraphs (the Council's and the mandates' tables point at resolutions' paragraphs instead)."""
    return [
        spec
        for spec in CONTENT_TABLES
        if spec.name != "paragraphs" and spec not in COUNCIL_TABLES and spec not in MANDATE_TABLES
        and spec.references("paragraph_id") == ("paragraphs", "paragraph_id")
    ]


# The search page shows the best matches only: a common word matches about a thousand paragraphs,
# and writing a passage for each took the page 370 ms.
SEARCH_MATCHES_SHOWN = 100


def search_sql() -> str:
    # fts_query (mandate_notes/search.py, registered by the server) turns what was typed into an
    # FTS5 query that is always valid: words in any form, "phrases", prefix*, OR. It is the right-hand
    # side of each MATCH itself: the server runs a full-text query only when its text is bounded by
    # construction (mandate_notes/sql_guard.py), which a value read from a subquery is not.
    # resolution_number reads a resolution's symbol or number ("S/RES/2640 (2022)", "2640"): that
    # resolution comes first. Every hit names its document: a resolution by its symbol, a note by its title.
    # The passage (FTS5's snippet) is written for the best matches only, once they are chosen: written
    # for every match, a common word ("the") took 43 ms of SQL instead of 7.
    parts = [
        "  select 'Resolutions' as found_in, r.document_id as row_id, null as section,\n"
        "    'resolutions' as table_name, null as hit_rowid,\n"
        "    null as paragraph_id, r.document_id, -1e9 as score\n"
        "  from resolutions r\n"
        "  where resolution_number(r.symbol) = (select number from query)"
    ]
    passages = []
    for spec in searchable_tables():
        name, fts, key = spec.name, f"{spec.name}_fts", _key(spec)
        section = "t.section" if name == "paragraphs" else "p.section"
        document = "t.document_id" if name == "paragraphs" else "p.document_id"
        join = "" if name == "paragraphs" else "\n  join paragraphs p on p.paragraph_id = t.paragraph_id"
        parts.append(
            f"  select '{spec.title}' as found_in, t.{key} as row_id, {section} as section,\n"
            f"    '{name}' as table_name, {fts}.rowid as hit_rowid,\n"
            f"    t.paragraph_id, {document} as document_id, bm25({fts}) as score\n"
            f"  from {fts} join {name} t on t.rowid = {fts}.rowid{join}\n"
            f"  where {fts} match fts_query(:q)"
        )
        passages.append(
            f"    when '{name}' then (select snippet({fts}, -1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 16)\n"
            f"      from {fts} where {fts} match fts_query(:q) and {fts}.rowid = h.hit_rowid)\n"
        )
    return (
        "with query(number) as (select resolution_number(:q)),\n"
        "hits as (\n" + "\n  union all\n".join(parts) + "\n),\n"
        "best as (\n"
        "  select * from hits where trim(:q) != ''\n"
        f"  order by score, found_in, row_id limit {SEARCH_MATCHES_SHOWN}\n"
        ")\n"
        "select h.found_in, coalesce(r.symbol, d.title) as document, h.row_id, h.section,\n"
        "  case h.table_name\n"
        "    when 'resolutions' then r.symbol || ': ' || d.title\n"
        + "".join(passages)
        + "  end as snippet,\n"
        "  h.paragraph_id, h.table_name\n"
        "from best h\n"
        "left join documents d on d.document_id = h.document_id\n"
        "left join resolutions r on r.document_id = h.document_id\n"
        "order by h.score, h.found_in, h.row_id"
    )


def coding_by_section_sql() -> str:
    coded = "\n  union all ".join(
        f"select paragraph_id, '{spec.name}' from {spec.name}" for spec in coded_tables()
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


# Who "recommendations about an actor" is about: the actors a visitor's words match, or one actor.
ACTORS_MATCHING_WORDS = (
    "  select actor_id, name from actors\n"
    "  where trim(:actor) != ''\n"
    "    and (actor_id = lower(trim(:actor))\n"
    "      or lower(acronym) = lower(trim(:actor))\n"
    "      or instr(lower(name), lower(trim(:actor))) > 0)\n"
)
ONE_ACTOR = "  select actor_id, name from actors where actor_id = :actor\n"


def recommendations_about_sql(chosen: str) -> str:
    """Recommendations that ask the chosen actors to act or name them in their quote."""
    return (
        f"with chosen as (\n{chosen}),\n"
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
    )


# Rows of another table that a row's page lists beyond those whose foreign keys point at it: by the
# table whose page shows them, a title, the table listed (its rows by foreign key are then not
# listed again), the SQL (one parameter, the row's key), the column shown for each row and the
# column noted beside it.
ROW_QUESTIONS = {
    "actors": {"title": "Recommendations that ask it to act or name it", "table": "recommendations",
               "sql": recommendations_about_sql(ONE_ACTOR), "parameter": "actor", "shows": "summary", "note": "how"},
}


def _titles(specs: list[dict]) -> str:
    return ", ".join(spec.name for spec in specs)


def queries() -> dict[str, dict]:
    """Datasette canned queries, by URL name, in the order the home page lists them.

    Beyond Datasette's keys, each names what one row of its result is ("noun": singular and plural,
    for the heading that counts them), titles each parameter in words ("parameter_titles") and
    offers a parameter's values as choices where a table holds them ("parameter_choices": the
    table, the column whose value is passed, the column shown, their order, whether a value
    outside the list may be typed, and what choosing none means where it is not "(any)").
    """
    return {
        "search": {
            "title": "Search the text",
            "noun": ["match", "matches"],
            "parameter_titles": {"q": "Words to search for"},
            "when_nothing_found": (
                "Nothing holds all of these words. Try fewer words, the start of a word with * "
                "(elect* finds elected, election, electoral), or OR between two words; every "
                "word is matched in any of its forms already."
            ),
            "description": (
                f"Rows of {_titles(searchable_tables())} whose text holds every word searched for, "
                "best match first, with where it was found, its document, the section, the matching passage "
                "(matches between ⟦ and ⟧) and the paragraph each row comes from, the best "
                f"{SEARCH_MATCHES_SHOWN} at most (add words to narrow the search); a resolution's "
                "symbol or number (S/RES/2640 (2022), 2640) finds the resolution first. Words match in "
                "any form (election, elections); \"quote a phrase\"; elect* for every word "
                "beginning so; OR between two words for either. Nothing found? Try fewer words, "
                "a shorter stem with *, or OR."
            ),
            "sql": search_sql(),
            "hide_sql": True,
        },
        "security_council_asks": {
            "title": "What was asked of the Security Council, and how widely backed",
            "noun": ["recommendation", "recommendations"],
            "parameter_titles": {"narrowest_support": "Narrowest support level to include"},
            "parameter_choices": {"narrowest_support": {
                "table": "support_levels", "value": "code", "label": "label", "order": "rank is null, rank"}},
            "description": (
                "Recommendations addressed to the UN Security Council or to a body the note says is "
                "a member of it, widest support first, with theme, priority signal and paragraph. "
                "To keep only broadly backed asks, choose the narrowest support level to include "
                "(e.g. Participants (unqualified): agreement and participants unqualified); none lists all."
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
                "where (r.addressee_actor_id = 'un-security-council'\n"
                "   or r.addressee_actor_id in (\n"
                "     select subject_actor_id from actor_relations\n"
                "     where relation = 'member_of' and object_actor_id = 'un-security-council'))\n"
                "  and (trim(:narrowest_support) = ''\n"
                "    or sl.rank <= (select rank from support_levels where code = trim(:narrowest_support)\n"
                "      or lower(label) = lower(trim(:narrowest_support))))\n"
                "order by sl.rank is null, sl.rank, r.recommendation_id"
            ),
        },
        "what_became_of_each_recommendation": {
            "title": "What became of each recommendation",
            "noun": ["recommendation", "recommendations"],
            "description": (
                "Each recommendation with what it asked of the mandate in force (relation and "
                "paragraph of the resolution then in force) and, for those addressed to the Security Council, what "
                "the Council's next resolution did with it (outcome and answering paragraph)."
            ),
            "sql": (
                "select r.recommendation_id, sl.label as support, t.label as theme, r.summary,\n"
                "  (select group_concat(x, '; ') from (\n"
                "     select mr.label || ': ' || coalesce('paragraph ' || p.number, 'no provision') as x\n"
                "     from mandate_links l join mandate_relations mr on mr.code = l.relation\n"
                "     left join paragraphs p on p.paragraph_id = l.paragraph_id\n"
                "     where l.recommendation_id = r.recommendation_id order by l.mandate_link_id)) as mandate_in_force,\n"
                "  (select group_concat(x, '; ') from (\n"
                "     select ot.label || coalesce(': paragraph ' || p.number, '') as x\n"
                "     from recommendation_outcomes o join outcome_types ot on ot.code = o.outcome\n"
                "     left join paragraphs p on p.paragraph_id = o.paragraph_id\n"
                "     where o.recommendation_id = r.recommendation_id order by o.outcome_id)) as council_decision,\n"
                "  a.name as addressee, r.paragraph_id\n"
                "from recommendations r\n"
                "join support_levels sl on sl.code = r.support_level\n"
                "join themes t on t.code = r.theme\n"
                "left join actors a on a.actor_id = r.addressee_actor_id\n"
                "order by r.recommendation_id"
            ),
        },
        "mandate_tasks_by_support": {
            "title": "Which mandate tasks drew recommendations, at what support",
            "noun": ["count by task and support level", "counts by task and support level"],
            "description": (
                "For each PEMA task category, how many recommendations fall under it at each support "
                "level, and how many operative paragraphs of the resolutions it covers."
            ),
            "sql": (
                "select mt.label as task, mt.pema_variable, sl.label as support, sl.rank as support_rank,\n"
                "  count(*) as recommendations,\n"
                "  (select count(*) from paragraph_tasks pt where pt.task = mt.code) as resolution_paragraphs,\n"
                "  mt.code as task_code\n"
                "from recommendation_tasks rt\n"
                "join recommendations r on r.recommendation_id = rt.recommendation_id\n"
                "join mandate_tasks mt on mt.code = rt.task\n"
                "join support_levels sl on sl.code = r.support_level\n"
                "group by mt.code, sl.code\n"
                "order by mt.code = 'no_pema_task', mt.label, sl.rank is null, sl.rank"
            ),
        },
        "resolution_text": {
            "title": "A resolution as a document",
            "noun": ["paragraph", "paragraphs"],
            "parameter_titles": {"resolution": "Resolution"},
            "parameter_choices": {"resolution": {
                "table": "resolutions", "value": "symbol", "label": "symbol", "order": "adoption_date",
                "none": "(the latest adopted)"}},
            "description": (
                "The paragraphs of a resolution in reading order, numbered as printed, with the "
                "recommendations whose mandate links or outcomes point at each (one a line: the "
                "recommendation's id, what it asked of the paragraph or what became of it, and its "
                "summary) and its mandate tasks. "
                "Choose a resolution (or give its symbol, or part of one, e.g. 2640 or 2729); none chosen, the "
                "latest adopted is shown (all of them hold more paragraphs than a page shows: the whole table "
                "is paragraphs)."
            ),
            "sql": (
                "select s.symbol, p.number, pk.label as kind, p.text,\n"
                "  (select group_concat(l.recommendation_id || ' ' || mr.label || ': ' || r.summary, char(10))\n"
                "     from mandate_links l join mandate_relations mr on mr.code = l.relation\n"
                "     join recommendations r on r.recommendation_id = l.recommendation_id\n"
                "     where l.paragraph_id = p.paragraph_id) as mandate_links,\n"
                "  (select group_concat(o.recommendation_id || ' ' || ot.label || ': ' || r.summary, char(10))\n"
                "     from recommendation_outcomes o join outcome_types ot on ot.code = o.outcome\n"
                "     join recommendations r on r.recommendation_id = o.recommendation_id\n"
                "     where o.paragraph_id = p.paragraph_id) as outcomes,\n"
                "  (select group_concat(mt.label, '; ') from paragraph_tasks pt\n"
                "     join mandate_tasks mt on mt.code = pt.task\n"
                "     where pt.paragraph_id = p.paragraph_id) as tasks,\n"
                "  p.paragraph_id\n"
                "from paragraphs p\n"
                "join resolutions s on s.document_id = p.document_id\n"
                "join paragraph_kinds pk on pk.code = p.kind\n"
                "where case when trim(:resolution) = ''\n"
                "  then s.document_id = (select document_id from resolutions order by adoption_date desc, document_id desc limit 1)\n"
                "  else instr(s.symbol, trim(:resolution)) > 0 or s.document_id = trim(:resolution) end\n"
                "order by s.adoption_date, p.sequence"
            ),
        },
        "outcomes_by_support": {
            "title": "Outcomes by support level",
            "noun": ["count by outcome and support level", "counts by outcome and support level"],
            "description": (
                "How many recommendations addressed to the Security Council met each outcome in the "
                "Council's next resolution, at each support level (a recommendation with outcomes in "
                "several paragraphs counts once per outcome); the numbers behind the outcome chart of "
                "'At a glance'."
            ),
            "sql": (
                "select ot.code as outcome, ot.label as outcome_label, sl.code as support_level,\n"
                "  sl.label as support_label, sl.rank as support_rank,\n"
                "  count(distinct o.recommendation_id) as recommendations\n"
                "from recommendation_outcomes o\n"
                "join outcome_types ot on ot.code = o.outcome\n"
                "join recommendations r on r.recommendation_id = o.recommendation_id\n"
                "join support_levels sl on sl.code = r.support_level\n"
                "group by ot.code, sl.code\n"
                "order by ot.code, sl.rank is null, sl.rank"
            ),
        },
        "recommendations_about_actor": {
            "title": "Recommendations about an actor",
            "noun": ["recommendation about the actor", "recommendations about the actor"],
            "parameter_titles": {"actor": "Actor (a name or part of one, an acronym or an id)"},
            "parameter_choices": {"actor": {
                "table": "actors", "value": "name", "label": "name", "order": "name", "typed": True}},
            "description": (
                "Recommendations that ask an actor to act or name it in their quote (by its name "
                "or any form the note writes it in). Type part of a name, an acronym or an actor id, "
                "e.g. 'Security Council', 'MINUSMA' or 'mali'."
            ),
            "sql": recommendations_about_sql(ACTORS_MATCHING_WORDS),
        },
        "figures_with_sources": {
            "title": "Every figure with its original source",
            "noun": ["figure", "figures"],
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
            "noun": ["footnote citation", "footnote citations"],
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
            "noun": ["count by theme and support level", "counts by theme and support level"],
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
            "noun": ["event", "events"],
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
        "mandate_timeline": {
            "title": "Each mission's mandates, one after another",
            "noun": ["resolution", "resolutions"],
            "description": (
                "Every resolution of the dataset by mission and adoption date: its operative paragraphs, how "
                "many are unchanged, amended or new against the mission's previous mandate and how many of that "
                "mandate's paragraphs it dropped or kept by reference, the tasks it gained and lost, and its "
                "paragraphs by tier (priority as written). A mission's first resolution here has no previous "
                "mandate in the dataset. Type a mission's code (minusma) to see one."
            ),
            "parameter_titles": {"mission": "Mission (its code, e.g. unmiss; empty for all)"},
            "sql": MANDATE_TIMELINE_SQL,
        },
        "tasks_gained_and_lost": {
            "title": "Tasks each mission gained and lost per renewal",
            "noun": ["task gained or lost", "tasks gained or lost"],
            "description": (
                "For each resolution with a previous mandate in the dataset, the task categories (PEMA) its "
                "mandate holds that the previous one did not (gained), and those it no longer holds (lost). A "
                "mandate holds the tasks of its operative paragraphs and, where it keeps an earlier mandate by "
                "reference (a technical extension, or an extension 'as set out in' an earlier resolution), that "
                "mandate's tasks too; no_pema_task is left out."
            ),
            "sql": TASKS_GAINED_AND_LOST_SQL,
        },
        "priority_tasks_per_mandate": {
            "title": "How many priority tasks each mandate names",
            "noun": ["resolution", "resolutions"],
            "description": (
                "For each resolution, its operative paragraphs by tier: strategic priority, priority task, "
                "other task, general principle, not a task of the mission; a lettered heading of a list "
                "counts as a paragraph of its tier. priority_tasks counts the paragraphs of tier priority_task."
            ),
            "sql": (
                "select d.mission, r.symbol, r.adoption_date, r.technical_extension,\n"
                "  sum(t.tier = 'strategic_priority') as strategic_priority, sum(t.tier = 'priority_task') as priority_tasks,\n"
                "  sum(t.tier = 'other_task') as other_tasks, sum(t.tier = 'general_principle') as general_principles,\n"
                "  sum(t.tier = 'not_mission_task') as not_mission_tasks, count(*) as operative_paragraphs, r.document_id\n"
                "from resolutions r\n"
                "join documents d on d.document_id = r.document_id\n"
                "join paragraph_tiers t on t.document_id = r.document_id\n"
                "group by r.document_id\n"
                "order by d.mission, r.adoption_date"
            ),
        },
        "paragraphs_that_survived_every_renewal": {
            "title": "Paragraphs that survived every renewal",
            "noun": ["paragraph", "paragraphs"],
            "description": (
                "Operative paragraphs of a mission's first resolution in the dataset whose text every later "
                "mandate of the mission kept: unchanged (whitespace, a closing '; and' and renumbered references "
                "aside) in each renewal, or kept by reference by a technical extension; with how many renewals "
                "it survived. A mission with one resolution here has none."
            ),
            "sql": SURVIVED_SQL,
        },
        "coding_by_section": {
            "title": "Coded rows per section",
            "noun": ["count by section and table", "counts by section and table"],
            "description": (
                f"For each section of each note, its paragraphs and the rows of "
                f"{_titles(coded_tables())} coded from them (a section with no coded rows has one "
                "line with an empty table_name); the numbers behind the last chart of 'At a glance'."
            ),
            "sql": coding_by_section_sql(),
            "hide_sql": True,
        },
    }


# Question columns that list rows one a line, each line "<id> <label>: <words>": the table the ids
# name. A page shows each line as a link to its row, its label and words; CSV keeps the lines.
LINKED_LINES = {"mandate_links": "recommendations", "outcomes": "recommendations"}

# Each resolution's effective mandate for task counts: its own operative paragraphs' tasks and, where it
# keeps an earlier mandate by reference, that resolution's; and against its previous mandate, the tasks
# it gained and lost. Each set is made once for all resolutions (a set difference), not once a row.
EFFECTIVE_TASKS_CTE = (
    "own as (\n"
    "  select p.document_id, t.task from paragraphs p join paragraph_tasks t on t.paragraph_id = p.paragraph_id\n"
    "  where t.task != 'no_pema_task'\n"
    "),\n"
    "effective as (\n"
    "  select document_id, task from own\n"
    "  union select r.document_id, o.task from resolutions r join own o on o.document_id = r.keeps_mandate_of_id\n"
    "),\n"
    "pairs as (select distinct document_id, previous_document_id from paragraph_changes),\n"
    "gained as (\n"
    "  select p.document_id, e.task from pairs p join effective e on e.document_id = p.document_id\n"
    "  except select p.document_id, e.task from pairs p join effective e on e.document_id = p.previous_document_id\n"
    "),\n"
    "lost as (\n"
    "  select p.document_id, e.task from pairs p join effective e on e.document_id = p.previous_document_id\n"
    "  except select p.document_id, e.task from pairs p join effective e on e.document_id = p.document_id\n"
    ")\n"
)

TASKS_GAINED_AND_LOST_SQL = (
    "with " + EFFECTIVE_TASKS_CTE +
    "select d.mission, r.symbol, r.adoption_date, pr.symbol as previous_symbol, c.change, c.task, mt.label as task_label,\n"
    "  r.document_id, c.previous_document_id\n"
    "from (\n"
    "  select p.document_id, p.previous_document_id, 'gained' as change, g.task from pairs p\n"
    "  join gained g on g.document_id = p.document_id\n"
    "  union all\n"
    "  select p.document_id, p.previous_document_id, 'lost' as change, l.task from pairs p\n"
    "  join lost l on l.document_id = p.document_id\n"
    ") c\n"
    "join resolutions r on r.document_id = c.document_id\n"
    "join resolutions pr on pr.document_id = c.previous_document_id\n"
    "join documents d on d.document_id = c.document_id\n"
    "join mandate_tasks mt on mt.code = c.task\n"
    "order by d.mission, r.adoption_date, c.change, c.task"
)

MANDATE_TIMELINE_SQL = (
    "with " + EFFECTIVE_TASKS_CTE + ",\n"
    "counts as (\n"
    "  select document_id, previous_document_id, sum(change = 'unchanged') as unchanged, sum(change = 'amended') as amended,\n"
    "    sum(change = 'new') as new, sum(change = 'dropped') as dropped, sum(change = 'kept_by_reference') as kept_by_reference\n"
    "  from paragraph_changes group by document_id\n"
    "),\n"
    "tiers as (\n"
    "  select document_id, sum(tier = 'strategic_priority') as strategic_priority, sum(tier = 'priority_task') as priority_tasks,\n"
    "    sum(tier = 'other_task') as other_tasks, sum(tier = 'general_principle') as general_principles,\n"
    "    sum(tier = 'not_mission_task') as not_mission_tasks, count(*) as operative_paragraphs\n"
    "  from paragraph_tiers group by document_id\n"
    "),\n"
    "gained_list as (\n"
    "  select document_id, group_concat(task, '; ') as tasks from (select * from gained order by document_id, task)\n"
    "  group by document_id\n"
    "),\n"
    "lost_list as (\n"
    "  select document_id, group_concat(task, '; ') as tasks from (select * from lost order by document_id, task)\n"
    "  group by document_id\n"
    ")\n"
    "select d.mission, r.symbol, r.adoption_date, r.technical_extension, t.operative_paragraphs,\n"
    "  c.unchanged, c.amended, c.new, c.dropped, c.kept_by_reference, g.tasks as tasks_gained, l.tasks as tasks_lost,\n"
    "  t.strategic_priority, t.priority_tasks, t.other_tasks, t.general_principles, t.not_mission_tasks,\n"
    "  r.document_id, c.previous_document_id\n"
    "from resolutions r\n"
    "join documents d on d.document_id = r.document_id\n"
    "left join counts c on c.document_id = r.document_id\n"
    "left join tiers t on t.document_id = r.document_id\n"
    "left join gained_list g on g.document_id = r.document_id\n"
    "left join lost_list l on l.document_id = r.document_id\n"
    "where coalesce(:mission, '') = '' or d.mission = lower(trim(:mission))\n"
    "order by d.mission, r.adoption_date"
)

# A paragraph of a mission's first resolution survives a renewal when that renewal's row for it is
# unchanged (pairing it with a paragraph that a later renewal must keep in turn) or kept_by_reference;
# each step goes to a later resolution, so the chain ends.
SURVIVED_SQL = (
    "with recursive dated as (\n"
    "  select c.*, r.adoption_date from paragraph_changes c join resolutions r on r.document_id = c.document_id\n"
    "  where c.change in ('unchanged', 'kept_by_reference')\n"
    "),\n"
    "firsts as (\n"
    "  select d.mission, r.document_id, r.adoption_date from resolutions r join documents d on d.document_id = r.document_id\n"
    "  where r.adoption_date = (select min(r2.adoption_date) from resolutions r2 join documents d2\n"
    "    on d2.document_id = r2.document_id where d2.mission = d.mission)\n"
    "),\n"
    "renewals as (\n"
    "  select d.mission, count(distinct c.document_id) as renewals from paragraph_changes c\n"
    "  join documents d on d.document_id = c.document_id group by d.mission\n"
    "),\n"
    "chain(mission, origin, current, since, survived) as (\n"
    "  select f.mission, p.paragraph_id, p.paragraph_id, f.adoption_date, 0 from firsts f\n"
    "  join paragraphs p on p.document_id = f.document_id and p.kind = 'operative'\n"
    "  union\n"
    "  select ch.mission, ch.origin, coalesce(nullif(c.paragraph_id, ''), c.previous_paragraph_id), c.adoption_date,\n"
    "    ch.survived + 1\n"
    "  from chain ch join dated c on c.previous_paragraph_id = ch.current and c.adoption_date > ch.since\n"
    ")\n"
    "select ch.mission, max(ch.survived) as renewals_survived, n.renewals, p.number, p.text, ch.origin as paragraph_id\n"
    "from chain ch join renewals n on n.mission = ch.mission join paragraphs p on p.paragraph_id = ch.origin\n"
    "group by ch.origin having max(ch.survived) = n.renewals\n"
    "order by ch.mission, p.document_id, p.sequence"
)


def row_link_columns() -> dict[str, str]:
    """Id column name → the table whose row a value in that column names, from the keys.

    Only '..._id' columns: queries reuse code-list names ('theme') for labels. A name that would
    point at two tables is left out.
    """
    targets: dict[str, set[str]] = {}
    for spec in CONTENT_TABLES:
        foreign = [([key.column], key.table) for key in spec.foreign_keys]
        # A table keyed by another table's key (paragraph_tiers by paragraph_id) extends that table's
        # rows: the column names the other table's row.
        own = [] if any(columns == spec.primary_key for columns, _ in foreign) else [(spec.primary_key, spec.name)]
        keys = own + foreign
        for columns, table in keys:
            if len(columns) == 1 and columns[0].endswith("_id"):
                targets.setdefault(columns[0], set()).add(table)
    return {column: tables.pop() for column, tables in sorted(targets.items()) if len(tables) == 1}
