"""The number a figure's words or digits state: what a statistic's value must equal.

    >>> [written_value(text) for text in ("24 percent", "58%", "1,920", "sixty-four", "Fifteen", "eighth")]
    [24.0, 58.0, 1920.0, 64.0, 15.0, 8.0]
    >>> written_value("three-quarters"), written_value("two-thirds"), written_value("a half")
    (0.75, 0.6666666666666666, 0.5)
    >>> written_value("several") is None
    True
"""

from __future__ import annotations

import re

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
            "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
            "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50}
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
             "fourths": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
WORD_VALUES = {**{word: n for n, word in enumerate(UNITS)}, **{word: 10 * n for n, word in enumerate(TENS) if word}}
DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th)?$")
SUFFIXES = re.compile(r"\s*(?:%|percent|per cent)$", re.IGNORECASE)


def _words(tokens: list[str]) -> float | None:
    """A cardinal or ordinal in words: 'sixty-four', 'two hundred', 'twenty-first'."""
    total, current = 0, 0
    for token in tokens:
        if token in WORD_VALUES:
            current += WORD_VALUES[token]
        elif token in ORDINALS:
            current += ORDINALS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token == "thousand":
            total, current = total + (current or 1) * 1000, 0
        elif token == "and":
            continue
        else:
            return None
    return float(total + current)


def written_value(text: str) -> float | None:
    """The number the written figure states, or None when it states no single number."""
    cleaned = SUFFIXES.sub("", text.strip()).lower()
    if DIGITS.match(cleaned):
        return float(re.sub(r"(st|nd|rd|th)$", "", cleaned).replace(",", ""))
    tokens = cleaned.replace("-", " ").split()
    if not tokens:
        return None
    # A fraction: a numerator in words (or 'a') and a denominator ('three-quarters', 'a half').
    if len(tokens) >= 2 and tokens[-1] in FRACTIONS:
        numerator = 1.0 if tokens[:-1] == ["a"] else _words(tokens[:-1])
        if numerator is not None:
            return numerator / FRACTIONS[tokens[-1]]
    if tokens == ["half"]:
        return 0.5
    return _words(tokens)


def number_or_none(cell: str) -> float | None:
    """A cell read as a number, or None when it is not one."""
    try:
        return float(cell)
    except ValueError:
        return None
