"""The table model's classes: every table, field, rule and foreign key of schemas/definitions.py as a
checked, immutable object.

definitions.py writes each table as a plain dict; `checked_tables` turns the dicts into `Table`
objects when definitions.py is imported, and refuses, naming the table and the field, any key it
does not know (a misspelt meaning is an error, never a rule silently skipped), a value of the
wrong kind, a column that a rule, key, sort or facet names but the table lacks, and a reference to
a table or key that does not exist. Pydantic does the checking (it is already a dependency of
pandera and frictionless): unknown keys forbidden, nested dicts made into the classes below, each
error with its place.

A foreign key is declared once, on its field: `"references": "TABLE.COLUMN"`, COLUMN being TABLE's
primary key. The field's pattern is that key's pattern, and its published description ends with
"See TABLE.COLUMN."; neither is written by hand.

The meanings a field may declare, and what mandate_notes/rules.py checks for each, are listed in
that module's docstring. Several are declared by one field each (or_lead_in, written_as, bounds_by,
footnote_of, footnote_paragraph_of, first_paragraph_with); they stay meanings rather than named
checks because the codebook's sentence for the column and the row page read them from the field
like any other, and a second note's tables would declare them the same way.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

# A condition's value: one value, "*" (any non-empty value) or a list of values.
Value = str | list[str]
# A description that names its reference by hand, e.g. "(actors.actor_id)".
HAND_WRITTEN_REFERENCE = re.compile(r"\(([a-z_]+)\.([a-z_]+)\)")


class ModelError(ValueError):
    """A table of schemas/definitions.py that the model refuses; the message names table and field."""


class Strict(BaseModel):
    """Unknown keys refused; objects never change once made."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(Strict):
    """empty_when / required_when: when every COLUMN holds its VALUE, the field must be empty / filled."""

    when: dict[str, Value]
    rule: str


class ReferencedRow(Strict):
    """The row the field's foreign key names holds VALUE in COLUMN."""

    where: dict[str, Value]
    rule: str


class Covers(Strict):
    """Every row of the referenced table (those matching `where`) is named by at least one row here."""

    where: dict[str, Value] = {}
    rule: str


class EqualsVia(Strict):
    # A path, or several: the value is the one reached along one of them.
    path: str | list[str]
    rule: str

    @property
    def paths(self) -> list[str]:
        return [self.path] if isinstance(self.path, str) else self.path


class FirstParagraphWith(Strict):
    column: str
    kinds: list[str]


class SoleCode(Strict):
    code: str
    per: str


class Substance(Strict):
    """Where same_code_for_same_substance reads an ask's substance: a table and its columns."""

    table: str
    unit: str
    paragraph: str
    quote: str
    code: str


class SameCodeForSameSubstance(Strict):
    per: str
    unit: str
    substance: Substance
    rule: str


class CodeNeedsWording(Strict):
    code: str
    pattern: str
    # A column, or a path through foreign keys, naming the paragraph whose words are read.
    paragraph: str
    rule: str


class Inherits(Strict):
    """A unit whose codes are inherited from the paragraph the field names (rows grouped by `unit`)."""

    unit: str
    code: str
    rule: str


class WrittenAs(Strict):
    column: str
    unit: str
    fraction_scale: dict[str, int | float]
    rule: str


class PhraseTable(Strict):
    column: str
    rows: list[tuple[str, list[str]]]
    rule: str


class BoundsBy(Strict):
    column: str
    bounds: dict[str, tuple[int | float, int | float | None]]


class Constraints(Strict):
    """Table Schema constraints, published as they are."""

    required: bool = False
    unique: bool = False
    enum: list[str] | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    pattern: str | None = None

    def published(self) -> dict:
        return self.model_dump(exclude_defaults=True)


class ForeignKey(Strict):
    """column → table.key, as derived from a field's `references`."""

    column: str
    table: str
    key: str


class Field(Strict):
    name: str
    type: Literal["string", "integer", "number", "boolean", "date"]
    description: str
    # A column's title on a row page, where its name in words will not do.
    title: str | None = None
    constraints: Constraints = Constraints()
    references: str | None = None
    # Meanings: the cross-table rules (mandate_notes/rules.py).
    verbatim_in: str | None = None
    or_lead_in: bool = False
    in_document_of: str | None = None
    empty_when: Condition | None = None
    required_when: Condition | None = None
    referenced_row: ReferencedRow | None = None
    covers: Covers | None = None
    equals_via: EqualsVia | None = None
    sole_code: SoleCode | None = None
    same_code_for_same_substance: SameCodeForSameSubstance | None = None
    code_needs_wording: CodeNeedsWording | None = None
    inherits: Inherits | None = None
    written_as: WrittenAs | None = None
    phrase_table: PhraseTable | None = None
    not_before: str | None = None
    not_after: str | None = None
    first_paragraph_with: FirstParagraphWith | None = None
    bounds_by: BoundsBy | None = None
    footnote_of: str | None = None
    footnote_paragraph_of: str | None = None
    carries_marker_of: str | None = None

    @property
    def target(self) -> tuple[str, str] | None:
        """(table, key column) the field refers to, if it is a foreign key."""
        if self.references is None:
            return None
        table, _, key = self.references.partition(".")
        return table, key

    @property
    def required(self) -> bool:
        return self.constraints.required

    def published_description(self) -> str:
        """The description as published: with the reference it follows, if any."""
        if self.references is None:
            return self.description
        return f"{self.description} See {self.references}."

    def columns_named(self) -> dict[str, list[str]]:
        """Columns of its own table that the field's meanings name, by meaning (paths by their first step)."""
        named: dict[str, list[str]] = {}
        for meaning in ("verbatim_in", "in_document_of", "not_before", "not_after", "footnote_of",
                        "footnote_paragraph_of", "carries_marker_of"):
            if getattr(self, meaning):
                named[meaning] = [getattr(self, meaning).split(".")[0]]
        if self.first_paragraph_with:
            named["first_paragraph_with"] = [self.first_paragraph_with.column]
        for meaning in ("empty_when", "required_when"):
            if getattr(self, meaning):
                named[meaning] = [column.split(".")[0] for column in getattr(self, meaning).when]
        for meaning in ("written_as", "phrase_table", "bounds_by"):
            if getattr(self, meaning):
                named[meaning] = [getattr(self, meaning).column]
        if self.written_as:
            named["written_as"].append(self.written_as.unit)
        if self.sole_code:
            named["sole_code"] = [self.sole_code.per]
        if self.same_code_for_same_substance:
            named["same_code_for_same_substance"] = [self.same_code_for_same_substance.per,
                                                     self.same_code_for_same_substance.unit]
        if self.code_needs_wording:
            named["code_needs_wording"] = [self.code_needs_wording.paragraph.split(".")[0]]
        if self.equals_via:
            named["equals_via"] = [path.split(".")[0] for path in self.equals_via.paths]
        if self.inherits:
            named["inherits"] = [self.inherits.unit, self.inherits.code]
        return named


class Table(Strict):
    name: str
    title: str
    description: str
    fields: list[Field]
    primary_key: list[str]
    label_column: str | None = None
    sort: str | None = None
    facets: list[str] = []
    # Columns indexed for full-text search.
    fts: list[str] = []
    # The fewest data rows its CSV may hold; 0: it may be a header only, as a content table is
    # until a note is coded.
    min_rows: int = 0
    # Made by a command, kept in data/generated/ and checked for drift by the gate.
    generated: bool = False
    # For maintainers: the command that makes a generated table and from what; the codebook says it
    # under "Maintaining the data", never in the description a researcher reads.
    made_by: str = ""
    code_list: bool = False

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    def field(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"{self.name}.{name}")

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        return [ForeignKey(column=field.name, table=field.target[0], key=field.target[1])
                for field in self.fields if field.target]

    def references(self, column: str) -> tuple[str, str] | None:
        """(table, key column) a column of this table refers to, if it is a foreign key."""
        return self.field(column).target if column in self.field_names else None


def _place(table: str, field: str | None) -> str:
    return f"schemas/definitions.py: table {table}" + (f", field {field}" if field else "")


def explained(error: ValidationError) -> str:
    """Pydantic's errors in the words of the model: the key and what is wrong with it."""
    parts = []
    for detail in error.errors():
        where = ".".join(str(step) for step in detail["loc"])
        if detail["type"] == "extra_forbidden":
            parts.append(f"unknown key {where!r}")
        elif detail["type"] == "missing":
            parts.append(f"missing key {where!r}")
        else:
            parts.append(f"{where}: {detail['msg']} (given {detail['input']!r})")
    return "; ".join(parts)


def _checked_field(table: str, declared: dict | str, shared: dict[str, dict]) -> Field:
    if isinstance(declared, str):
        if declared not in shared:
            raise ModelError(f"{_place(table, declared)}: not a shared field ({', '.join(shared)})")
        declared = {"name": declared, **shared[declared]}
    name = declared.get("name")
    try:
        field = Field.model_validate(declared)
    except ValidationError as error:
        raise ModelError(f"{_place(table, name)}: {explained(error)}") from None
    written = HAND_WRITTEN_REFERENCE.search(field.description)
    if written:
        raise ModelError(f"{_place(table, name)}: the description names the reference {written.group(0)} by hand; "
                         f"declare \"references\": \"{written.group(1)}.{written.group(2)}\" instead")
    if field.references is not None and field.constraints.pattern is not None:
        raise ModelError(f"{_place(table, name)}: a pattern on a reference is the key's own; leave it out")
    return field


def _check_columns(spec: Table) -> None:
    """Every column that the table's keys, sort, facets, search and fields' meanings name exists."""
    names = set(spec.field_names)
    if len(names) != len(spec.fields):
        doubled = sorted({n for n in spec.field_names if spec.field_names.count(n) > 1})
        raise ModelError(f"{_place(spec.name, doubled[0])}: declared twice")
    named = {"primary_key": spec.primary_key, "facets": spec.facets, "fts": spec.fts,
             "label_column": [spec.label_column] if spec.label_column else [],
             "sort": [spec.sort] if spec.sort else []}
    for what, columns in named.items():
        for column in columns:
            if column not in names:
                raise ModelError(f"{_place(spec.name, None)}: {what} names {column!r}, not a column of the table")
    for field in spec.fields:
        for meaning, columns in field.columns_named().items():
            for column in columns:
                if column not in names:
                    raise ModelError(f"{_place(spec.name, field.name)}: {meaning} names {column!r}, "
                                     "not a column of the table")


def _follow(by_name: dict[str, Table], spec: Table, path: str, place: str) -> Table:
    """The table a dotted path of columns ends in, each step but the last a foreign key."""
    current = spec
    steps = path.split(".")
    for step in steps[:-1]:
        target = current.references(step)
        if target is None:
            raise ModelError(f"{place}: {path!r}: {current.name}.{step} is not a foreign key")
        current = by_name[target[0]]
    if steps[-1] not in current.field_names:
        raise ModelError(f"{place}: {path!r}: {steps[-1]!r} is not a column of {current.name}")
    return current


def _check_references(tables: list[Table]) -> None:
    """Each reference names a table's one-column primary key; rules that follow one have one."""
    by_name = {spec.name: spec for spec in tables}
    for spec in tables:
        for field in spec.fields:
            place = _place(spec.name, field.name)
            if field.target:
                table, key = field.target
                target = by_name.get(table)
                if target is None or target.primary_key != [key]:
                    raise ModelError(f"{place}: references {field.references!r}, which is not a table's "
                                     "one-column primary key (TABLE.COLUMN)")
            for meaning in ("referenced_row", "covers"):
                if getattr(field, meaning) and not field.target:
                    raise ModelError(f"{place}: {meaning} needs \"references\" on the field")
                rule = getattr(field, meaning)
                if rule:
                    for column in rule.where:
                        _follow(by_name, by_name[field.target[0]], column, f"{place}: {meaning}")
            if field.equals_via:
                for path in field.equals_via.paths:
                    _follow(by_name, spec, path, f"{place}: equals_via")
            for meaning in ("not_before", "not_after"):
                if getattr(field, meaning):
                    _follow(by_name, spec, getattr(field, meaning), f"{place}: {meaning}")
            if field.code_needs_wording:
                _follow(by_name, spec, field.code_needs_wording.paragraph, f"{place}: code_needs_wording")
            substance = field.same_code_for_same_substance and field.same_code_for_same_substance.substance
            if substance:
                source = by_name.get(substance.table)
                if source is None:
                    raise ModelError(f"{place}: same_code_for_same_substance: no table {substance.table!r}")
                for column in (substance.unit, substance.paragraph, substance.quote, substance.code):
                    _follow(by_name, source, column, f"{place}: same_code_for_same_substance")
            for meaning in ("empty_when", "required_when"):
                rule = getattr(field, meaning)
                if rule:
                    for column in rule.when:
                        _follow(by_name, spec, column, f"{place}: {meaning}")


def checked_table(declared: dict, shared: dict[str, dict] | None = None) -> Table:
    """One table's dict as a Table, its own columns checked (references are checked by checked_tables)."""
    name = declared.get("name", "?")
    if not isinstance(name, str):
        raise ModelError(f"{_place(str(name), None)}: the name must be a string")
    fields = [_checked_field(name, field, shared or {}) for field in declared.get("fields", [])]
    try:
        spec = Table.model_validate({**declared, "fields": fields})
    except ValidationError as error:
        raise ModelError(f"{_place(name, None)}: {explained(error)}") from None
    _check_columns(spec)
    return spec


def checked_tables(declared: list[dict], shared: dict[str, dict] | None = None) -> list[Table]:
    """Every table's dict as a Table, with the references between them checked.

    >>> things = {"name": "things", "title": "Things", "description": "", "primary_key": ["thing_id"],
    ...           "fields": [{"name": "thing_id", "type": "string", "descripton": "A thing."}]}
    >>> try:
    ...     checked_tables([things])
    ... except ModelError as error:
    ...     print(error)
    schemas/definitions.py: table things, field thing_id: missing key 'description'; unknown key 'descripton'
    """
    tables = [checked_table(spec, shared) for spec in declared]
    names = [spec.name for spec in tables]
    if len(set(names)) != len(names):
        raise ModelError(f"{_place(next(n for n in names if names.count(n) > 1), None)}: declared twice")
    _check_references(tables)
    return [_with_key_patterns(spec, {spec.name: spec for spec in tables}) for spec in tables]


def _key_pattern(by_name: dict[str, Table], table: str, key: str) -> str | None:
    """The pattern of a key, itself perhaps a reference to another table's key."""
    seen = set()
    field = by_name[table].field(key)
    while field.target:
        if field.target in seen or field.target == (table, key):
            raise ModelError(f"{_place(table, key)}: the reference leads back to itself")
        seen.add(field.target)
        field = by_name[field.target[0]].field(field.target[1])
    return field.constraints.pattern


def _with_key_patterns(spec: Table, by_name: dict[str, Table]) -> Table:
    """The table with each reference's pattern taken from the key it refers to."""
    fields = []
    for field in spec.fields:
        if field.target:
            pattern = _key_pattern(by_name, *field.target)
            field = field.model_copy(update={"constraints": field.constraints.model_copy(update={"pattern": pattern})})
        fields.append(field)
    return spec.model_copy(update={"fields": fields})
