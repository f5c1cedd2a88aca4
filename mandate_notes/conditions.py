"""Conditions a table page's address carries as SQL (`_where=`), written once here with their
words: the charts link each bar to exactly the rows it counts with them, and the table page says
each in words instead of showing its SQL.

    >>> sql = outcome_condition("adopted")
    >>> condition_in_words(sql, {"adopted": "Adopted"})
    'whose outcome in the Council\\'s next resolution is "Adopted"'
    >>> condition_in_words(section_condition("ipi-2023-minusma", None))
    'coded from ipi-2023-minusma outside its sections (cover, opening and back matter)'
    >>> condition_in_words("1 = 1") is None
    True
"""

from __future__ import annotations

import re


def sql_text(value: str) -> str:
    """A string literal for SQL.

    >>> sql_text("it's")
    "'it''s'"
    """
    return "'" + value.replace("'", "''") + "'"


LITERAL = r"'((?:[^']|'')*)'"


def _unquoted(literal: str) -> str:
    return literal.replace("''", "'")


def outcome_condition(outcome: str) -> str:
    """Recommendations the Council's next resolution met with this outcome."""
    return ("recommendation_id in (select recommendation_id from recommendation_outcomes "
            f"where outcome = {sql_text(outcome)})")


def section_condition(document_id: str, section: str | None) -> str:
    """Rows coded from a paragraph of this section of the document (None: outside its sections)."""
    return ("paragraph_id in (select paragraph_id from paragraphs where document_id = "
            f"{sql_text(document_id)} and section "
            + (f"= {sql_text(section)})" if section is not None else "is null)"))


PATTERNS = [
    (re.compile(r"recommendation_id in \(select recommendation_id from recommendation_outcomes "
                rf"where outcome = {LITERAL}\)"),
     lambda match, labels: 'whose outcome in the Council\'s next resolution is '
                           f'"{labels.get(_unquoted(match.group(1)), _unquoted(match.group(1)))}"'),
    (re.compile(r"paragraph_id in \(select paragraph_id from paragraphs where document_id = "
                rf"{LITERAL} and section = {LITERAL}\)"),
     lambda match, labels: f'coded from {_unquoted(match.group(1))}, section "{_unquoted(match.group(2))}"'),
    (re.compile(r"paragraph_id in \(select paragraph_id from paragraphs where document_id = "
                rf"{LITERAL} and section is null\)"),
     lambda match, labels: f"coded from {_unquoted(match.group(1))} outside its sections (cover, opening and back matter)"),
]


def condition_in_words(sql: str, outcome_labels: dict[str, str] | None = None) -> str | None:
    """The words of a condition made above (an outcome by its label, outcome_types' code -> label);
    None for any other SQL."""
    for pattern, words in PATTERNS:
        match = pattern.fullmatch(sql.strip())
        if match:
            return words(match, outcome_labels or {})
    return None
