"""The one conversion of a cell (mandate_notes/cast.py), and validation agreeing with it cell by cell."""

from __future__ import annotations

import pandas as pd
import pytest

from mandate_notes.cast import FINITE_RULE, INTEGER_RANGE_RULE, CastError, cast, failure
from mandate_notes.checks import column_schema

class Refused(str):
    """The rule a cell breaks, where a case expects a refusal."""


CASES = [
    ("12", "integer", 12),
    ("-3", "integer", -3),
    ("01", "integer", 1),
    ("9223372036854775807", "integer", 9223372036854775807),
    ("9223372036854775808", "integer", Refused(INTEGER_RANGE_RULE)),
    ("1" + "0" * 29, "integer", Refused(INTEGER_RANGE_RULE)),
    ("-٥", "integer", Refused("type integer")),
    ("١", "integer", Refused("type integer")),
    ("1.5", "number", 1.5),
    ("1e3", "number", 1000.0),
    ("1e999", "number", Refused(FINITE_RULE)),
    ("-1e999", "number", Refused(FINITE_RULE)),
    ("nan", "number", Refused("type number")),
    ("inf", "number", Refused("type number")),
    ("١٥٠", "number", Refused("type number")),
    ("true", "boolean", True),
    ("True", "boolean", Refused("type boolean")),
    ("2023-05-18", "date", "2023-05-18"),
    ("2023-02-30", "date", Refused("impossible date (not in the calendar)")),
    ("٢٠٢٣-05-18", "date", Refused("type date (YYYY-MM-DD, e.g. 2024-12-22)")),
    ("", "integer", None),
    ("text", "string", "text"),
]


@pytest.mark.parametrize(("value", "kind", "expected"), CASES, ids=[f"{k}:{v}" for v, k, _ in CASES])
def test_a_cell_converts_or_names_the_rule_it_breaks(value, kind, expected):
    if isinstance(expected, Refused):
        assert failure(value, kind) == expected
        with pytest.raises(CastError):
            cast(value, kind)
    else:
        assert failure(value, kind) is None
        assert cast(value, kind) == expected and type(cast(value, kind)) is type(expected)


@pytest.mark.parametrize(("value", "kind", "expected"), CASES, ids=[f"{k}:{v}" for v, k, _ in CASES])
def test_validation_refuses_exactly_what_the_conversion_refuses(value, kind, expected):
    """What passes the schema is what the build can store, and the schema names the same rule."""
    field = {"name": "cell", "type": kind, "constraints": {}}
    schema = column_schema(field)
    failed = [check.name for check in schema.checks if not bool(check(pd.DataFrame({"cell": [value]})["cell"])
                                                                .check_output.all())]
    assert failed == ([] if failure(value, kind) is None else [failure(value, kind)])
