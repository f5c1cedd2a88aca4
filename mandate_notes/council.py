"""Each catalogue note tied to its Council side: the mandate in force on its workshop date and the
Council's next mandate decision after it (the series_notes columns mandate_in_force_* and decision_*).

Which resolutions they are follows from the dates. The dataset holds every resolution that set,
extended or ended the mandate of the series' missions from COVERED_FROM on, so for a note on a mission:

- the mandate in force is the mission's last resolution adopted on or before the workshop date: a
  document of the dataset if there is one, otherwise a resolution adopted before COVERED_FROM, named by
  symbol and date (checked here only for its date);
- the decision is the mission's first resolution adopted after the workshop date: a document of the
  dataset when adopted from COVERED_FROM on; a decision adopted on or before the workshop is refused.

A row that names a document gives that resolution's symbol and date; a coded note's documents row names
the same two resolutions.
"""

from __future__ import annotations

from mandate_notes.csvio import Problem, Table

COVERED_FROM = "2020-01-01"
NO_MISSION = "cross-mission"
SIDES = ("mandate_in_force", "decision")


def _missions(resolutions: Table, documents: Table) -> dict[str, list[tuple[str, str, str]]]:
    """(adopted, document_id, symbol) of each mission's resolutions, in adoption order."""
    mission_of = dict(zip(documents.frame["document_id"], documents.frame["mission"]))
    found: dict[str, list] = {}
    frame = resolutions.frame
    for document_id, adopted, symbol in zip(frame["document_id"], frame["adoption_date"], frame["symbol"]):
        found.setdefault(mission_of.get(document_id, ""), []).append((adopted, document_id, symbol))
    return {mission: sorted(rows) for mission, rows in found.items()}


def expected(rows: list[tuple[str, str, str]], workshop: str) -> dict[str, tuple[str, str, str] | None]:
    """The dataset's resolution on each side of the workshop date, or None."""
    before = [row for row in rows if row[0] <= workshop]
    after = [row for row in rows if row[0] > workshop]
    return {"mandate_in_force": before[-1] if before else None, "decision": after[0] if after else None}


def series_problems(tables: dict[str, Table]) -> list[Problem]:
    notes, resolutions, documents = (tables.get(name) for name in ("series_notes", "resolutions", "documents"))
    if notes is None or resolutions is None or documents is None:
        return []
    by_mission = _missions(resolutions, documents)
    by_id = {document_id: (adopted, document_id, symbol) for rows in by_mission.values()
             for adopted, document_id, symbol in rows}
    council_of = {row["document_id"]: (row["mandate_in_force_id"], row["decision_id"])
                  for row in documents.frame.to_dict("records")}
    problems = []
    for index, row in enumerate(notes.frame.to_dict("records")):
        line = notes.line(index)

        def problem(column: str, rule: str, value: str, line: int = line) -> None:
            problems.append(Problem(notes.file, line, column, rule, value))

        if row["mission"] == NO_MISSION:
            for side in SIDES:
                for column in (f"{side}_symbol", f"{side}_adopted", f"{side}_id"):
                    if row[column]:
                        problem(column, "must be empty for a summary across missions", row[column])
            continue
        workshop = row["workshop_date"]
        wanted = expected(by_mission.get(row["mission"].lower(), []), workshop)
        for side in SIDES:
            symbol, adopted, document_id = row[f"{side}_symbol"], row[f"{side}_adopted"], row[f"{side}_id"]
            if not adopted:
                # Known once the dataset holds a resolution of the mission after the workshop.
                if wanted["decision"] is not None:
                    problem(f"{side}_adopted", "required for a note on a mission the dataset holds resolutions of", "")
                continue
            if side == "mandate_in_force" and adopted > workshop:
                problem(f"{side}_adopted", f"adopted after the workshop ({workshop})", adopted)
            if side == "decision" and adopted <= workshop:
                problem(f"{side}_adopted", f"a decision adopted on or before the workshop ({workshop}) is refused", adopted)
            if document_id in by_id and (by_id[document_id][0], by_id[document_id][2]) != (adopted, symbol):
                problem(f"{side}_id", "symbol and adoption date are not those of the resolution it names", document_id)
            derived = wanted[side]
            in_dataset = adopted >= COVERED_FROM or (side == "mandate_in_force" and derived is not None)
            should_be = derived if derived is not None and in_dataset else None
            # Compared by date: a mission's resolutions have one date each (the scaled packages of the
            # benchmark copy a resolution under other ids, with its date).
            named = by_id.get(document_id)
            if (named[0] if named else None) != (should_be[0] if should_be else None) or bool(document_id) != bool(should_be):
                problem(f"{side}_id", f"the dates give {should_be[1] if should_be else 'a resolution adopted before ' + COVERED_FROM}",
                        document_id)
            if not symbol and not row["council_notes"]:
                problem(f"{side}_symbol", "empty without a word in council_notes", "")
        # A row that names its resolutions names those of its coded note's document.toml (a row that names
        # none leaves the note's own dates to the rules on documents).
        named = (row["mandate_in_force_id"], row["decision_id"])
        if any(named) and row["document_id"] in council_of and council_of[row["document_id"]] != named:
            if any(council_of[row["document_id"]]):
                rule = "not the resolutions the coded note's document.toml names"
            else:
                # A new note whose catalogue row already names its resolutions: the fix is in the note.
                keys = ", ".join(f'{key} = "{value}"' for key, value in zip(SIDES, named)
                                 if value)
                rule = (f"the coded note's document.toml names no resolutions: give it [council] {keys}, "
                        "then code the Council's side (CONTRIBUTING.md, recipe 1, step 3)")
            problem("mandate_in_force_id", rule, row["mandate_in_force_id"])
    return problems
