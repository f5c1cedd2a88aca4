"""Every HTML page says what language it is in (`<html lang="en">`), so that a screen reader reads it
with the right voice and a browser offers the right translation.

Datasette 0.65's base template writes a bare `<html>` outside any block (Datasette adds the attribute
after 0.65: simonw/datasette#2348), so no template of ours can add it. Here the opening tag of each
HTML response is given the attribute as it is sent; a page whose tag already has one is left as it
is. Guarded by tests/test_browser_widths.py (axe-core's html-has-lang on every page type).
"""

from datasette import hookimpl

LANGUAGE = b"en"
BARE_TAG = b"<html>"
# The tag comes first in every page Datasette renders: after the doctype, within this many bytes.
LOOK_WITHIN = 512


def with_language(body: bytes) -> bytes:
    """The body with its bare opening <html> tag given the language.

    >>> with_language(b'<!DOCTYPE html>\\n<html>\\n<head>')
    b'<!DOCTYPE html>\\n<html lang="en">\\n<head>'
    >>> with_language(b'<html lang="fr"><p>&lt;html&gt;')
    b'<html lang="fr"><p>&lt;html&gt;'
    """
    at = body.find(BARE_TAG, 0, LOOK_WITHIN)
    if at < 0:
        return body
    return body[:at] + b'<html lang="' + LANGUAGE + b'">' + body[at + len(BARE_TAG):]


def is_html(start: dict) -> bool:
    return any(name.lower() == b"content-type" and value.startswith(b"text/html")
               for name, value in start.get("headers", []))


def language_tagged(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        held = {"start": None}

        async def tagging_send(message):
            if message["type"] == "http.response.start" and is_html(message):
                held["start"] = message  # sent with the first part of the body, once its length is known
                return
            if message["type"] == "http.response.body" and held["start"] is not None:
                start, held["start"] = held["start"], None
                body = message.get("body", b"")
                tagged = with_language(body)
                if tagged is not body:
                    grown = len(tagged) - len(body)
                    start = {**start, "headers": [
                        (name, str(int(value) + grown).encode() if name.lower() == b"content-length" else value)
                        for name, value in start.get("headers", [])]}
                    message = {**message, "body": tagged}
                await send(start)
            await send(message)

        await app(scope, receive, tagging_send)

    return wrapped


# First in the hook order, so applied first: inside compression, which then sees the tagged page.
@hookimpl(tryfirst=True)
def asgi_wrapper(datasette):
    return language_tagged
