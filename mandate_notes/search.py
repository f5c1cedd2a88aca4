"""What a researcher types into a search box, as an FTS5 query that is always valid.

Words match in any form the stemmer joins (election, elections); "quoted words" match as a phrase;
a word ending in * matches as a prefix; OR between two terms matches either; every other term must
occur. Nothing typed can become FTS5 syntax of its own, so no search ends in a syntax error.

    >>> fts_query('elections')
    '"elections"'
    >>> fts_query('"election support" elect* OR peacekeeper')
    '"election support" "elect"* OR "peacekeeper"'
    >>> fts_query('"'), fts_query('OR'), fts_query('*')
    ('"nomatchsentinel"', '"nomatchsentinel"', '"nomatchsentinel"')

A resolution is found by its symbol or number as a researcher writes it (resolution_number), and a
word that finds nothing is answered with the closest word of the index's own vocabulary
(closest_terms, over FTS5's vocabulary table).
"""

from __future__ import annotations

import difflib
import re

TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')
# A term no text holds: what a search with no terms (a lone quote, a lone OR) looks for.
NOTHING = '"nomatchsentinel"'


def _term(token: str) -> str | None:
    if token.startswith('"'):
        words = token.strip('"').split()
        return f'"{" ".join(words)}"' if words else None
    prefix = token.endswith("*")
    word = token.rstrip("*").replace('"', "")
    if not word:
        return None
    return f'"{word}"*' if prefix else f'"{word}"'


def fts_query(text: str | None) -> str:
    """The FTS5 expression for a search box's text (see the module's description)."""
    parts: list[str] = []
    for token in TOKEN.findall(text or ""):
        if token == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        term = _term(token)
        if term:
            parts.append(term)
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts) or NOTHING


# "S/RES/2640 (2022)", "S/RES/2640", "s/res/2640(2022)", "resolution 2640", "res. 2640", "2640": a
# Security Council resolution's number, written alone or as its symbol (numbers run from 1 up).
RESOLUTION = re.compile(
    r"^\s*(?:s\s*/\s*res\s*/\s*|(?:security\s+council\s+)?res(?:olution)?\.?\s*)?"
    r"(?P<number>[1-9][0-9]{0,4})\s*(?:\(\s*(?P<year>(?:19|20)[0-9]{2})\s*\))?\s*$", re.IGNORECASE)


def resolution_number(text: str | None) -> str | None:
    """The number of the resolution a search names by symbol or number, None if it names none.

    >>> [resolution_number(t) for t in ["S/RES/2640 (2022)", "s/res/2690", "2640", "resolution 2690 (2023)"]]
    ['2640', '2690', '2640', '2690']
    >>> [resolution_number(t) for t in ["elections", "2640 elections", "", None]]
    [None, None, None, None]
    """
    match = RESOLUTION.match(text or "")
    return match["number"] if match else None


def plain_words(text: str | None) -> list[str]:
    """The plain words of a search (no phrase, prefix or OR), whose spelling a suggestion may mend.

    >>> plain_words('peacekeping "strategic communications" elect* OR Wagner')
    ['peacekeping', 'Wagner']
    """
    return [token for token in TOKEN.findall(text or "")
            if token != "OR" and not token.startswith('"') and not token.endswith("*") and token.isalpha()]


def closest_terms(word: str, vocabulary, count: int = 3) -> list[str]:
    """The index's terms (Porter stems) nearest a word that finds nothing, nearest first.

    >>> closest_terms("peacekeping", ["peacebuild", "peacekeep", "keep", "elect"])
    ['peacekeep']
    """
    return difflib.get_close_matches(word.lower(), vocabulary, n=count, cutoff=0.7)


def closest_form(word: str, forms) -> str | None:
    """Of the forms a term takes in the text, the one nearest the word as typed.

    >>> closest_form("peacekeping", ["peacekeepers", "peacekeeping", "Peacekeeping"])
    'peacekeeping'
    """
    forms = sorted(set(forms))
    if not forms:
        return None
    return max(forms, key=lambda form: (difflib.SequenceMatcher(None, word.lower(), form).ratio(), form.islower()))
