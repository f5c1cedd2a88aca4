"""The one description of every table and column; datapackage.json and all else derive from it.

A table is a dict in CONTENT_TABLES (or COUNCIL_TABLES, or a code_list(...) in CODE_LISTS):
name, title, description, fields, primary_key, and optionally label_column, sort, facets, fts,
min_rows, generated. A field is a dict, or the name of one of SHARED_FIELDS:

    {"name": "theme", "type": "string", "description": "Primary theme.",
     "constraints": {"required": True}, "references": "themes.code"}

A foreign key is declared once, on its field, as "references": "TABLE.KEY" (KEY is TABLE's primary
key): the field's pattern is the key's, and the published description ends "See TABLE.KEY.";
write neither by hand. A field's cross-table rules ("meanings": verbatim_in, covers, ...) are
listed in mandate_notes/rules.py. At the end of this module every dict becomes a checked object
(schemas/classes.py): an unknown key, a misspelt meaning or a column that does not exist stops the
import, naming the table and field.
"""

from __future__ import annotations

from schemas.authors import checked_authors
from schemas.classes import Table, checked_tables

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ISO_PARTIAL_DATE = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
# A Security Council resolution's symbol, e.g. S/RES/2640 (2022).
SYMBOL_PATTERN = r"^S/RES/[0-9]+ \([0-9]{4}\)$"
# What a value of each pattern looks like, in words: a problem gives these beside the pattern.
PATTERN_WORDS = {
    ID_PATTERN: "lower-case letters and digits, in parts joined by '-', e.g. ipi-2024-unmiss-rec-001",
    ISO_PARTIAL_DATE: "a date as precise as known: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-12-22",
    CODE_PATTERN: "a code: lower-case letters, digits and '_', starting with a letter, e.g. protection_of_civilians",
    SYMBOL_PATTERN: "a resolution's symbol, e.g. S/RES/2640 (2022)",
}
# Who the dataset is by: its authors, in the order they are cited, each as CITATION.cff writes one.
# A person is {"family-names": "…", "given-names": "…", "orcid": "https://orcid.org/…"} (the ORCID
# optional), a group or body {"name": "…"}. Every citation reads this list (schemas/authors.py):
# CITATION.cff, .zenodo.json, datapackage.json, README, and the site's citations and schema.org block.
AUTHORS = checked_authors([
    {"name": "mandate-notes contributors"},
])
# The dataset's licences: stated here once, used by every file that names them.
DATA_LICENSE = {"id": "CC-BY-4.0", "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
CODE_LICENSE = "MIT"
# In a rule's condition: any non-empty value.
ANY = "*"
# A documents column that only a meeting note has.
NOTE_ONLY = {"required_when": {"when": {"kind": "meeting_note"}, "rule": "required for a meeting note"},
             "empty_when": {"when": {"kind": "resolution"}, "rule": "must be empty for a resolution"}}
# The phrase table of the coding rules, in order: the first pattern an attribution phrase
# matches gives the support levels it allows ("they" takes the level of the subject it refers
# back to, never agreement: emphasis is not agreement).
SUPPORT_PHRASES = [
    [r"\bagreed\b|\b(strong|broad|general|wide) agreement\b|\bthere was agreement\b", ["agreement"]],
    [r"^(one|another)\b|\bone participant|\banother participant", ["one_participant"]],
    [r"\b(some|several|other|many)\b", ["some_participants"]],
    [r"^they\b", ["participants", "some_participants", "one_participant"]],
    [r"\bparticipants\b", ["participants"]],
    [r".", ["unattributed"]],
]
# Priority phrases, in order: the first pattern a phrase matches gives the signal it carries (a
# time beats a priority: 'prioritize immediate …' is immediate).
PRIORITY_PHRASES = [
    [r"\bimmediate|\burgent|without delay", ["immediate"]],
    [r"\brenewal\b|\bnegotiations?\b", ["before_renewal"]],
    [r"where possible|\bcondition|\bwithin\b|\bonly (if|once|when)\b|\bprovided\b", ["conditional"]],
    [r"\bpriorit|\bfocus", ["priority"]],
]
# Paragraph kinds a coded row may come from.
NOTE_TEXT = ["body", "bullet"]
NOTE_TEXT_OR_FOOTNOTE = ["body", "bullet", "footnote"]
RESOLUTION_TEXT = ["operative", "preambular"]


def of_kind(kinds: list[str]) -> dict:
    """A paragraph reference's rule: the paragraph is of one of these kinds."""
    return {"where": {"kind": kinds}, "rule": f"a paragraph of kind {', '.join(kinds)} expected"}


def note_resolution(name: str, description: str) -> dict:
    """A note's reference to one of the Council's resolutions on either side of its workshop."""
    return {"name": name, "type": "string", "description": description,
            "references": "resolutions.document_id",
            "empty_when": NOTE_ONLY["empty_when"]}


def council_side(side: str, what: str) -> list[dict]:
    """A catalogue note's resolution on one side of its workshop: symbol, adoption date, document."""
    return [
        {"name": f"{side}_symbol", "type": "string",
         "description": f"Symbol of {what}; empty where it could not be verified (council_notes says why), and for a summary across missions.",
         "constraints": {"pattern": SYMBOL_PATTERN}},
        {"name": f"{side}_adopted", "type": "date",
         "description": "Date the Council adopted it; the gate derives which resolution it is from the dates (mandate_notes/council.py)."},
        {"name": f"{side}_id", "type": "string",
         "description": "That resolution as a document of the dataset; empty where it was adopted before 2020.",
         "references": "resolutions.document_id"},
    ]


# Actor types (actor_types.code) that belong to no one country: their country_iso3 stays empty.
INTERNATIONAL_ACTOR_TYPES = ["un_mission", "un_entity", "un_organ", "united_nations",
                             "intergovernmental_organisation", "coalition", "collective"]

PACKAGE = {
    "name": "mandate-notes",
    "title": "mandate-notes: coded meeting notes on UN peace operation mandates",
    "description": (
        "Recommendations, statistics, actors, events and citations coded from the meeting notes "
        "that the International Peace Institute, the Stimson Center and Security Council Report "
        "publish after their workshops on the prioritization and sequencing of Security Council "
        "mandates. Every coded row points at a paragraph of its source note and carries a "
        "verbatim quote from it."
    ),
    "homepage": "https://github.com/mandate-notes/mandate-notes",
    "keywords": [
        "United Nations",
        "peace operations",
        "Security Council",
        "mandates",
    ],
    "licenses": [
        {
            "name": DATA_LICENSE["id"],
            "path": DATA_LICENSE["url"],
            "title": "Creative Commons Attribution 4.0 (the coded tables)",
        }
    ],
    "code_license": CODE_LICENSE,
    # "sources" (each archived text, its hash and copyright) and the documents' own keywords are
    # added from sources/*/document.toml by mandate_notes/model.py.
    # "contributors" are the AUTHORS above, added by mandate_notes/model.py.
}

# Where the dataset is published, for citations that outlast any one server: the public base
# address of the site (a row's citation ends with its page there) and the DOI of the dataset.
# Empty until published: a citation then gives no address rather than the one a local server
# happens to listen on.
PUBLISHED = {"site_url": "", "doi": ""}

# Fields used by several tables: described once, referred to by name.
SHARED_FIELDS = {
    "document_id": {
        "type": "string",
        "description": "Identifier of the source note.",
        "constraints": {"required": True}, "references": "documents.document_id",
    },
    "paragraph_id": {
        "type": "string",
        "description": "Paragraph of the source note the row is coded from.",
        "constraints": {"required": True}, "references": "paragraphs.paragraph_id",
        # Meanings read by mandate_notes/rules.py (its docstring lists them all).
        "in_document_of": "document_id",
    },
    "quote": {
        "type": "string",
        "description": (
            "The note's own words, copied verbatim (characters as in the source): an exact "
            "substring of the paragraph's text."
        ),
        "constraints": {"required": True},
        "verbatim_in": "paragraph_id",
    },
    "code": {
        "type": "string",
        "description": "The code, as used in the tables that refer to this list.",
        "constraints": {"required": True, "unique": True, "pattern": CODE_PATTERN},
    },
    "label": {
        "type": "string",
        "description": "Short human-readable name of the code.",
        "constraints": {"required": True},
    },
    "definition": {
        "type": "string",
        "description": "What the code means and when coders apply it.",
        "constraints": {"required": True},
    },
    "actor_id": {
        "type": "string",
        "description": "Identifier of an actor.",
        "constraints": {"required": True}, "references": "actors.actor_id",
    },
    "notes": {
        "type": "string",
        "description": "Coder's note on a hard case or decision, in our own words; empty if none.",
    },
}


def code_list(name: str, title: str, description: str, ranked: bool | str = False, extra: list | None = None) -> dict:
    """A code list table: code, label, definition (and rank, where the codes are ordered, described by
    `ranked` where it is a text; and any extra columns)."""
    fields = ["code", "label", *(extra or [])]
    if ranked:
        fields.append(
            {
                "name": "rank",
                "type": "integer",
                "description": ranked if isinstance(ranked, str) else
                "Position on the ordered scale; 1 is the widest support. Empty for a code that is not on the scale.",
                "constraints": {"unique": True, "minimum": 1},
            }
        )
    fields.append("definition")
    return {
        "name": name,
        "title": title,
        "description": description,
        "fields": fields,
        "primary_key": ["code"],
        "label_column": "label",
        "sort": "rank" if ranked else "code",
        "code_list": True,
        # A code list without codes makes every coded value invalid: it must never be empty.
        "min_rows": 1,
    }


# A table's "min_rows" is the fewest data rows its CSV may hold; without it a table may be empty
# (a header only), as content tables are until a note is coded.
CONTENT_TABLES = [
    {
        "name": "documents",
        "title": "Source documents",
        "description": (
            "One row per document of the dataset, a meeting note or a Security Council resolution "
            "(a resolution's title and month from the UN's record of its adoption)."
        ),
        "made_by": "scripts/make_paragraphs.py, from sources/<document_id>/; never edited by hand.",
        # Made by a command, kept in data/generated/ and checked for drift by the gate.
        "generated": True,
        "fields": [
            {"name": "document_id", "type": "string", "description": "Stable id of the document, its folder under sources/: publishers, year and mission for a note (ipi-2023-minusma), the symbol for a resolution (s-res-2640-2022).",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            {"name": "kind", "type": "string", "description": "Kind of document.",
             "constraints": {"required": True}, "references": "document_kinds.code"},
            {"name": "title", "type": "string",
             "description": "Title as printed on the note; for a resolution, its title in the UN's record.",
             "constraints": {"required": True}},
            {"name": "series", "type": "string", "description": "Series the note belongs to.",
             **NOTE_ONLY},
            {"name": "publishers", "type": "string",
             "description": "Publishers of the document, as printed on it, separated by '; '.",
             "constraints": {"required": True}},
            {"name": "mission", "type": "string",
             "description": "The mission the document is about: whose mandate the workshop discussed, or the resolution sets.",
             "constraints": {"required": True}, "references": "missions.code"},
            {"name": "mission_actor_id", "type": "string",
             "description": "That mission as an actor of the notes: required for a note; for a resolution, filled where the mission is an actor of a coded note.",
             "references": "actors.actor_id", "required_when": NOTE_ONLY["required_when"],
             "equals_via": {"path": "mission.actor_id",
                            "rule": "not the mission's actor_id in data/missions.csv (a mission a coded note names "
                                    "has its actor_id filled there)"}},
            {"name": "host_country_iso3", "type": "string",
             "description": "ISO 3166-1 alpha-3 code of the mission's host country.",
             "constraints": {"required": True, "pattern": r"^[A-Z]{3}$"}},
            {"name": "workshop_date", "type": "date", "description": "Date the workshop was held.",
             # The mandate in force was adopted before the workshop met, the Council's decision after it.
             "not_before": "mandate_in_force_id.adoption_date", "not_after": "decision_id.adoption_date",
             **NOTE_ONLY},
            {"name": "publication_month", "type": "string",
             "description": "Month of publication printed on the note, or of a resolution's adoption (YYYY-MM).",
             "constraints": {"required": True, "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}},
            {"name": "url", "type": "string",
             "description": "Where the publishers published the note; for a resolution, the archived XML in the UN's repository.",
             "constraints": {"required": True, "pattern": r"^https://\S+$"}},
            {"name": "expected_renewal", "type": "string",
             "description": "When the note says the Council is expected to renew the mandate (ISO 8601, as precise as the note).",
             "constraints": {"pattern": ISO_PARTIAL_DATE}},
            {"name": "attribution_rule", "type": "string",
             "description": "The rule under which the discussion was held, as the note states it.",
             **NOTE_ONLY},
            {"name": "source_file", "type": "string",
             "description": "File under sources/ holding the document (its folder and name): a note's text, a resolution's XML.",
             "constraints": {"required": True, "unique": True}},
            {"name": "source_sha256", "type": "string",
             "description": "SHA-256 of the source file; a test checks it.",
             "constraints": {"required": True, "pattern": r"^[0-9a-f]{64}$"}},
            {"name": "language", "type": "string", "description": "ISO 639-1 language of the document.",
             "constraints": {"required": True, "pattern": r"^[a-z]{2}$"}},
            {"name": "paragraph_id", "type": "string",
             "description": "The paragraph stating the workshop, organisers and rule.",
             "references": "paragraphs.paragraph_id", "in_document_of": "document_id",
             **NOTE_ONLY},
            note_resolution("mandate_in_force_id", (
                "For a note, the resolution whose mandate was in force when the workshop met; empty until that resolution is a document of the dataset. "
                "When filled, every recommendation of the note has mandate links and mandate tasks.")),
            note_resolution("decision_id", (
                "For a note, the first resolution the Council adopted on the mandate after the workshop; empty until it is a document of the dataset. When filled, every "
                "recommendation of the note addressed to the Security Council has an outcome.")),
        ],
        "primary_key": ["document_id"],
        "label_column": "title",
        "sort": "document_id",
        # The package is about notes: a release without one is broken, not empty.
        "min_rows": 1,
    },
    {
        "name": "resolutions",
        "title": "Security Council resolutions",
        "description": (
            "The adoption of each resolution that is a document of the dataset, from the UN's record "
            "of it. Source: United Nations."
        ),
        "made_by": "scripts/make_paragraphs.py, from sources/<document_id>/metadata.jsonl; never edited by hand.",
        "generated": True,
        "fields": [
            {**SHARED_FIELDS["document_id"], "name": "document_id", "description": "The resolution.",
             "constraints": {"required": True, "unique": True}},
            {"name": "symbol", "type": "string", "description": "The resolution's symbol, e.g. S/RES/2640 (2022).",
             "constraints": {"required": True, "unique": True}},
            {"name": "number", "type": "integer",
             "description": "The resolution's number, e.g. 2640 (its symbol without the year; what a reader types to find it).",
             "constraints": {"required": True, "minimum": 1}},
            {"name": "adoption_date", "type": "date", "description": "Date of adoption.",
             "constraints": {"required": True}},
            {"name": "meeting", "type": "string", "description": "The Council meeting that adopted it, as the record names it.",
             "constraints": {"required": True}},
            {"name": "meeting_record", "type": "string", "description": "Symbol of that meeting's verbatim record.",
             "constraints": {"required": True}},
            {"name": "agenda_item", "type": "string",
             "description": "The agenda item under which it was adopted; empty where the record gives none."},
            {"name": "draft_symbol", "type": "string",
             "description": "Symbol of the draft resolution; empty where the record gives none or a wrong one (its document.toml says why)."},
            {"name": "adoption", "type": "string", "description": "How it was adopted, as the record says (vote and meeting).",
             "constraints": {"required": True}},
            {"name": "chapter_vii", "type": "boolean",
             "description": "True when the record marks the resolution as adopted under Chapter VII of the Charter.",
             "constraints": {"required": True}},
            {"name": "sponsors", "type": "string",
             "description": "Sponsors, as the record names them, separated by '; '; empty where the record's are wrong (its document.toml says why)."},
            {"name": "additional_sponsors", "type": "string",
             "description": "Further sponsors, as the record names them, separated by '; '; empty when none."},
            {"name": "votes_in_favour", "type": "integer", "description": "Members voting in favour.",
             "constraints": {"required": True, "minimum": 0}},
            {"name": "votes_against", "type": "integer", "description": "Members voting against.",
             "constraints": {"required": True, "minimum": 0}},
            {"name": "abstentions", "type": "integer", "description": "Members abstaining.",
             "constraints": {"required": True, "minimum": 0}},
            {"name": "technical_extension", "type": "boolean",
             "description": ("True for a short technical extension: it keeps the mandate in force by reference (\"as set "
                             "out in resolution …\") and sets no task of its own; its document.toml says so."),
             "constraints": {"required": True}},
            {"name": "keeps_mandate_of_id", "type": "string",
             "description": ("The resolution whose mandate it keeps in force by reference, as its text names it, where "
                             "that resolution is a document of the dataset; empty otherwise."),
             "references": "resolutions.document_id"},
            {"name": "metadata_file", "type": "string",
             "description": "File under sources/ holding the record (its folder and name).",
             "constraints": {"required": True, "unique": True}},
            {"name": "metadata_sha256", "type": "string", "description": "SHA-256 of the record's file; the gate checks it.",
             "constraints": {"required": True, "pattern": r"^[0-9a-f]{64}$"}},
        ],
        "primary_key": ["document_id"],
        "label_column": "symbol",
        "sort": "document_id",
    },
    {
        "name": "resolution_votes",
        "title": "Votes on each resolution",
        "description": (
            "How each member of the Council voted on each resolution, one row per member, from the "
            "UN's record; members are named as the record names them. Source: United Nations."
        ),
        "generated": True,
        "fields": [
            {**SHARED_FIELDS["document_id"], "name": "document_id", "description": "The resolution.",
             "references": "resolutions.document_id"},
            {"name": "member", "type": "string", "description": "The Council member, as the record names it.",
             "constraints": {"required": True}},
            {"name": "vote", "type": "string", "description": "How it voted.",
             "constraints": {"required": True}, "references": "votes.code"},
        ],
        "primary_key": ["document_id", "member"],
        "sort": "document_id",
    },
    {
        "name": "document_actors",
        "title": "Organisers and funders of each note",
        "description": "Which actors organised, drafted or funded each workshop and note.",
        "fields": [
            "document_id",
            "actor_id",
            {"name": "role", "type": "string", "description": "Role of the actor.",
             "constraints": {"required": True}, "references": "document_roles.code"},
            {**SHARED_FIELDS["paragraph_id"], "name": "paragraph_id", "referenced_row": of_kind(NOTE_TEXT_OR_FOOTNOTE)},
            "quote",
        ],
        "primary_key": ["document_id", "actor_id", "role"],
        "sort": "document_id",
    },
    {
        "name": "paragraphs",
        "title": "Paragraphs of the source documents",
        "description": (
            "Every heading, body paragraph, bullet, footnote and boilerplate block of each note, and "
            "every preambular and operative paragraph, sub-paragraph and heading of each resolution, "
            "in reading order; paragraphs of a note cut by a page break are re-joined."
        ),
        "made_by": "scripts/make_paragraphs.py, from each document's source; never edited by hand.",
        "generated": True,
        "fields": [
            {"name": "paragraph_id", "type": "string",
             "description": "Document id plus reading-order number, e.g. ipi-2023-minusma-p007.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            "document_id",
            {"name": "sequence", "type": "integer", "description": "Reading order within the document, from 1.",
             "constraints": {"required": True, "minimum": 1}},
            {"name": "section", "type": "string",
             "description": "Heading of the section the paragraph stands in; empty for the cover, opening paragraph and back matter, and for a resolution's preamble and headings."},
            {"name": "kind", "type": "string", "description": "Kind of paragraph.",
             "constraints": {"required": True}, "references": "paragraph_kinds.code"},
            {"name": "number", "type": "string",
             "description": "A resolution paragraph's number as printed, with its parents' numbers before it, e.g. 26 (a) (iii); a point printed without a number carries its parent's. Empty for a note.",
             "empty_when": {"when": {"kind": ["body", "bullet", "footnote", "heading", "boilerplate"]},
                            "rule": "must be empty for a paragraph of a note"}},
            {"name": "eid", "type": "string",
             "description": "A resolution paragraph's eId in the UN's XML, e.g. para_179_list_point_a; empty for a note.",
             "constraints": {"pattern": r"^[A-Za-z0-9_]+$"}},
            {"name": "footnote_number", "type": "integer",
             "description": "For a footnote, its number; empty otherwise.",
             "constraints": {"minimum": 1}},
            {"name": "footnote_markers", "type": "string",
             "description": "Footnote numbers marked in the text, in order, joined by ';'.",
             "constraints": {"pattern": r"^[0-9]+(;[0-9]+)*$"}},
            {"name": "first_line", "type": "integer", "description": "First line of the source file the paragraph occupies.",
             "constraints": {"required": True, "minimum": 1}},
            {"name": "last_line", "type": "integer",
             "description": "Last line it occupies (beyond footnote lines in between, for a re-joined paragraph).",
             "constraints": {"required": True, "minimum": 1}},
            {"name": "text", "type": "string", "description": "The paragraph's text, lines joined by single spaces; a bullet's leading '- ' is left out (its kind says it is a bullet).",
             "constraints": {"required": True}},
        ],
        "primary_key": ["paragraph_id"],
        "label_column": "paragraph_id",
        "sort": "paragraph_id",
        # Every note is split into paragraphs; every coded row points at one.
        "min_rows": 1,
        # The text only: a paragraph is not found by the heading it stands under.
        "fts": ["text"],
    },
    {
        "name": "recommendations",
        "title": "Recommendations",
        "description": (
            "Every recommendation, suggestion or call to action in a note, from the opening list "
            "and the body, with who is asked to act and how widely participants backed it."
        ),
        "fields": [
            {"name": "recommendation_id", "type": "string",
             "description": "Stable id: document id, 'rec', three-digit number. Never reused.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            "document_id",
            {**SHARED_FIELDS["paragraph_id"], "name": "paragraph_id", "referenced_row": of_kind(NOTE_TEXT)},
            "quote",
            {"name": "summary", "type": "string",
             "description": "What is recommended, in our own neutral words.",
             "constraints": {"required": True}},
            {"name": "is_opening_bullet", "type": "boolean",
             "description": "True for an item of the note's opening list of points for the negotiations.",
             "constraints": {"required": True}},
            {"name": "addressee_actor_id", "type": "string",
             "description": "Who is asked to act; empty if neither said nor inferable.",
             "references": "actors.actor_id"},
            {"name": "addressee_as_written", "type": "string",
             "description": "The words naming the addressee, verbatim from the paragraph; empty when inferred.",
             "verbatim_in": "paragraph_id",
             "empty_when": {"when": {"addressee_is_inferred": "true"},
                            "rule": "must be empty when addressee_is_inferred is true"},
             "required_when": {"when": {"addressee_is_inferred": "false", "addressee_actor_id": ANY},
                               "rule": "required when the addressee is explicit"}},
            {"name": "addressee_is_inferred", "type": "boolean",
             "description": "True when the addressee is not named in the sentence but inferred from context (see codebook).",
             "constraints": {"required": True}},
            {"name": "theme", "type": "string",
             "description": "Primary theme; further themes in recommendation_themes.",
             "constraints": {"required": True}, "references": "themes.code"},
            {"name": "support_level", "type": "string",
             "description": "How widely participants backed it, on the ordered scale.",
             "constraints": {"required": True}, "references": "support_levels.code",
             "phrase_table": {"column": "attribution_phrase", "rows": SUPPORT_PHRASES,
                              "rule": "not the support level the attribution phrase gives (phrase table)"}},
            {"name": "attribution_phrase", "type": "string",
             "description": "The words that attribute the view, verbatim from the paragraph (e.g. 'Some participants urged').",
             "constraints": {"required": True}, "verbatim_in": "paragraph_id", "or_lead_in": True},
            {"name": "priority_signal", "type": "string",
             "description": "Priority or sequencing the note attaches to it; empty if none.",
             "references": "priority_signals.code",
             "phrase_table": {"column": "priority_phrase", "rows": PRIORITY_PHRASES,
                              "rule": "not the signal the priority phrase carries"}},
            {"name": "priority_phrase", "type": "string",
             "description": "The words carrying the priority or sequencing signal, verbatim; empty if none.",
             "verbatim_in": "paragraph_id",
             "required_when": {"when": {"priority_signal": ANY}, "rule": "required when priority_signal is filled"},
             "empty_when": {"when": {"priority_signal": ""}, "rule": "must be empty when priority_signal is empty"}},
            "notes",
        ],
        "primary_key": ["recommendation_id"],
        "label_column": "summary",
        "sort": "recommendation_id",
        "facets": ["theme", "support_level", "addressee_actor_id"],
        "fts": ["quote", "summary"],
    },
    {
        "name": "recommendation_themes",
        "title": "Further themes of recommendations",
        "description": "Themes a recommendation touches besides its primary theme.",
        "fields": [
            {"name": "recommendation_id", "type": "string", "description": "The recommendation.",
             "constraints": {"required": True}, "references": "recommendations.recommendation_id"},
            {"name": "theme", "type": "string", "description": "A further theme.",
             "constraints": {"required": True}, "references": "themes.code"},
        ],
        "primary_key": ["recommendation_id", "theme"],
        "sort": "recommendation_id",
    },
    {
        "name": "recommendation_links",
        "title": "Opening bullets and the body recommendations they summarise",
        "description": "Links each item of a note's opening list to the body recommendations it summarises.",
        "fields": [
            {"name": "bullet_recommendation_id", "type": "string",
             "description": "The opening-list recommendation.",
             "constraints": {"required": True}, "references": "recommendations.recommendation_id",
             "referenced_row": {"where": {"is_opening_bullet": "true"}, "rule": "not an opening bullet"},
             "covers": {"where": {"is_opening_bullet": "true"},
                        "rule": "opening bullet that links to no body recommendation (recommendation_links)"}},
            {"name": "body_recommendation_id", "type": "string",
             "description": "A body recommendation it summarises.",
             "constraints": {"required": True}, "references": "recommendations.recommendation_id",
             "referenced_row": {"where": {"is_opening_bullet": "false"},
                                "rule": "is an opening bullet, not a body recommendation"}},
        ],
        "primary_key": ["bullet_recommendation_id", "body_recommendation_id"],
        "sort": "bullet_recommendation_id",
    },
    {
        "name": "statistics",
        "title": "Statistics",
        "description": (
            "Every quantitative fact in a note, body and footnotes, numbers in words included, "
            "with its unit, comparator, reference period, geography, producer and supporting citation."
        ),
        "fields": [
            {"name": "statistic_id", "type": "string",
             "description": "Stable id: document id, 'stat', three-digit number. Never reused.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            "document_id",
            {**SHARED_FIELDS["paragraph_id"], "name": "paragraph_id", "referenced_row": of_kind(NOTE_TEXT_OR_FOOTNOTE),
             # The supporting footnote is one this paragraph marks, or the footnote the figure is in.
             "equals_via": {"path": ["citation_id.citing_paragraph_id", "citation_id.paragraph_id"],
                            "rule": "its citation (citation_id) is of a footnote this paragraph neither marks nor is"}},
            "quote",
            {"name": "quantity", "type": "string", "description": "What is counted or measured, in our own words.",
             "constraints": {"required": True}},
            {"name": "value", "type": "number", "description": "The figure as a number (percentages as 0-100, fractions as decimals in their unit).",
             "constraints": {"required": True},
             # No negative counts or years, no percent beyond 100.
             "bounds_by": {"column": "unit", "bounds": {"percent": [0, 100], "count": [0, None], "years": [0, None]}},
             "written_as": {"column": "value_as_written", "unit": "unit", "fraction_scale": {"percent": 100},
                            "rule": "value is not the number value_as_written states"}},
            {"name": "value_as_written", "type": "string",
             "description": "The figure exactly as the note writes it ('24 percent', 'sixty-four'); occurs in the quote.",
             "constraints": {"required": True}, "verbatim_in": "quote"},
            {"name": "unit", "type": "string", "description": "Unit of the value.",
             "constraints": {"required": True}, "references": "units.code"},
            {"name": "comparator", "type": "string",
             "description": "Whether the value is exact or a bound.",
             "constraints": {"required": True}, "references": "comparators.code"},
            {"name": "reference_period", "type": "string",
             "description": "Date or period the figure refers to (ISO 8601, as precise as the note; 'start/end' for a span); empty if the note gives none."},
            {"name": "geography", "type": "string",
             "description": "Place the figure refers to, in the note's words (verbatim from the paragraph, never resolved to a place the note does not name); empty if none.",
             "verbatim_in": "paragraph_id"},
            {"name": "producer_actor_id", "type": "string",
             "description": "Who produced the figure, where the note says or cites it; empty otherwise.",
             "references": "actors.actor_id"},
            {"name": "citation_id", "type": "string",
             "description": "The footnote citation supporting the figure; empty if none.",
             "references": "citations.citation_id"},
            "notes",
        ],
        "primary_key": ["statistic_id"],
        "label_column": "quantity",
        "sort": "statistic_id",
        "facets": ["unit", "producer_actor_id"],
        "fts": ["quote", "quantity"],
    },
    {
        "name": "actors",
        "title": "Actors",
        "description": "Every organisation, state, body, armed group and collective named in a note.",
        "fields": [
            {"name": "actor_id", "type": "string", "description": "Stable slug id of the actor, shared by all notes.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            {"name": "name", "type": "string", "description": "Full name in English.", "constraints": {"required": True}},
            {"name": "acronym", "type": "string", "description": "Acronym where the note uses one; empty otherwise."},
            {"name": "actor_type", "type": "string", "description": "Kind of actor.",
             "constraints": {"required": True}, "references": "actor_types.code"},
            {"name": "parent_actor_id", "type": "string",
             "description": "The organisation this one is part of, e.g. MINUSMA → United Nations; empty if none.",
             "references": "actors.actor_id"},
            {"name": "country_iso3", "type": "string",
             "description": "ISO 3166-1 alpha-3 code of the state, or of the country a national body belongs to; empty otherwise.",
             "constraints": {"pattern": r"^[A-Z]{3}$"},
             "required_when": {"when": {"actor_type": "state"}, "rule": "required for a state"},
             "empty_when": {"when": {"actor_type": INTERNATIONAL_ACTOR_TYPES},
                            "rule": "must be empty for an international or collective actor (UN bodies included)"}},
            {"name": "description", "type": "string", "description": "One line in our own words.",
             "constraints": {"required": True}},
        ],
        "primary_key": ["actor_id"],
        "label_column": "name",
        "sort": "actor_id",
        "facets": ["actor_type"],
    },
    {
        "name": "actor_aliases",
        "title": "Names of actors as written",
        "description": "Every form in which a note names an actor, exactly as written, with its first paragraph.",
        "fields": [
            {**SHARED_FIELDS["actor_id"], "name": "actor_id",
             "covers": {"rule": "actor with no alias as written in a note (actor_aliases)"}},
            {"name": "alias", "type": "string", "description": "The name exactly as written in the note.",
             "constraints": {"required": True}, "verbatim_in": "paragraph_id"},
            "document_id",
            {**SHARED_FIELDS["paragraph_id"], "name": "paragraph_id",
             "description": "First paragraph of the note in which the alias occurs.",
             "first_paragraph_with": {"column": "alias", "kinds": NOTE_TEXT_OR_FOOTNOTE}},
        ],
        "primary_key": ["actor_id", "alias", "document_id"],
        "sort": "actor_id",
    },
    {
        "name": "actor_relations",
        "title": "Relations between actors",
        "description": "Membership and similar relations that a note states between actors.",
        "fields": [
            {"name": "subject_actor_id", "type": "string", "description": "The actor the relation starts from.",
             "constraints": {"required": True}, "references": "actors.actor_id"},
            {"name": "relation", "type": "string", "description": "Kind of relation.",
             "constraints": {"required": True}, "references": "relation_types.code"},
            {"name": "object_actor_id", "type": "string", "description": "The actor it points to.",
             "constraints": {"required": True}, "references": "actors.actor_id"},
            "document_id",
            {**SHARED_FIELDS["paragraph_id"], "name": "paragraph_id", "referenced_row": of_kind(NOTE_TEXT_OR_FOOTNOTE)},
            "quote",
        ],
        "primary_key": ["subject_actor_id", "relation", "object_actor_id"],
        "sort": "subject_actor_id",
    },
    {
        "name": "works",
        "title": "Cited works",
        "description": "Each work a note cites, once, however many footnotes cite it.",
        "fields": [
            {"name": "work_id", "type": "string",
             "description": "Stable slug id; for UN documents the normalised symbol in lower case (un-s-2023-36).",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            {"name": "work_type", "type": "string", "description": "Kind of work.",
             "constraints": {"required": True}, "references": "work_types.code"},
            {"name": "title", "type": "string", "description": "Title as the note gives it, markup removed; empty if the note gives none."},
            {"name": "author", "type": "string", "description": "Personal author(s) as written; empty if none named."},
            {"name": "issuing_actor_id", "type": "string",
             "description": "Organisation that issued or published the work; empty if none named.",
             "references": "actors.actor_id"},
            {"name": "container_title", "type": "string",
             "description": "Outlet, journal or website the work appeared in, as written; empty if none."},
            {"name": "date_published", "type": "string",
             "description": "Publication date as precise as the note gives it (ISO 8601).",
             "constraints": {"pattern": ISO_PARTIAL_DATE}},
            {"name": "un_symbol", "type": "string",
             "description": "UN document symbol, normalised (no 'UN Doc.' prefix, upper case, e.g. S/2023/36); empty if not a UN document.",
             "constraints": {"pattern": r"^[A-Z]+(/[A-Z0-9.]+)+$"}},
            {"name": "url", "type": "string", "description": "URL exactly as the note gives it; empty if none.",
             "constraints": {"pattern": r"^https?://\S+$"}},
            {"name": "language", "type": "string", "description": "ISO 639-1 language of the title.",
             "constraints": {"required": True, "pattern": r"^[a-z]{2}$"}},
        ],
        "primary_key": ["work_id"],
        "label_column": "title",
        "sort": "work_id",
        "facets": ["work_type"],
    },
    {
        "name": "citations",
        "title": "Footnote citations",
        "description": (
            "One row per work cited in a footnote (a footnote citing two works gives two rows); a "
            "footnote that cites no work is one row without a work. Each row carries the body "
            "sentence that bears the footnote's marker."
        ),
        "fields": [
            {"name": "citation_id", "type": "string",
             "description": "Stable id: document id, 'fn', two-digit footnote number, order within the footnote (ipi-2023-minusma-fn01-1).",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            "document_id",
            {"name": "footnote_number", "type": "integer", "description": "Number of the footnote.",
             "constraints": {"required": True, "minimum": 1}, "footnote_of": "document_id"},
            {"name": "position", "type": "integer", "description": "Order of this citation within its footnote, from 1.",
             "constraints": {"required": True, "minimum": 1}},
            {"name": "citation_role", "type": "string", "description": "What the footnote does.",
             "constraints": {"required": True}, "references": "citation_roles.code"},
            {"name": "work_id", "type": "string", "description": "The work cited; empty for an explanatory note.",
             "references": "works.work_id"},
            {"name": "pinpoint", "type": "string",
             "description": "Part of the work cited, as written ('para. 6', 'paras. 65–81'); empty if none."},
            {**SHARED_FIELDS["paragraph_id"], "name": "paragraph_id",
             "description": "The footnote's own paragraph.",
             "footnote_paragraph_of": "footnote_number", "referenced_row": of_kind(["footnote"])},
            {**SHARED_FIELDS["quote"], "name": "quote",
             "description": "The part of the footnote for this citation, verbatim (for an explanatory note, its text)."},
            {"name": "citing_paragraph_id", "type": "string",
             "description": "The body paragraph carrying the footnote marker.",
             "constraints": {"required": True}, "references": "paragraphs.paragraph_id", "carries_marker_of": "footnote_number",
             "referenced_row": of_kind(NOTE_TEXT)},
            {"name": "citing_sentence", "type": "string",
             "description": "The sentence carrying the marker, verbatim from the citing paragraph, marker included.",
             "constraints": {"required": True}, "verbatim_in": "citing_paragraph_id",
             "carries_marker_of": "footnote_number"},
        ],
        "primary_key": ["citation_id"],
        "label_column": "citation_id",
        "sort": "citation_id",
        "facets": ["citation_role"],
    },
    {
        "name": "events",
        "title": "Events",
        "description": "Dated events a note mentions: reports, meetings, attacks, decisions, elections announced.",
        "fields": [
            {"name": "event_id", "type": "string",
             "description": "Stable id: document id, 'evt', three-digit number. Never reused.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            "document_id",
            {**SHARED_FIELDS["paragraph_id"], "name": "paragraph_id", "referenced_row": of_kind(NOTE_TEXT_OR_FOOTNOTE)},
            "quote",
            {"name": "event_type", "type": "string", "description": "Kind of event.",
             "constraints": {"required": True}, "references": "event_types.code"},
            {"name": "description", "type": "string", "description": "What happened, in our own words.",
             "constraints": {"required": True}},
            {"name": "date", "type": "string",
             "description": "Date (or first day) of the event, as precise as the note gives it (ISO 8601: 2023, 2023-03, 2023-03-01); empty when the note gives no year (date_as_written keeps what it gives).",
             "constraints": {"pattern": ISO_PARTIAL_DATE}},
            {"name": "date_end", "type": "string",
             "description": "Last day of an event spanning several days, as precise as the note gives it; empty otherwise.",
             "constraints": {"pattern": ISO_PARTIAL_DATE}, "not_before": "date"},
            {"name": "date_as_written", "type": "string", "description": "The date exactly as the note writes it; occurs in the quote.",
             "constraints": {"required": True}, "verbatim_in": "quote"},
            {"name": "is_planned", "type": "boolean",
             "description": "True when the note speaks of the event as expected or planned, not as having happened.",
             "constraints": {"required": True}},
            {"name": "location", "type": "string", "description": "Place of the event as the note gives it; empty if none."},
            {"name": "actor_id", "type": "string", "description": "Main actor of the event; empty if none.",
             "references": "actors.actor_id"},
            "notes",
        ],
        "primary_key": ["event_id"],
        "label_column": "description",
        "sort": "date",
        "facets": ["event_type"],
        "fts": ["quote", "description"],
    },
    {
        "name": "series_notes",
        "title": "Every known note of the series",
        "description": (
            "Each meeting note of the series known to exist, coded or not, with where its publishers "
            "put it and whether it is in the dataset: what is covered, and what to add next."
        ),
        "fields": [
            {"name": "note_id", "type": "string",
             "description": "Stable id: mission (lower case) and the year of the workshop.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            {"name": "mission", "type": "string",
             "description": "The peace operation the workshop discussed, or 'cross-mission' for a summary across missions.",
             "constraints": {"required": True}},
            {"name": "workshop_date", "type": "date", "description": "Date the workshop was held.",
             "constraints": {"required": True}},
            {"name": "publisher_url", "type": "string", "description": "Where the note was published.",
             "constraints": {"required": True, "pattern": r"^https://\S+$"}},
            {"name": "found_as", "type": "string",
             "description": "What the catalogue found at the address (a publisher's page opening, the full text).",
             "constraints": {"required": True}},
            {"name": "coding_status", "type": "string",
             "description": "'coded' when the note is a document of the dataset, 'not_coded' otherwise.",
             "constraints": {"required": True, "enum": ["coded", "not_coded"]}},
            {"name": "document_id", "type": "string",
             "description": "The note as a document of the dataset; empty until coded.",
             "references": "documents.document_id",
             "covers": {"where": {"kind": "meeting_note"},
                        "rule": "note not listed in series_notes (its row there: coding_status coded, this document_id)"},
             "required_when": {"when": {"coding_status": "coded"}, "rule": "required when coding_status is coded"},
             "empty_when": {"when": {"coding_status": "not_coded"},
                            "rule": "must be empty when coding_status is not_coded"}},
            {"name": "url_checked", "type": "boolean",
             "description": "True when the address was opened and found to be the note when this row was last edited.",
             "constraints": {"required": True}},
            *council_side("mandate_in_force", "the resolution whose mandate was in force on the workshop date (the "
                          "mission's last mandate decision adopted on or before it)"),
            *council_side("decision", "the Council's next mandate decision on the mission after the workshop"),
            {"name": "council_notes", "type": "string",
             "description": ("What the row says of its Council side, in our own words: a resolution adopted before 2020 "
                             "(named by symbol, no text in the dataset), a technical extension, a symbol left empty "
                             "and why.")},
            "notes",
        ],
        "primary_key": ["note_id"],
        "label_column": "note_id",
        "sort": "workshop_date",
        "facets": ["mission", "coding_status"],
    },
    {
        "name": "retired_ids",
        "title": "Retired and merged ids",
        "description": "Every id removed from a table in a release, with what replaced it and why. Ids are never reused.",
        "fields": [
            {"name": "retired_id", "type": "string", "description": "The id no longer in use.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            {"name": "table_name", "type": "string", "description": "Table the id belonged to.",
             "constraints": {"required": True, "pattern": CODE_PATTERN}},
            {"name": "replaced_by", "type": "string", "description": "Id that replaces it; empty if none.",
             "constraints": {"pattern": ID_PATTERN}},
            {"name": "retired_in_version", "type": "string", "description": "Dataset version that first lacks the id.",
             "constraints": {"required": True, "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+$"}},
            {"name": "reason", "type": "string", "description": "Why it was retired.", "constraints": {"required": True}},
        ],
        "primary_key": ["retired_id"],
        "sort": "retired_id",
    },
]

# The Council's side: recommendations linked to the resolutions before and after the workshop.
# PEMA's arms-embargo task only where the text itself speaks of an embargo: a sanctions regime,
# committee or panel of experts named without one is another matter (coding rules, mandate tasks).
ARMS_EMBARGO_WORDING = {"code": "arms_embargo", "pattern": r"\bembargo",
                        "rule": "arms_embargo needs the word 'embargo' in the paragraph or the one that introduces it"}
LINKED_RELATIONS = ["keep", "strengthen", "change", "add", "end"]
ANSWERED_OUTCOMES = ["adopted", "partly_adopted", "contrary", "overtaken"]


def resolution_anchor(table_title: str, note_column: str, required: dict, empty: dict) -> list[dict]:
    """document_id, paragraph_id and quote of a row anchored in a resolution's paragraph; the
    resolution is the one the recommendation's note names in documents.NOTE_COLUMN."""
    return [
        {"name": "document_id", "type": "string",
         "description": f"The resolution: {table_title}, as the note's documents.{note_column} names it.",
         "constraints": {"required": True}, "references": "documents.document_id",
         "equals_via": {"path": f"recommendation_id.document_id.{note_column}",
                        "rule": f"not the resolution the recommendation's note names as {note_column}"}},
        {"name": "paragraph_id", "type": "string",
         "description": "The resolution's paragraph.",
         "references": "paragraphs.paragraph_id", "in_document_of": "document_id",
         "referenced_row": of_kind(RESOLUTION_TEXT), "required_when": required, "empty_when": empty},
        {"name": "quote", "type": "string",
         "description": "The words of the resolution's paragraph that bear on the matter, verbatim.",
         "verbatim_in": "paragraph_id",
         "required_when": {"when": {"paragraph_id": ANY}, "rule": "required when paragraph_id is filled"},
         "empty_when": {"when": {"paragraph_id": ""}, "rule": "must be empty when paragraph_id is empty"}},
    ]


def recommendation_field(covers: dict, **meanings) -> dict:
    return {"name": "recommendation_id", "type": "string",
            "description": "The recommendation.",
            "constraints": {"required": True}, "references": "recommendations.recommendation_id", "covers": covers, **meanings}


def answering_table(name: str, title: str, description: str, *, key: str, id_infix: str, note_column: str,
                    resolution: str, covers: dict, code: str, codes: str, code_description: str,
                    without_paragraph: str, linked: list[str], reason: str, code_meanings: dict | None = None) -> dict:
    """A table pairing each recommendation with paragraphs of a resolution its note names (or with
    none, under the code `without_paragraph` and a reason) and a code for what it asked or got."""
    code_meanings = code_meanings or {}
    return {
        "name": name,
        "title": title,
        "description": description,
        "fields": [
            {"name": key, "type": "string",
             "description": f"Stable id: the note's document id, '{id_infix}', three-digit number. Never reused.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            recommendation_field(covers),
            *resolution_anchor(
                resolution, note_column,
                {"when": {code: linked}, "rule": f"required unless {code} is {without_paragraph}"},
                {"when": {code: without_paragraph}, "rule": f"must be empty when {code} is {without_paragraph}"}),
            {"name": code, "type": "string", "description": f"{code_description}.",
             "constraints": {"required": True}, "references": f"{codes}.code", **code_meanings},
            {"name": "reason", "type": "string", "description": reason,
             "required_when": {"when": {code: without_paragraph},
                               "rule": f"required when {code} is {without_paragraph}"}},
            "notes",
        ],
        "primary_key": [key],
        "label_column": "recommendation_id",
        "sort": key,
        "facets": [code],
    }


COUNCIL_TABLES = [
    answering_table(
        "mandate_links", "Recommendations and the mandate in force",
        "For each recommendation, the paragraph(s) of the resolution whose mandate was in force when the "
        "workshop met that govern its matter, and what it asked relative to them; or no provision, with the reason.",
        key="mandate_link_id", id_infix="ml", note_column="mandate_in_force_id",
        resolution="the mandate in force when the workshop met",
        covers={"where": {"document_id.mandate_in_force_id": ANY}, "rule": "recommendation without a mandate link"},
        code="relation", codes="mandate_relations",
        code_description="What the recommendation asked relative to the paragraph",
        without_paragraph="no_provision", linked=LINKED_RELATIONS,
        reason="Why no paragraph governs the matter, in our own words."),
    answering_table(
        "recommendation_outcomes", "What the Council then decided",
        "For each recommendation addressed to the Security Council, the paragraph(s) of the resolution it "
        "adopted next that answer it and the outcome; or not taken up, with the reason.",
        key="outcome_id", id_infix="out", note_column="decision_id",
        resolution="the first the Council adopted on the mandate after the workshop",
        covers={"where": {"addressee_actor_id": "un-security-council", "document_id.decision_id": ANY},
                "rule": "recommendation to the Security Council without an outcome"},
        code="outcome", codes="outcome_types",
        code_description="What the resolution did with the recommendation",
        without_paragraph="not_taken_up", linked=ANSWERED_OUTCOMES,
        reason="Why no paragraph answers it, in our own words.",
        # Asks of the same substance (the same clause of the mandate in force, asked the same way)
        # get one outcome from one paragraph (coding rules, outcomes 2).
        code_meanings={"same_code_for_same_substance": {
            "per": "paragraph_id", "unit": "recommendation_id",
            "substance": {"table": "mandate_links", "unit": "recommendation_id", "paragraph": "paragraph_id",
                          "quote": "quote", "code": "relation"},
            "rule": "another outcome from this paragraph for an ask of the same substance"}}),
    {
        "name": "recommendation_tasks",
        "title": "Mandate tasks of recommendations",
        "description": "The PEMA task categories each recommendation's matter falls under.",
        "fields": [
            recommendation_field({"where": {"document_id.mandate_in_force_id": ANY},
                                  "rule": "recommendation without a mandate task"}),
            {"name": "task", "type": "string", "description": "A task category.",
             "constraints": {"required": True}, "references": "mandate_tasks.code",
             "sole_code": {"code": "no_pema_task", "per": "recommendation_id"},
             "code_needs_wording": {**ARMS_EMBARGO_WORDING, "paragraph": "recommendation_id.paragraph_id"}},
        ],
        "primary_key": ["recommendation_id", "task"],
        "sort": "recommendation_id",
        "facets": ["task"],
    },
    {
        "name": "paragraph_tasks",
        "title": "Mandate tasks of resolution paragraphs",
        "description": "The PEMA task categories each operative paragraph of a resolution falls under.",
        "fields": [
            {"name": "paragraph_id", "type": "string",
             "description": "An operative paragraph of a resolution.",
             "constraints": {"required": True}, "references": "paragraphs.paragraph_id",
             "referenced_row": {"where": {"kind": "operative"}, "rule": "not an operative paragraph"},
             "covers": {"where": {"kind": "operative"}, "rule": "operative paragraph without a mandate task"}},
            {"name": "task", "type": "string", "description": "A task category.",
             "constraints": {"required": True}, "references": "mandate_tasks.code",
             "sole_code": {"code": "no_pema_task", "per": "paragraph_id"},
             "code_needs_wording": {**ARMS_EMBARGO_WORDING, "paragraph": "paragraph_id"}},
            {"name": "inherited_from", "type": "string",
             "description": ("For a paragraph whose text is identical (whitespace aside) to a coded paragraph of the same "
                             "mission, that paragraph: the codes are inherited from it, not coded again. Empty for a "
                             "paragraph coded on its own text."),
             "references": "paragraphs.paragraph_id",
             "inherits": {"unit": "paragraph_id", "code": "task",
                          "rule": "an inherited paragraph has exactly the codes of the identical paragraph it names"}},
            "notes",
        ],
        "primary_key": ["paragraph_id", "task"],
        "sort": "paragraph_id",
        "facets": ["task"],
    },
]

CONTENT_TABLES += COUNCIL_TABLES

# Mandate evolution and priority as written (mandate_notes/changes.py and tiers.py say how they are made).
MANDATE_TABLES = [
    {
        "name": "paragraph_changes",
        "title": "Mandate evolution, paragraph by paragraph",
        "description": (
            "Each operative paragraph of a resolution aligned with its counterpart in the mission's previous "
            "mandate (the latest earlier resolution of the mission that is not a technical extension), and each "
            "paragraph of that mandate left without one; made by scripts/make_paragraphs.py, with the coders' "
            "review of the pairs near the threshold (each resolution's coding/alignment_review.csv). The codebook "
            "gives the method and the threshold. A mission's first resolution in the dataset has no rows."
        ),
        "generated": True,
        "fields": [
            {"name": "change_id", "type": "string",
             "description": "The resolution's document id, 'c', and a three-digit number: its paragraphs in reading order, then those of the previous mandate left without a counterpart.",
             "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}},
            {"name": "document_id", "type": "string", "description": "The resolution whose paragraphs are compared.",
             "constraints": {"required": True}, "references": "resolutions.document_id"},
            {"name": "previous_document_id", "type": "string", "description": "The mission's previous mandate it is compared with.",
             "constraints": {"required": True}, "references": "resolutions.document_id"},
            {"name": "paragraph_id", "type": "string",
             "description": "The resolution's operative paragraph; empty for a paragraph of the previous mandate without a counterpart.",
             "references": "paragraphs.paragraph_id", "in_document_of": "document_id",
             "referenced_row": {"where": {"kind": "operative"}, "rule": "not an operative paragraph"},
             "empty_when": {"when": {"change": ["dropped", "kept_by_reference"]}, "rule": "must be empty for a paragraph of the previous mandate alone"},
             "required_when": {"when": {"change": ["unchanged", "amended", "new"]}, "rule": "required for a paragraph of the resolution"}},
            {"name": "previous_paragraph_id", "type": "string",
             "description": "Its counterpart in the previous mandate; empty for a new paragraph.",
             "references": "paragraphs.paragraph_id", "in_document_of": "previous_document_id",
             "referenced_row": {"where": {"kind": "operative"}, "rule": "not an operative paragraph"},
             "empty_when": {"when": {"change": "new"}, "rule": "must be empty for a new paragraph"},
             "required_when": {"when": {"change": ["unchanged", "amended", "dropped", "kept_by_reference"]},
                               "rule": "required unless the paragraph is new"}},
            {"name": "change", "type": "string", "description": "What became of the paragraph.",
             "constraints": {"required": True}, "references": "change_types.code"},
            {"name": "similarity", "type": "number",
             "description": "Share of the two texts' words matched in order (0 to 1; 1 for unchanged); empty where there is no pair.",
             "constraints": {"minimum": 0, "maximum": 1},
             "required_when": {"when": {"change": ["unchanged", "amended"]}, "rule": "required for a pair"}},
            {"name": "reviewed", "type": "boolean",
             "description": "True when a coder reviewed the pair (every amended pair near the threshold is).",
             "constraints": {"required": True}},
            {"name": "review_reason", "type": "string",
             "description": "The coder's reason for the class, in our own words; empty unless reviewed.",
             "required_when": {"when": {"reviewed": "true"}, "rule": "required when reviewed"},
             "empty_when": {"when": {"reviewed": "false"}, "rule": "must be empty unless reviewed"}},
        ],
        "primary_key": ["change_id"],
        "label_column": "change_id",
        "sort": "change_id",
        "facets": ["change", "document_id"],
    },
    {
        "name": "paragraph_tiers",
        "title": "Priority as written",
        "description": (
            "Each operative paragraph's place in its mandate's own structure: derived from the resolution's "
            "headings and wording by the rules in mandate_notes/tiers.py (the codebook lists them), then checked "
            "paragraph by paragraph by a coder (each resolution's coding/tier_check.csv); the coder's tier is the "
            "one given. Made by scripts/make_paragraphs.py."
        ),
        "generated": True,
        "fields": [
            {"name": "paragraph_id", "type": "string", "description": "The operative paragraph.",
             "constraints": {"required": True, "unique": True}, "references": "paragraphs.paragraph_id",
             "in_document_of": "document_id",
             "referenced_row": {"where": {"kind": "operative"}, "rule": "not an operative paragraph"}},
            {"name": "document_id", "type": "string", "description": "Its resolution.",
             "constraints": {"required": True}, "references": "resolutions.document_id"},
            {"name": "tier", "type": "string", "description": "Its tier: the coder's where checked, else the derived one.",
             "constraints": {"required": True}, "references": "priority_tiers.code"},
            {"name": "derived_tier", "type": "string", "description": "The tier the rules give.",
             "constraints": {"required": True}, "references": "priority_tiers.code"},
            {"name": "rule", "type": "string",
             "description": "The rule that gave the derived tier: strategic, other_list, priority_list, task_list, frame, to_mission or other (mandate_notes/tiers.py).",
             "constraints": {"required": True, "enum": ["strategic", "other_list", "priority_list", "task_list", "frame", "to_mission", "other"]}},
            {"name": "checked", "type": "boolean", "description": "True when a coder checked the paragraph's tier.",
             "constraints": {"required": True}},
            {"name": "check_reason", "type": "string",
             "description": "The coder's reason, in our own words, where the coder's tier differs from the derived one; empty otherwise."},
        ],
        "primary_key": ["paragraph_id"],
        "label_column": "paragraph_id",
        "sort": "paragraph_id",
        "facets": ["tier", "rule"],
    },
]

CONTENT_TABLES += MANDATE_TABLES

PEMA = ("Di Salvatore, Lundgren, Oksamytna and Smidt, 'Introducing the Peacekeeping Mandates (PEMA) Dataset', "
        "Journal of Conflict Resolution 66 (4-5), 2022, doi:10.1177/00220027211068897")

CODE_LISTS = [
    code_list("paragraph_kinds", "Kinds of paragraph",
              "How scripts/make_paragraphs.py classifies each block of a note or part of a resolution."),
    code_list("document_kinds", "Kinds of document", "What a document of the dataset is."),
    code_list("votes", "Votes", "How a Council member voted on a resolution."),
    code_list("themes", "Themes", "Subject areas of recommendations."),
    code_list("support_levels", "Support levels",
              "How widely participants backed a view, from the note's attribution phrase, widest first; "
              "'unattributed' is off the scale (no speaker is named, so the breadth is unknown).", ranked=True),
    code_list("priority_signals", "Priority and sequencing signals", "Priority or timing the note attaches to a recommendation."),
    code_list("actor_types", "Actor types", "Kinds of actor."),
    code_list("relation_types", "Relation types", "Kinds of relation between actors."),
    code_list("document_roles", "Document roles", "Roles an actor plays for a note."),
    code_list("units", "Units", "Units of statistics."),
    code_list("comparators", "Comparators", "Whether a figure is exact, approximate or a bound."),
    code_list("work_types", "Work types", "Kinds of cited work."),
    code_list("citation_roles", "Citation roles", "What a footnote citation does."),
    code_list("event_types", "Event types", "Kinds of dated event."),
    code_list("mandate_relations", "Relations to the mandate in force",
              "What a recommendation asked relative to a paragraph of the mandate in force."),
    code_list("outcome_types", "Outcomes", "What the Council's next resolution did with a recommendation."),
    code_list("missions", "Missions",
              "The peace operations and special political missions whose mandates the series discusses, as the "
              "Council's resolutions name them; dates are those of the Council's decisions (see each column).",
              extra=[{"name": "full_name", "type": "string", "description": "The mission's full name, as the Council's resolutions give it.",
                      "constraints": {"required": True, "unique": True}},
                     {"name": "operation_type", "type": "string",
                      "description": "peacekeeping_operation, or special_political_mission (a political mission without troops).",
                      "constraints": {"required": True, "enum": ["peacekeeping_operation", "special_political_mission"]}},
                     {"name": "host_country_iso3", "type": "string",
                      "description": "ISO 3166-1 alpha-3 code of the country the mission serves in.",
                      "constraints": {"required": True, "pattern": r"^[A-Z]{3}$"}},
                     {"name": "established", "type": "date",
                      "description": "Date the Security Council adopted the resolution that established the mission (established_by).",
                      "constraints": {"required": True}},
                     {"name": "established_by", "type": "string",
                      "description": "Symbol of that resolution, e.g. S/RES/2100 (2013).",
                      "constraints": {"required": True, "pattern": SYMBOL_PATTERN}},
                     {"name": "ended", "type": "date",
                      "description": "The day the mission's mandate ended, as the resolution that ended it states (ended_by); empty while the mission goes on.",
                      "required_when": {"when": {"ended_by": ANY}, "rule": "required when ended_by is filled"}},
                     {"name": "ended_by", "type": "string",
                      "description": "Symbol of the resolution that ended the mandate; empty while the mission goes on.",
                      "constraints": {"pattern": SYMBOL_PATTERN},
                      "required_when": {"when": {"ended": ANY}, "rule": "required when ended is filled"}},
                     {"name": "actor_id", "type": "string",
                      "description": "The mission as an actor of the coded notes; empty until a coded note names it.",
                      "references": "actors.actor_id"}]),
    code_list("change_types", "Changes between mandates",
              "What became of an operative paragraph from one mandate of a mission to the next (paragraph_changes)."),
    code_list("priority_tiers", "Priority as written",
              "Where an operative paragraph stands in its mandate's own structure, highest first.",
              ranked="Position in the mandate's structure; 1 is its strategic priority."),
    code_list("mandate_tasks", "Mandate tasks",
              f"The task categories of the PEMA dataset ({PEMA}), with our own definitions.",
              extra=[{"name": "pema_variable", "type": "string",
                      "description": "The name PEMA's columns for this task begin with; empty for no_pema_task.",
                      "constraints": {"unique": True, "pattern": r"^[A-Za-z]+$"}}]),
]

# The checked model (schemas/classes.py): from here on every table is a Table object, made from
# the dicts above when this module is imported; a key the model does not know, or a column or table
# that does not exist, stops the import with the table and field named. Every other module reads
# these objects, never the dicts.
TABLES = checked_tables(CONTENT_TABLES + CODE_LISTS, SHARED_FIELDS)
_BY_NAME = {spec.name: spec for spec in TABLES}
CONTENT_TABLES = [_BY_NAME[spec["name"]] for spec in CONTENT_TABLES]
COUNCIL_TABLES = [_BY_NAME[spec["name"]] for spec in COUNCIL_TABLES]
MANDATE_TABLES = [_BY_NAME[spec["name"]] for spec in MANDATE_TABLES]
CODE_LISTS = [_BY_NAME[spec["name"]] for spec in CODE_LISTS]
CODE_LIST_NAMES = {spec.name for spec in CODE_LISTS}


def table(name: str) -> Table:
    """The table of that name."""
    return _BY_NAME[name]
