"""Priority as written: each operative paragraph's place in its mandate's own structure (the
paragraph_tiers table), derived from the resolution's headings and wording and checked by a coder.

A paragraph's tier is derived from the first rule that applies, in this order (RULES names them):

1. `strategic`: its paragraph (or the paragraph whose list it belongs to) decides or reaffirms the
   mission's strategic priority or objective ("Decides that MINUSMA's strategic priority is ...").
2. `other_list`: it is in, or introduces, a list the resolution calls other, additional or secondary
   tasks, or that a "Further authorizes …" paragraph opens (tasks beside the priority ones).
3. `priority_list`: it is in, or introduces, a list the resolution calls priority tasks or priorities, or
   it stands under a heading that does.
4. `task_list`: it is in, or introduces, a list of the mission's tasks that ranks none: a decision or
   authorisation naming the mission or its mandate and ending with a colon ("Decides that the mandate of
   UNMISS shall be as follows …:", UNSMIL's "… to exercise mediation and through its good offices to:").
5. `frame`: a decision, or a text naming the mission, that sets the mandate's terms: its extension,
   the mission's size, the authorisation to use all necessary means, or rules for all its tasks (a
   cross-cutting consideration, the zero-tolerance and human rights due diligence policies).
6. `to_mission`: it asks the mission itself to act ("Requests MINUSCA to …").
7. `other`: anything else, in its own words or as an item of its paragraph's list: what the Council asks
   of or says to the host authorities, the parties, member states or the Secretary-General, and its own
   statements (welcoming, condemning, remaining seized).

Tiers by rule: strategic → strategic_priority; priority_list → priority_task; other_list, task_list and
to_mission → other_task; frame → general_principle; other → not_mission_task.

A coder checks every paragraph; the check is in each resolution's coding/tier_check.csv (paragraph_id,
tier, reason; a reason wherever the coder's tier differs from the derived one), and the coder's tier is
the one published.
"""

from __future__ import annotations

import re
from pathlib import Path

from mandate_notes.csvio import Problem, read_dicts
from mandate_notes.documents import RESOLUTION, coding_rows, discover

CHECK_FILE = "tier_check.csv"
CHECK_COLUMNS = ["paragraph_id", "tier", "reason"]
TIER_OF_RULE = {"strategic": "strategic_priority", "priority_list": "priority_task", "other_list": "other_task",
                "task_list": "other_task", "to_mission": "other_task", "frame": "general_principle",
                "other": "not_mission_task"}
TIERS = ("strategic_priority", "priority_task", "other_task", "general_principle", "not_mission_task")

STRATEGIC = re.compile(r"^(Decides|Further decides|Reaffirms|Reiterates|Affirms)\b.*\bstrategic (priorit|objective)",
                       re.IGNORECASE)
DECIDES = re.compile(r"^(Decides|Further decides|Authori[sz]es|Further authori[sz]es)\b", re.IGNORECASE)
OTHER_LIST = re.compile(r"\b(other|additional|secondary) tasks\b|^Further authori[sz]es\b.*\bfollowing\b", re.IGNORECASE)
PRIORITY_LIST = re.compile(r"\bpriority tasks\b|\bpriorities\b", re.IGNORECASE)
FRAME = re.compile(
    r"\b(extend|renew)s?\b.{0,60}\bmandate\b|\bmandate\b.{0,60}\bextend|\b(comprise|consist)\b|\bceiling\b|"
    r"\ball necessary (means|measures|action)\b|\bcross-cutting\b|\bzero[- ]tolerance\b|\bHRDDP\b|"
    r"Human Rights Due Diligence", re.IGNORECASE)


def task_list(intro: str, acronym: str) -> bool:
    """An introduction of a list of the mission's tasks: a decision or authorisation naming the mission
    or its mandate, ending with a colon."""
    return intro.rstrip().endswith(":") and bool(DECIDES.match(intro)) and \
        bool(re.search(rf"\b({acronym}|the Mission|mandate)\b", intro))


def about_mission(text: str, acronym: str) -> bool:
    return bool(re.search(rf"\b({acronym}|the Mission)\b", text)) or text.startswith(("Requests the Secretary-General",))


def to_mission(text: str, acronym: str) -> bool:
    return bool(re.match(rf"^(\w+\s+){{0,3}}?(requests|calls (up)?on|urges|encourages|authori[sz]es|directs|tasks|"
                         rf"decides that|underlines that|stresses that|further requests|also requests)\s+"
                         rf"(the Secretary-General and )?({acronym}|the Mission)\b", text, re.IGNORECASE))


def derive(rows: list[dict], acronym: str) -> list[tuple[str, str]]:
    """(rule, tier) for each operative paragraph of one resolution, in reading order."""
    derived = []
    intro_of: dict[str, str] = {}
    for row in rows:
        if row["kind"] != "operative":
            continue
        top = row["number"].split(" ")[0]
        intro = intro_of.setdefault(top, row["text"])
        is_item = intro is not row["text"] or row["number"] != top
        listed = is_item or row["text"].rstrip().endswith(":")
        section = row["section"]
        if STRATEGIC.search(intro):
            rule = "strategic"
        elif listed and OTHER_LIST.search(intro) or re.search(r"\b(other|additional|secondary) tasks\b", section, re.I):
            rule = "other_list"
        elif listed and PRIORITY_LIST.search(intro) or re.search(r"\bpriority tasks\b", section, re.IGNORECASE):
            rule = "priority_list"
        elif listed and task_list(intro, acronym) and to_mission_or_mandate(intro, acronym):
            rule = "task_list"
        elif FRAME.search(row["text"]) and not is_item and (DECIDES.match(row["text"]) or about_mission(row["text"], acronym)):
            rule = "frame"
        elif to_mission(row["text"], acronym) or is_item and to_mission(intro, acronym):
            rule = "to_mission"
        else:
            rule = "other"
        derived.append((rule, TIER_OF_RULE[rule]))
    return derived


def to_mission_or_mandate(intro: str, acronym: str) -> bool:
    return bool(re.search(rf"\bmandate of {acronym}\b|\b{acronym}('s|’s)? mandate\b|\bmandate\b.*\b(to|as follows)\b|"
                          rf"\b{acronym}\b.*\b(to|following)\b", intro))


def checks(root: Path) -> dict[str, dict]:
    """The coder's check of each paragraph, by paragraph id; each row knows its file and line."""
    return {row["paragraph_id"]: row for row in coding_rows(root, CHECK_FILE)}


def tier_rows(root: Path, paragraph_rows: list[dict]) -> list[dict]:
    """The rows of the paragraph_tiers table: the derived tier, the coder's, and the one published."""
    by_document: dict[str, list[dict]] = {}
    for row in paragraph_rows:
        by_document.setdefault(row["document_id"], []).append(row)
    checked = checks(root)
    rows = []
    for document in discover(root, RESOLUTION):
        paragraphs = [row for row in by_document.get(document.document_id, []) if row["kind"] == "operative"]
        for row, (rule, tier) in zip(paragraphs, derive(paragraphs, document.meta["mission"].upper())):
            check = checked.get(row["paragraph_id"])
            rows.append({"paragraph_id": row["paragraph_id"], "document_id": document.document_id,
                         "tier": check["tier"] if check else tier, "derived_tier": tier, "rule": rule,
                         "checked": "true" if check else "false", "check_reason": check["reason"] if check else ""})
    return rows


def check_problems(root: Path, rows: list[dict]) -> list[Problem]:
    """Each check names a paragraph with a tier, a known tier, and a reason where it overrides the rule."""
    problems = []
    derived = {row["paragraph_id"]: row["derived_tier"] for row in rows}
    for paragraph_id, check in checks(root).items():
        where = (check["_file"], check["_line"])
        if paragraph_id not in derived:
            problems.append(Problem(*where, "paragraph_id", "not an operative paragraph of a resolution", paragraph_id))
        elif check["tier"] not in TIERS:
            problems.append(Problem(*where, "tier", f"one of {', '.join(TIERS)} expected", check["tier"]))
        elif check["tier"] != derived[paragraph_id] and not check["reason"].strip():
            problems.append(Problem(*where, "reason", "a tier other than the derived one needs its reason", check["tier"]))
    return problems


def gate_problems(root: Path) -> list[Problem]:
    """check_problems over the published paragraph_tiers."""
    from mandate_notes.model import csv_path
    from mandate_notes.paths import DATA_DIR

    if not (root / "sources").is_dir():
        return []
    return check_problems(root, read_dicts(csv_path(root / DATA_DIR, "paragraph_tiers")))
