"""HTML fragments the site's plugins share, and the addresses they link to.

Text from the data is always escaped first; only fixed tags are added to it: <em> and <strong> for
the Markdown emphasis the source texts are written with, and one form for every footnote marker (a
superscript number, linked to its footnote where the document has it).
"""

import difflib
import functools
import re

from markupsafe import Markup, escape

from mandate_notes import request_budget
from mandate_notes.paths import SUPERSCRIPT_DIGITS

MARKER = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
TO_DIGITS = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
# A footnote's text begins with its own number, printed in superscript or in digits.
QUOTE_OPEN, QUOTE_CLOSE = "\ue000", "\ue001"  # never in the data (private use)
OWN_NUMBER = re.compile(f"^([{SUPERSCRIPT_DIGITS}]+|[0-9]+)(?= )")
# Markdown emphasis as CommonMark reads it: the delimiters hug the words and are not inside a word
# (so snake_case codes and file_names stay as they are). Strong before emphasis. What lies between
# two delimiters holds no delimiter but one inside a word (`a*b`, `support_level`), which can neither
# open nor close: so a match attempt stops at the next delimiter that could, each character is read
# by at most one attempt, and the time is linear in the text (`(.+?)` made "*a *a *a ..." quadratic).
_INNER = r"((?:[^{d}]|(?<=\w){e}(?=\w))+?)"
EMPHASIS = [
    (re.compile(r"(?<![\w*])\*\*(?=[^\s*])" + _INNER.format(d="*", e=r"\*") + r"(?<=[^\s*])\*\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])" + _INNER.format(d="*", e=r"\*") + r"(?<=[^\s*])\*(?![\w*])"), "em"),
    (re.compile(r"(?<![\w_])__(?=[^\s_])" + _INNER.format(d="_", e="_") + r"(?<=[^\s_])__(?![\w_])"), "strong"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])" + _INNER.format(d="_", e="_") + r"(?<=[^\s_])_(?![\w_])"), "em"),
]


# What writing one element into a cell (a footnote marker, a link to a listed row) is charged to the
# request's markup budget, in characters: it costs the event loop up to 10 microseconds, what reading
# about 100 characters for emphasis does. Past the budget, markers and lists stay as written.
ELEMENT_CHARS = 100


def affordable(elements: int, chars: int = 0) -> bool:
    """Whether the request may still write this many elements into its cells, and read this many
    characters for them (both are charged if so)."""
    budget = request_budget.current()
    return budget is None or budget.charge_markup(elements * ELEMENT_CHARS + chars)


def renderable(text: str) -> bool:
    """Whether the request may still render the markup of this text, escaped (nothing is charged): a
    cell beyond is shown as Datasette shows any text (on a page of query results, its start)."""
    budget = request_budget.current()
    return budget is None or len(escape(text)) <= budget.markup_chars


def emphasised(text) -> Markup:
    """The text escaped, its Markdown emphasis as <em> and <strong>.

    >>> str(emphasised("*Africa Report*, **IPI** and support_level <i>"))
    '<em>Africa Report</em>, <strong>IPI</strong> and support_level &lt;i&gt;'
    >>> str(emphasised("2 * 3 * 4, a lone * and _x_"))
    '2 * 3 * 4, a lone * and <em>x</em>'
    >>> str(emphasised("_see support_level_ and a*b*"))
    '<em>see support_level</em> and a*b*'
    """
    html = str(escape(text))
    budget = request_budget.current()
    if budget is not None and not budget.charge_markup(len(html)):
        return Markup(html)  # the request has rendered all the markup it may: the text stays plain
    for pattern, tag in EMPHASIS:
        html = pattern.sub(lambda match, tag=tag: f"<{tag}>{match.group(1)}</{tag}>", html)
    return Markup(html)


def highlighted(text, quote):
    """The paragraph's text, emphasis rendered, with the first occurrence of the quote marked
    (validation ensures one).

    >>> str(highlighted("See *Africa Report*, May 2023.", "Africa Report*, May"))
    'See <em><mark>Africa Report</em>, May</mark> 2023.'
    """
    start = text.find(quote) if quote else -1
    if start < 0:
        return emphasised(text)
    end = start + len(quote)
    # Marked in the text before the emphasis is read, so that emphasis across the quote's edge still reads.
    html = str(emphasised(f"{text[:start]}{QUOTE_OPEN}{quote}{QUOTE_CLOSE}{text[end:]}"))
    return Markup(html.replace(QUOTE_OPEN, "<mark>").replace(QUOTE_CLOSE, "</mark>"))


def on_this_page(number: str) -> str:
    return f"#footnote-{number}"


def footnote_marker(number, url=None) -> Markup:
    """A footnote marker as every page shows it: a superscript number, linked to the footnote.

    >>> str(footnote_marker(23, "#footnote-23"))
    '<sup><a href="#footnote-23" class="marker">23</a></sup>'
    >>> str(footnote_marker("4"))
    '<sup class="marker">4</sup>'
    """
    number = escape(str(number).translate(TO_DIGITS))
    if not url:
        return Markup(f'<sup class="marker">{number}</sup>')
    return Markup(f'<sup><a href="{escape(url)}" class="marker">{number}</a></sup>')


def marked_up(text, footnote_url=on_this_page, footnote=False):
    """The text (plain, or markup already escaped) with its emphasis rendered and each superscript
    footnote marker linked to footnote_url(number), or shown unlinked where that gives no address.
    A footnote's own leading number (footnote=True) takes the same form.

    >>> str(marked_up("troops²³ <b>"))
    'troops<sup><a href="#footnote-23" class="marker">23</a></sup> &lt;b&gt;'
    >>> str(marked_up("14 See *IPI Global Observatory*", footnote=True))
    '<sup><a href="#footnote-14" class="marker">14</a></sup> See <em>IPI Global Observatory</em>'
    """
    html = str(text) if isinstance(text, Markup) else str(emphasised(text))
    if not affordable(len(MARKER.findall(html))):
        return Markup(html)
    head = ""
    own = footnote and OWN_NUMBER.match(html)
    if own:
        number = own.group().translate(TO_DIGITS)
        head, html = str(footnote_marker(number, footnote_url(number))), html[own.end():]

    def link(match):
        number = match.group().translate(TO_DIGITS)
        return str(footnote_marker(number, footnote_url(number)))

    return Markup(head + MARKER.sub(link, html))


def markers(numbers, footnote_url=on_this_page) -> Markup:
    """A list of footnote numbers ('3;4', or one number) as markers.

    >>> str(markers("3;4", lambda n: None))
    '<sup class="marker">3</sup> <sup class="marker">4</sup>'
    """
    numbers = [number for number in str(numbers).split(";") if number]
    if not affordable(len(numbers)):
        return escape(";".join(numbers))
    return Markup(" ".join(str(footnote_marker(n, footnote_url(n))) for n in numbers))


async def footnote_pages(datasette, db, document_id):
    """footnote_url for marked_up: a marker's number to the page of that footnote of the document
    (None for a number the document has no footnote for). Asked once per document for as long as the
    server runs (the database is immutable)."""
    known = db.__dict__.setdefault("_footnote_pages", {})
    if document_id not in known:
        pages = {}
        if document_id:
            rows = await db.execute("select footnote_number, paragraph_id from paragraphs "
                                    "where document_id = ? and kind = 'footnote'", [document_id])
            pages = {str(row[0]): datasette.urls.row(db.name, "paragraphs", row[1]) for row in rows}
        known[document_id] = pages
    return known[document_id].get


async def document_of(db, row):
    """The document a row belongs to: its document_id, else its paragraph's (None if neither). A
    table page gives a foreign key's cell as {"value": ..., "label": ...}."""
    def cell(column):
        value = row[column] if column in row.keys() else None
        return value["value"] if isinstance(value, dict) else value

    if cell("document_id"):
        return cell("document_id")
    if cell("paragraph_id"):
        return (await paragraph_documents(db)).get(cell("paragraph_id"))
    return None


async def paragraph_documents(db) -> dict:
    """Every paragraph's document, read once for as long as the server runs (the database is
    immutable): a search page's hundred passages had asked for theirs one query each, 17 of the
    page's 48 ms."""
    known = db.__dict__.get("_paragraph_documents")
    if known is None:
        def read(conn):
            return dict(conn.execute("select paragraph_id, document_id from paragraphs"))

        known = db.__dict__.setdefault("_paragraph_documents", await db.execute_fn(read))
    return known


# A word with the spaces after it: consecutive changed words are marked as one span.
WORDS = re.compile(r"\S+\s*")


@functools.lru_cache(maxsize=4096)
def word_changes(old: str, new: str) -> tuple[Markup, Markup]:
    """Two texts escaped, the words only the first has marked <del> and those only the second has <ins>.

    >>> [str(side) for side in word_changes("to protect civilians", "to protect all civilians now")]
    ['to protect civilians', 'to protect <ins>all</ins> civilians <ins>now</ins>']
    >>> [str(side) for side in word_changes("until 15 March 2021;", "until 30 April 2025;")]
    ['until <del>15 March 2021;</del>', 'until <ins>30 April 2025;</ins>']
    """
    first, second = WORDS.findall(old), WORDS.findall(new)
    # Words are compared without the spaces after them; the spaces are kept in what is shown.
    matcher = difflib.SequenceMatcher(None, [word.rstrip() for word in first], [word.rstrip() for word in second],
                                      autojunk=False)
    marked_old, marked_new = [], []
    for operation, a0, a1, b0, b1 in matcher.get_opcodes():
        removed, added = "".join(first[a0:a1]), "".join(second[b0:b1])
        if operation == "equal":
            marked_old.append(str(escape(removed)))
            marked_new.append(str(escape(added)))
            continue
        if removed.strip():
            marked_old.append(_marked("del", removed))
        if added.strip():
            marked_new.append(_marked("ins", added))
    return Markup("".join(marked_old)), Markup("".join(marked_new))


def _marked(tag: str, text: str) -> str:
    """text in tag, its leading and trailing spaces outside it."""
    core = text.strip()
    start = text.index(core)
    return f"{escape(text[:start])}<{tag}>{escape(core)}</{tag}>{escape(text[start + len(core):])}"
