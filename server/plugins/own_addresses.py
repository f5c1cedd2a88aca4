"""The site answers for its own addresses and sends visitors only to its own pages.

- A request line in absolute form (`GET http://elsewhere.example/x/ HTTP/1.1`) is read as its path
  (`/x/`): Datasette redirected it to the host it named.
- A redirect leads to a path of this site: a Location that names a host, or that a browser reads as
  one (`/\\evil.example` is `//evil.example` to a browser), keeps its path alone. Datasette's
  trailing-slash redirect answered `GET /\\evil.example/` with `Location: /\\evil.example`.
- Where the server knows the names it is reached by (`make serve` says so, and so does a published
  site_url in schemas/definitions.py), a request naming any other Host is refused (400): Datasette
  writes the Host into the addresses it makes absolute (sitemap.xml, robots.txt, the home page's
  JSON-LD, the next_url of JSON), and a cache in front would keep a stranger's host in them. A
  request may name the address it reached (the server's own), a loopback name (localhost,
  127.0.0.1, [::1]), the published site's host, or a name listed in MANDATE_NOTES_HOSTS.
"""

import json
import os
from urllib.parse import urlsplit, urlunsplit

from datasette import hookimpl

from mandate_notes.serve import HOSTS_VARIABLE
from schemas.definitions import PUBLISHED

LOOPBACK = {"localhost", "127.0.0.1", "[::1]", "::1"}
UNKNOWN_HOST = "unknown host: this server does not answer for the host this request names"


def same_site(location: str) -> str:
    """A redirect's Location as a path of this site.

    >>> same_site("/\\\\evil.example"), same_site("//evil.example/x"), same_site("/mandate_notes?_size=5")
    ('/evil.example', '/evil.example/x', '/mandate_notes?_size=5')
    >>> same_site("http://evil.example/mandate_notes?q=1"), same_site(" /\\\\/evil.example")
    ('/mandate_notes?q=1', '/evil.example')
    """
    location = location.strip()
    if not location.startswith(("/", "\\")):
        parts = urlsplit(location)
        location = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    return "/" + location.lstrip("/\\")


def known_hosts() -> set[str] | None:
    """The names the server is reached by beyond its own address and loopback, or None where it
    does not know them (then every Host is answered, as Datasette does)."""
    listed = os.environ.get(HOSTS_VARIABLE)
    site = urlsplit(PUBLISHED["site_url"]).netloc.lower()
    if listed is None and not site:
        return None
    return {name.strip().lower() for name in (listed or "").split(",") if name.strip()} | ({site} if site else set())


def answers_for(host: str, server, names: set[str]) -> bool:
    """Whether a request naming host (its Host header, lower case) may be answered."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if host in names or name in names or name in LOOPBACK:
        return True
    if server:
        address, port = server[0], server[1]
        own = f"[{address}]" if ":" in str(address) else str(address)
        return host in (f"{own}:{port}", own if port in (80, 443) else None)
    return False


def refused(status: int, message: str):
    body = json.dumps({"ok": False, "error": message}).encode()
    return ({"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json; charset=utf-8"),
                         (b"content-length", str(len(body)).encode())]},
            {"type": "http.response.body", "body": body})


def own_addresses(app):
    names = known_hosts()

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        if not scope["path"].startswith("/"):  # a request line in absolute form: its path is asked for
            raw = urlsplit((scope.get("raw_path") or scope["path"].encode()).decode("latin-1")).path
            scope = {**scope, "path": "/" + urlsplit(scope["path"]).path.lstrip("/"),
                     "raw_path": ("/" + raw.lstrip("/")).encode("latin-1")}
        host = next((value.decode("latin-1").lower() for key, value in scope["headers"] if key == b"host"), None)
        if names is not None and host is not None and not answers_for(host, scope.get("server"), names):
            for message in refused(400, UNKNOWN_HOST):
                await send(message)
            return

        async def send_own(message):
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                message = {**message, "headers": [
                    (key, same_site(value.decode("latin-1")).encode("latin-1") if key.lower() == b"location" else value)
                    for key, value in message.get("headers", [])]}
            await send(message)

        await app(scope, receive, send_own)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return own_addresses
