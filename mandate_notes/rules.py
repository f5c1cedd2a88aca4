"""Cross-table rules read from the meanings declared on fields (schemas/definitions.py), never from
column names written here.

A field may declare:

- "verbatim_in": COLUMN, its value occurs verbatim in COLUMN's value, or, when COLUMN refers to
  the paragraphs table, in that paragraph's text ("or_lead_in": also in a bullet's lead-in);
- "in_document_of": COLUMN, a paragraph reference whose paragraph belongs to the row's COLUMN;
- "empty_when" / "required_when": {"when": {COLUMN: VALUE, ...}, "rule": TEXT}, VALUE ANY meaning
  any non-empty value, and a list meaning any of its values;
- "referenced_row": {"where": {COLUMN: VALUE}, "rule": TEXT}, the row its foreign key names holds
  VALUE (or, for a list, one of its values) in COLUMN;
- "covers": {"where": {COLUMN: VALUE, ...}, "rule": TEXT}, a foreign key that every row of the table it
  points at (those matching "where", if given) is named by: at least one row here per row there;
- "equals_via": {"path": "COLUMN.COLUMN...", "rule": TEXT}, the value is the one reached by following
  foreign keys from the row along the path (a path's first column is the row's own; a row where it
  is empty is not judged); given a list of paths, the value is the one reached along one of them;
- "sole_code": {"code": CODE, "per": COLUMN}, a code that stands alone: a row holding CODE has no
  sibling row (same COLUMN value) holding another code;
- "same_code_for_same_substance": {"per": COLUMN, "unit": COLUMN, "substance": {"table": TABLE,
  "unit": COLUMN, "paragraph": COLUMN, "quote": COLUMN, "code": COLUMN}, "rule": TEXT}, one code
  for asks of the same substance: two rows naming the same `per` value hold the same code when
  their units share a substance, a row of TABLE each with the same paragraph and code and quotes
  that overlap in that paragraph;
- "code_needs_wording": {"code": CODE, "pattern": REGEX, "paragraph": COLUMN, "rule": TEXT}, a code
  given only where the text says so: a row holding CODE names (through COLUMN, which may be a path) a
  paragraph whose text, or the text of the paragraph that introduces it, matches REGEX
  (case-insensitive);
- "written_as": {"column": COLUMN, "fraction_scale": {CODE: FACTOR}, "unit": COLUMN, "rule": TEXT},
  a number equal to the one COLUMN's words or digits state (a fraction times FACTOR in that unit);
- "phrase_table": {"column": COLUMN, "rows": [[REGEX, [CODE, ...]], ...], "rule": TEXT}, a code
  the first row whose pattern COLUMN's text matches allows (case-insensitive; no match, no check);
- "not_before" / "not_after": COLUMN, an ISO date (as precise as known) not earlier / not later than
  COLUMN's (COLUMN may be a path, e.g. "decision_id.adoption_date");
- "first_paragraph_with": {"column": COLUMN, "kinds": [KIND, ...]}, a paragraph reference that is the
  first paragraph of its document (of those kinds, in reading order) whose text holds COLUMN's value;
- "inherits": {"unit": COLUMN, "code": COLUMN, "rule": TEXT}, a paragraph whose codes are inherited:
  every row of the unit names the same paragraph, a coded paragraph of the same mission that inherits
  nothing itself, whose text equals the unit's (whitespace aside) and whose codes are exactly the unit's;
- "bounds_by": {"column": COLUMN, "bounds": {CODE: [LOW, HIGH]}}, a number's range by the row's code;
- "footnote_of": COLUMN (a footnote number of the row's document COLUMN), "footnote_paragraph_of":
  COLUMN (the paragraph of footnote COLUMN), "carries_marker_of": COLUMN (a paragraph that carries, or
  a text that shows, the marker of footnote COLUMN).

A condition's COLUMN may itself be such a path, e.g. "document_id.decision_id".

The paragraphs table is the one table the rules know by name: it is what every anchor points at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mandate_notes.csvio import Problem, Table
from mandate_notes.written_numbers import number_or_none, written_value
from mandate_notes.paths import SUPERSCRIPT_DIGITS
from schemas.classes import Field, Substance, Table as Spec

PARAGRAPHS = "paragraphs"
ANY = "*"
TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
# The last list point of a resolution paragraph's eId: para_181_list_point_b_sublist_point_1 is
# introduced by para_181_list_point_b, which is introduced by para_181.
LIST_POINT = re.compile(r"_(?:sub)?list_point_[^_]+$")


@dataclass
class Paragraphs:
    """What the rules look up about paragraphs, by paragraph id."""

    text: dict[str, str] = field(default_factory=dict)
    document: dict[str, str] = field(default_factory=dict)
    markers: dict[str, list[str]] = field(default_factory=dict)
    lead_in: dict[str, str] = field(default_factory=dict)
    # The paragraph that introduces each paragraph: a bullet's lead-in, a resolution's
    # sub-paragraph's enclosing paragraph (its XML eId with the last list point taken off).
    parent: dict[str, str] = field(default_factory=dict)
    footnote: dict[tuple[str, str], str] = field(default_factory=dict)
    kind: dict[str, str] = field(default_factory=dict)
    # Each document's paragraph ids in reading order.
    in_order: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, table: Table | None) -> "Paragraphs | None":
        if table is None:
            return None
        frame = table.frame
        found = cls()
        ids = frame["paragraph_id"].tolist()
        found.text = dict(zip(ids, frame["text"].tolist()))
        found.document = dict(zip(ids, frame["document_id"].tolist()))
        found.markers = {pid: markers.split(";") for pid, markers in zip(ids, frame["footnote_markers"].tolist())}
        found.kind = dict(zip(ids, frame["kind"].tolist()))
        sequences = ([int(number) if number.isdigit() else 0 for number in frame["sequence"].tolist()]
                     if "sequence" in frame else list(range(len(ids))))
        for _, document, pid in sorted(zip(sequences, frame["document_id"].tolist(), ids)):
            found.in_order.setdefault(document, []).append(pid)
        # The paragraph that introduces a bullet list: the nearest non-bullet paragraph before it.
        last_non_bullet = ""
        for pid, kind in zip(ids, frame["kind"].tolist()):
            if kind == "bullet":
                found.lead_in[pid] = last_non_bullet
            else:
                last_non_bullet = pid
        found.parent = dict(found.lead_in)
        if "eid" in frame:
            by_eid = {(document, eid): pid for pid, document, eid
                      in zip(ids, frame["document_id"].tolist(), frame["eid"].tolist()) if eid}
            for (document, eid), pid in by_eid.items():
                if "list_point_" not in eid:
                    continue  # not a list point: no paragraph encloses it
                enclosing = by_eid.get((document, LIST_POINT.sub("", eid)))
                if enclosing and enclosing != pid:
                    found.parent[pid] = enclosing
        for pid, kind, document, number in zip(ids, frame["kind"].tolist(), frame["document_id"].tolist(),
                                               frame["footnote_number"].tolist()):
            if kind == "footnote":
                found.footnote[(document, number)] = pid
        return found


def _lookup(keys: pd.Series, mapping: dict) -> pd.Series:
    """keys.map(mapping), NaN where absent, without pandas making a Series of the dict per call."""
    return pd.Series([mapping.get(key, np.nan) for key in keys.tolist()], index=keys.index, dtype=object)


def _records(frame: pd.DataFrame):
    """(index, row as a dict) for each row: what iterrows gives, without a Series per row."""
    columns = frame.columns.tolist()
    return zip(frame.index, (dict(zip(columns, values)) for values in frame.itertuples(index=False, name=None)))


def _matches(frame: pd.DataFrame, when: dict) -> np.ndarray:
    """Whether each row holds what `when` asks for, as an array of booleans (numpy's own operations on
    the columns' arrays: a Series made for each step cost more than the comparison on tables of
    thousands of rows)."""
    chosen = np.ones(len(frame), dtype=bool)
    for column, value in when.items():
        if isinstance(value, list):
            chosen &= frame[column].isin(value).to_numpy()
        else:
            values = frame[column].to_numpy()
            chosen &= (values != "") if value == ANY else (values == value)
    return chosen


def _contains(table: Table, column: str, haystacks: pd.Series, rule: str) -> list[Problem]:
    """Rows whose non-empty `column` value is not a substring of the row's haystack; a row without a
    haystack (NaN: its paragraph does not exist, which the foreign key reports) is not judged."""
    needles = table.frame[column]
    # Plain lists: a label lookup per row would cost more than the test itself.
    found = haystacks.reindex(needles.index).tolist()
    return [Problem(table.file, table.line(index), column, _with_difference(rule, needle, haystack), needle)
            for index, needle, haystack in zip(needles.index, needles.tolist(), found)
            if needle and isinstance(haystack, str) and needle not in haystack]


# Characters a copy from a PDF or a word processor often changes: each typographic form and the
# plain one it is typed as.
TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
# A quote that matches this much of a text before it differs is shown where it differs.
SHOWN_FROM = 20


def _with_difference(rule: str, needle: str, haystack: str) -> str:
    """The rule, and where the value parts from the text it should be found in, when that is clear:
    only typographic characters differ, or the value's first SHOWN_FROM characters are found.

    >>> print(_with_difference("quote not found", "the mission's role", "Support the mission’s role."))
    quote not found (differs at character 12: the text has '’' where the value has "'")
    >>> _with_difference("quote not found", "Protect everyone", "Protect civilians.")
    'quote not found'
    """
    plain = haystack.translate(TYPOGRAPHIC)
    at = plain.find(needle.translate(TYPOGRAPHIC))
    if at >= 0:
        offset = next(i for i, (ours, theirs) in enumerate(zip(needle, haystack[at:])) if ours != theirs)
    else:
        low, high = 0, len(needle)
        while low < high:  # the longest start of the value found in the text
            middle = (low + high + 1) // 2
            low, high = (middle, high) if needle[:middle] in haystack else (low, middle - 1)
        if low < SHOWN_FROM:
            return rule
        offset, at = low, haystack.find(needle[:low])
    theirs = haystack[at + offset] if at + offset < len(haystack) else "the end of the text"
    shown = repr(theirs) if len(theirs) == 1 else theirs
    return f"{rule} (differs at character {offset + 1}: the text has {shown} where the value has {needle[offset]!r})"


def _place(spec: Spec, column: str) -> str:
    """How a rule names where a verbatim value must occur."""
    if spec.references(column) == (PARAGRAPHS, "paragraph_id"):
        return "its paragraph" if column == "paragraph_id" else f"the {column.removesuffix('_paragraph_id')} paragraph"
    return f"the {column}"


def verbatim_problems(tables: dict[str, Table], specs: list[Spec], paragraphs: Paragraphs) -> list[Problem]:
    problems = []
    for spec, table, declared in _declaring(tables, specs, "verbatim_in"):
        frame = table.frame
        place = declared.verbatim_in
        if spec.references(place) != (PARAGRAPHS, "paragraph_id"):
            problems += _contains(table, declared.name, frame[place],
                                  f"{declared.name} not found verbatim in {_place(spec, place)}")
            continue
        texts = _lookup(frame[place], paragraphs.text)
        if declared.or_lead_in:
            with_lead_in = [paragraphs.text[pid] + "\n" + paragraphs.text.get(paragraphs.lead_in.get(pid, ""), "")
                            if pid in paragraphs.text else np.nan for pid in frame[place].tolist()]
            problems += _contains(table, declared.name, pd.Series(with_lead_in, index=frame.index, dtype=object),
                                  f"{declared.name} not found in the paragraph (or, for a bullet, its list's lead-in)")
        else:
            problems += _contains(table, declared.name, texts,
                                  f"{declared.name} not found verbatim in {_place(spec, place)}")
    return problems


def same_document_problems(tables: dict[str, Table], specs: list[Spec], paragraphs: Paragraphs) -> list[Problem]:
    problems = []
    for _, table, declared in _declaring(tables, specs, "in_document_of"):
        frame, column, document = table.frame, declared.name, declared.in_document_of
        for index, paragraph, own in zip(frame.index, frame[column].tolist(), frame[document].tolist()):
            owner = paragraphs.document.get(paragraph)
            if owner is not None and owner != own:
                problems.append(Problem(table.file, table.line(index), column,
                                        f"paragraph belongs to another document than {own}", paragraph))
    return problems


def conditional_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    problems = []
    for _, table, declared in _declaring(tables, specs, "empty_when", "required_when"):
        frame, column = table.frame, declared.name
        values = frame[column].to_numpy()
        if declared.empty_when:
            rule = declared.empty_when
            for index in frame.index[_matches(frame, rule.when) & (values != "")]:
                problems.append(Problem(table.file, table.line(index), column, rule.rule, frame.at[index, column]))
        if declared.required_when:
            rule = declared.required_when
            for index in frame.index[_matches(frame, rule.when) & (values == "")]:
                problems.append(Problem(table.file, table.line(index), column, rule.rule, ""))
    return problems


def _target(tables: dict[str, Table], spec: Spec, column: str) -> tuple[str, str, Table | None]:
    """(table, key column, the table as read) that the column's foreign key points at."""
    target_name, key = spec.references(column)
    return target_name, key, tables.get(target_name)


def referenced_row_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    problems = []
    for spec, table, declared in _declaring(tables, specs, "referenced_row"):
        _, key, target = _target(tables, spec, declared.name)
        if target is None:
            continue
        [(column, wanted)] = declared.referenced_row.where.items()
        allowed = set(wanted) if isinstance(wanted, list) else {wanted}
        # The keys of the rows that may not be referenced; the referring rows are scanned only if any is.
        refused = set(target.frame[key][~target.frame[column].isin(allowed)].tolist())
        values = table.frame[declared.name]
        named = np.fromiter(map(refused.__contains__, values.tolist()), dtype=bool, count=len(values)) \
            if refused else np.zeros(len(values), dtype=bool)
        for index, value in values[named].items():
            problems.append(Problem(table.file, table.line(index), declared.name, declared.referenced_row.rule, value))
    return problems


def _follow(tables: dict[str, Table], specs: list[Spec], spec: Spec, frame: pd.DataFrame, path: str) -> pd.Series | None:
    """The values reached from each row by following foreign keys along a dotted path of columns;
    "" where a step finds no row; None when a table on the way was not read."""
    columns = path.split(".")
    values, current = frame[columns[0]], spec
    for column, next_column in zip(columns, columns[1:]):
        target_name, key, target = _target(tables, current, column)
        if target is None:
            return None
        values = _lookup(values, dict(zip(target.frame[key], target.frame[next_column]))).fillna("")
        current = next(s for s in specs if s.name == target_name)
    return values


def _with_paths(tables, specs, spec, frame: pd.DataFrame, when: dict) -> pd.DataFrame | None:
    """The frame with a column for each path a condition names (None when one cannot be followed)."""
    paths = [column for column in when if "." in column]
    if not paths:
        return frame
    frame = frame.copy()
    for path in paths:
        values = _follow(tables, specs, spec, frame, path)
        if values is None:
            return None
        frame[path] = values
    return frame


def equals_via_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    """The value is the one reached along the path (or along one of the paths); a row whose path
    starts at an empty cell has nothing to follow and is not judged."""
    problems = []
    for spec, table, declared in _declaring(tables, specs, "equals_via"):
        column, rule = declared.name, declared.equals_via
        paths = rule.paths
        reached = [_follow(tables, specs, spec, table.frame, path) for path in paths]
        if any(expected is None for expected in reached):
            continue
        values = table.frame[column]
        wrong = (values != "") & (table.frame[paths[0].split(".")[0]] != "")
        for expected in reached:
            wrong &= values != expected
        for index in values.index[wrong]:
            problems.append(Problem(table.file, table.line(index), column, rule.rule, values[index]))
    return problems


def first_paragraph_problems(tables: dict[str, Table], specs: list[Spec], paragraphs: Paragraphs) -> list[Problem]:
    """A paragraph reference that must be the first paragraph (of the kinds given, in reading order)
    of its document whose text holds the row's value of a column as a word, e.g. where an alias first
    occurs; a value found in no paragraph of those kinds names the first paragraph that holds it."""
    problems = []
    for _, table, declared in _declaring(tables, specs, "first_paragraph_with"):
        rule, column = declared.first_paragraph_with, declared.name
        kinds = set(rule.kinds)
        for index, pid, value in zip(table.frame.index, table.frame[column].tolist(), table.frame[rule.column].tolist()):
            document = paragraphs.document.get(pid)
            if document is None or not value:
                continue  # an unknown paragraph is the foreign key's problem
            # As a word of its own: "US" does not occur in "MINUSMA". The plain substring test first, as
            # the word is in few of the document's paragraphs.
            alone = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)")
            holding = [other for other in paragraphs.in_order[document]
                       if value in paragraphs.text[other] and alone.search(paragraphs.text[other])]
            # The first of the kinds given; else, for a value found only in other kinds (the cover), the first.
            first = next((other for other in holding if paragraphs.kind[other] in kinds), holding[0] if holding else None)
            if first is not None and first != pid:
                problems.append(Problem(table.file, table.line(index), column,
                                        f"not the first paragraph where {rule.column} occurs ({first})", pid))
    return problems


def coverage_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    """Rows of the referenced table that no row here names, reported at the referenced row."""
    problems = []
    for spec, table, declared in _declaring(tables, specs, "covers"):
        target_name, key, target = _target(tables, spec, declared.name)
        if target is None:
            continue
        where = declared.covers.where
        target_spec = next(s for s in specs if s.name == target_name)
        frame = _with_paths(tables, specs, target_spec, target.frame, where)
        if frame is None:
            continue
        named = set(table.frame[declared.name].tolist())
        chosen = _matches(frame, where)
        for index, value in zip(frame.index[chosen], frame[key][chosen].tolist()):
            if value not in named:
                problems.append(Problem(target.file, target.line(index), key, declared.covers.rule, value))
    return problems


def sole_code_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    problems = []
    for _, table, declared in _declaring(tables, specs, "sole_code"):
        frame, column = table.frame, declared.name
        code, per = declared.sole_code.code, declared.sole_code.per
        alone = set(frame[per][frame[column] == code].tolist())
        for index in frame.index[frame[per].isin(alone) & (frame[column] != code)]:
            problems.append(Problem(table.file, table.line(index), column,
                                    f"{code} is coded for this {per}, so no other code may be", frame.at[index, column]))
    return problems


def wording_problems(tables: dict[str, Table], specs: list[Spec], paragraphs: Paragraphs) -> list[Problem]:
    """Codes given only where the paragraph, or the one that introduces it, has the words for them."""
    problems = []
    for spec, table, declared in _declaring(tables, specs, "code_needs_wording"):
        rule, column = declared.code_needs_wording, declared.name
        frame = table.frame
        chosen = frame[frame[column] == rule.code]
        if chosen.empty:
            continue
        anchors = _follow(tables, specs, spec, chosen, rule.paragraph) if "." in rule.paragraph \
            else chosen[rule.paragraph]
        if anchors is None:
            continue
        pattern = re.compile(rule.pattern, re.IGNORECASE)
        for index, anchor in zip(chosen.index, anchors.tolist()):
            texts = (paragraphs.text.get(anchor, ""), paragraphs.text.get(paragraphs.parent.get(anchor, ""), ""))
            if anchor in paragraphs.text and not any(pattern.search(text) for text in texts):
                problems.append(Problem(table.file, table.line(index), column, rule.rule, rule.code))
    return problems


def _spans(frame: pd.DataFrame, columns: Substance, paragraphs: Paragraphs) -> dict[str, list[tuple]]:
    """unit → (paragraph, code, start, end) of each quote it has in a paragraph."""
    found: dict[str, list[tuple]] = {}
    for unit, paragraph, quote, code in zip(*(frame[getattr(columns, key)].tolist()
                                              for key in ("unit", "paragraph", "quote", "code"))):
        at = paragraphs.text.get(paragraph, "").find(quote) if paragraph and quote else -1
        if at >= 0:
            found.setdefault(unit, []).append((paragraph, code, at, at + len(quote)))
    return found


def _shared(first: list[tuple], second: list[tuple]) -> tuple | None:
    """The first of `first`'s quotes that shares paragraph and code with, and overlaps, one of `second`'s."""
    for paragraph, code, start, end in first:
        for other, other_code, other_start, other_end in second:
            if (paragraph, code) == (other, other_code) and start < other_end and other_start < end:
                return paragraph, code
    return None


def substance_problems(tables: dict[str, Table], specs: list[Spec], paragraphs: Paragraphs) -> list[Problem]:
    """Rows answering asks of the same substance from the same place hold the same code."""
    problems = []
    for _, table, declared in _declaring(tables, specs, "same_code_for_same_substance"):
        rule, column = declared.same_code_for_same_substance, declared.name
        source = tables.get(rule.substance.table)
        if source is None:
            continue
        spans = _spans(source.frame, rule.substance, paragraphs)
        frame = table.frame
        seen: dict[str, list[tuple]] = {}
        for index, place, unit, code in zip(frame.index, frame[rule.per].tolist(), frame[rule.unit].tolist(),
                                            frame[column].tolist()):
            if not place:
                continue
            for other_unit, other_code in seen.get(place, []):
                shared = _shared(spans.get(unit, []), spans.get(other_unit, []))
                if code != other_code and shared:
                    problems.append(Problem(table.file, table.line(index), column,
                                            f"{rule.rule} ({other_unit} is {other_code}; both {shared[1]} {shared[0]})", code))
                    break
            seen.setdefault(place, []).append((unit, code))
    return problems


def written_as_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    problems = []
    for _, table, declared in _declaring(tables, specs, "written_as"):
        rule, column = declared.written_as, declared.name
        frame = table.frame
        for index, value, written, unit in zip(frame.index, frame[column].tolist(), frame[rule.column].tolist(),
                                               frame[rule.unit].tolist()):
            stated, number = written_value(written), number_or_none(value)
            if stated is None or number is None:
                continue
            candidates = [stated] + ([stated * rule.fraction_scale[unit]] if unit in rule.fraction_scale else [])
            if not any(abs(number - candidate) <= 0.05 for candidate in candidates):
                problems.append(Problem(table.file, table.line(index), column, rule.rule, value))
    return problems


def phrase_table_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    problems = []
    for _, table, declared in _declaring(tables, specs, "phrase_table"):
        rule, column = declared.phrase_table, declared.name
        patterns = [(re.compile(pattern, re.IGNORECASE), set(codes)) for pattern, codes in rule.rows]
        frame = table.frame
        for index, code, phrase in zip(frame.index, frame[column].tolist(), frame[rule.column].tolist()):
            if not code or not phrase:
                continue
            allowed = next((codes for pattern, codes in patterns if pattern.search(phrase)), None)
            if allowed is not None and code not in allowed:
                problems.append(Problem(table.file, table.line(index), column, rule.rule, code))
    return problems


def not_before_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    """ISO dates of any precision: compared on the precision both have ('2022-03' is not before '2022').
    The other date is a column of the row, or the end of a path through foreign keys."""
    problems = []
    for spec, table, declared in _declaring(tables, specs, "not_before", "not_after"):
        column, frame = declared.name, table.frame
        for other, after in ((declared.not_before, True), (declared.not_after, False)):
            if not other:
                continue
            others = _follow(tables, specs, spec, frame, other) if "." in other else frame[other]
            if others is None:
                continue
            for index, own, theirs in zip(frame.index, frame[column].tolist(), others.tolist()):
                shared = min(len(own), len(theirs))
                if own and theirs and (own[:shared] < theirs[:shared] if after else own[:shared] > theirs[:shared]):
                    word = "before" if after else "after"
                    problems.append(Problem(table.file, table.line(index), column, f"{column} {word} {other} ({theirs})", own))
    return problems


def bounds_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    """Numbers within the range their row's code allows: "CODE outside LOW-HIGH", or "negative CODE"
    where only the low end, zero, is bounded."""
    problems = []
    for _, table, declared in _declaring(tables, specs, "bounds_by"):
        frame, column = table.frame, declared.name
        values = pd.to_numeric(frame[column].where(frame[column] != ""), errors="coerce")
        codes = frame[declared.bounds_by.column]
        for code, (low, high) in declared.bounds_by.bounds.items():
            outside = (values < low) | ((values > high) if high is not None else False)
            rule = f"{code} outside {low}-{high}" if high is not None else f"negative {code}"
            for index in frame.index[(codes == code) & outside]:
                problems.append(Problem(table.file, table.line(index), column, rule, frame.at[index, column]))
    return problems


def footnote_problems(tables: dict[str, Table], specs: list[Spec], paragraphs: Paragraphs) -> list[Problem]:
    """Footnote numbers exist in the row's document; the row's footnote paragraph is that footnote's;
    the citing paragraph carries its marker and the citing text shows it."""
    problems = []
    for spec in specs:
        table = tables.get(spec.name)
        numbered = [f for f in spec.fields if f.footnote_of]
        if table is None or not numbered:
            continue
        number_column, document_column = numbered[0].name, numbered[0].footnote_of
        own = [f.name for f in spec.fields if f.footnote_paragraph_of == number_column]
        carriers = [f for f in spec.fields if f.carries_marker_of == number_column]
        for index, row in _records(table.frame):
            line, number = table.line(index), row[number_column]
            expected = paragraphs.footnote.get((row[document_column], number))
            if expected is None:
                problems.append(Problem(table.file, line, number_column,
                                        "no footnote with this number in the document", number))
                continue
            for column in own:
                if row[column] != expected:
                    problems.append(Problem(table.file, line, column,
                                            f"not the paragraph of footnote {number} ({expected})", row[column]))
            for carrier in carriers:
                problems += _marker_problems(spec, table, line, row, carrier, number, paragraphs)
    return problems


def _marker_problems(spec: Spec, table: Table, line: int, row: dict, carrier: Field, number: str,
                     paragraphs: Paragraphs) -> list[Problem]:
    column, value = carrier.name, row[carrier.name]
    if spec.references(column) == (PARAGRAPHS, "paragraph_id"):
        # A paragraph that does not exist is the foreign key's problem, not a missing marker.
        if value in paragraphs.markers and number not in paragraphs.markers[value]:
            return [Problem(table.file, line, column, f"paragraph carries no marker for footnote {number}", value)]
        return []
    place = carrier.verbatim_in
    # A text not found where it should be is reported by the verbatim rule; only then is its marker read.
    if not value or (place and value not in paragraphs.text.get(row[place], "")):
        return []
    if number.isdigit() and number.translate(TO_SUPERSCRIPT) not in value:
        return [Problem(table.file, line, column, f"{column} lacks the marker of footnote {number}", value)]
    return []


def _declaring(tables: dict[str, Table], specs: list[Spec], *meanings: str):
    """(spec, table, field) for every field declaring one of the meanings, in a table that was read."""
    for spec in specs:
        table = tables.get(spec.name)
        if table is None:
            continue
        for declared in spec.fields:
            if any(getattr(declared, meaning) for meaning in meanings):
                yield spec, table, declared


def squeezed(text: str) -> str:
    return " ".join(text.split())


def inherits_problems(tables: dict[str, Table], specs: list[Spec], paragraphs: Paragraphs) -> list[Problem]:
    problems = []
    documents = tables.get("documents")
    mission_of = dict(zip(documents.frame["document_id"], documents.frame["mission"])) \
        if documents is not None and "mission" in documents.frame else {}
    for _, table, declared in _declaring(tables, specs, "inherits"):
        rule, column = declared.inherits, declared.name
        frame = table.frame
        codes: dict[str, set] = {}
        sources: dict[str, set] = {}
        first_line: dict[str, int] = {}
        for index, unit, code, source in zip(frame.index, frame[rule.unit].tolist(), frame[rule.code].tolist(),
                                              frame[column].tolist()):
            if unit not in codes:
                codes[unit], sources[unit], first_line[unit] = set(), set(), table.line(index)
            codes[unit].add(code)
            sources[unit].add(source)
        for unit, named in sources.items():
            if named == {""}:
                continue
            source = next(iter(named))
            reason = None
            if len(named) > 1:
                reason = "every row of the paragraph must name the same inherited_from"
            elif source == unit or source not in codes:
                reason = "inherited from a paragraph that is not coded"
            elif sources[source] != {""}:
                reason = "inherited from a paragraph that inherits its codes itself"
            elif squeezed(paragraphs.text.get(source, "")) != squeezed(paragraphs.text.get(unit, "")):
                reason = "inherited from a paragraph whose text differs"
            elif mission_of.get(paragraphs.document.get(source)) != mission_of.get(paragraphs.document.get(unit)):
                reason = "inherited from a paragraph of another mission"
            elif codes[source] != codes[unit]:
                reason = rule.rule
            if reason:
                problems.append(Problem(table.file, first_line[unit], column, reason, source))
    return problems


def semantic_problems(tables: dict[str, Table], specs: list[Spec]) -> list[Problem]:
    """Every rule the fields of specs declare, over the tables that could be read."""
    problems = conditional_problems(tables, specs) + referenced_row_problems(tables, specs)
    problems += bounds_problems(tables, specs) + coverage_problems(tables, specs) + sole_code_problems(tables, specs)
    problems += equals_via_problems(tables, specs) + written_as_problems(tables, specs)
    problems += phrase_table_problems(tables, specs) + not_before_problems(tables, specs)
    paragraphs = Paragraphs.of(tables.get(PARAGRAPHS))
    if paragraphs is not None:
        problems += same_document_problems(tables, specs, paragraphs)
        problems += verbatim_problems(tables, specs, paragraphs)
        problems += footnote_problems(tables, specs, paragraphs)
        problems += first_paragraph_problems(tables, specs, paragraphs)
        problems += wording_problems(tables, specs, paragraphs)
        problems += substance_problems(tables, specs, paragraphs)
        problems += inherits_problems(tables, specs, paragraphs)
    return problems
