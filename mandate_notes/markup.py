"""HTML fragments the site's plugins share, and the addresses they link to."""

import re

from markupsafe import Markup, escape

from mandate_notes.paths import SUPERSCRIPT_DIGITS

MARKER = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
TO_DIGITS = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")


def highlighted(text, quote):
    """The paragraph's text with the first occurrence of the quote marked (validation ensures one)."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return escape(text)
    end = start + len(quote)
    return Markup(f"{escape(text[:start])}<mark>{escape(quote)}</mark>{escape(text[end:])}")


def on_this_page(number: str) -> str:
    return f"#footnote-{number}"


def marked_up(text, footnote_url=on_this_page):
    """The text (plain, or markup already escaped) with each superscript footnote marker linked to
    footnote_url(number), or left as printed where that gives no address.

    >>> str(marked_up("troops²³ <b>"))
    'troops<sup><a href="#footnote-23" class="marker">23</a></sup> &lt;b&gt;'
    """
    def link(match):
        number = match.group().translate(TO_DIGITS)
        url = footnote_url(number)
        if not url:
            return match.group()
        return f'<sup><a href="{escape(url)}" class="marker">{number}</a></sup>'

    return Markup(MARKER.sub(link, str(escape(text))))


async def footnote_pages(datasette, db, document_id):
    """footnote_url for marked_up: a marker's number to the page of that footnote of the document
    (None for a number the document has no footnote for)."""
    pages = {}
    if document_id:
        rows = await db.execute("select footnote_number, paragraph_id from paragraphs "
                                "where document_id = ? and kind = 'footnote'", [document_id])
        pages = {str(row[0]): datasette.urls.row(db.name, "paragraphs", row[1]) for row in rows}
    return pages.get
