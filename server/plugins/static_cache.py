"""Static files a browser or a CDN keeps: the site's own stylesheet and script are linked with
their content's digest in the address, and every static file is sent with a cache lifetime.

An address that carries a digest (`/static/mandate.css?v=…`, Datasette's `/-/static/app.css?…`)
names one content for ever: a year, immutable. Other static files (Datasette's own scripts, named by
their version) may be kept for an hour. Pages and data keep Datasette's own cache time (behind a
CDN, `--cdn` gives the database's pages hashed addresses of their own).
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from datasette import hookimpl

STATIC_PREFIXES = (b"/static/", b"/-/static/", b"/-/static-plugins/")
IMMUTABLE = b"public, max-age=31536000, immutable"
AN_HOUR = b"public, max-age=3600"


@lru_cache(maxsize=None)
def digest(path: Path) -> str:
    """The first 12 hex digits of the file's sha256: its address changes whenever its bytes do."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_url(datasette, name: str) -> str:
    """The address of a file of the site's static folder (mounted as `static`), with its digest."""
    folder = dict(datasette.static_mounts)["static"]
    return datasette.urls.path(f"static/{name}") + f"?v={digest(Path(folder) / name)}"


@hookimpl
def extra_css_urls(datasette):
    # Every page, Datasette's own included, takes the site's styles.
    return [static_url(datasette, "mandate.css")]


@hookimpl
def extra_template_vars(datasette):
    return {"static_url": lambda name: static_url(datasette, name)}


def cache_control(path: bytes, query: bytes) -> bytes | None:
    """The Cache-Control of a static file's address, None for any other address.

    >>> cache_control(b"/static/mandate.css", b"v=0123456789ab")
    b'public, max-age=31536000, immutable'
    >>> cache_control(b"/-/static/codemirror-5.57.0.min.js", b"")
    b'public, max-age=3600'
    >>> cache_control(b"/mandate_notes/actors", b"") is None
    True
    """
    if not path.startswith(STATIC_PREFIXES):
        return None
    return IMMUTABLE if query else AN_HOUR


def cached(app):
    async def wrapped(scope, receive, send):
        policy = cache_control(scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b"")) \
            if scope["type"] == "http" else None
        if policy is None:
            await app(scope, receive, send)
            return

        async def send_with_policy(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(name, value) for name, value in message.get("headers", [])
                           if name.lower() != b"cache-control"]
                message = {**message, "headers": headers + [(b"cache-control", policy)]}
            await send(message)

        await app(scope, receive, send_with_policy)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return cached
