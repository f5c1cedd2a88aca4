"""HTML fragments the site's plugins share."""

from markupsafe import Markup, escape


def highlighted(text, quote):
    """The paragraph's text with the first occurrence of the quote marked (validation ensures one)."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return escape(text)
    end = start + len(quote)
    return Markup(f"{escape(text[:start])}<mark>{escape(quote)}</mark>{escape(text[end:])}")
