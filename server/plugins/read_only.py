"""Refuse every request that is not a read, and every request that announces a body, before Datasette
sees it.

The site is read-only, so no request needs a body, and one that announces one (a Content-Length above
0, or a Transfer-Encoding) is answered at once, 405 for a write and 413 for a read, with
`Connection: close`: the server closes the connection instead of waiting for the body, which a client
sending it a byte at a time would otherwise make it wait for until the idle timeout.
"""

import json

from datasette import hookimpl

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
READ_ONLY = "This dataset is read-only."
NO_BODY = "This dataset is read-only: a request may carry no body."


def announces_body(headers) -> bool:
    """Whether a request's headers announce a body (h11 has already refused malformed lengths).

    >>> announces_body([(b"content-length", b"0")]), announces_body([(b"transfer-encoding", b"chunked")])
    (False, True)
    """
    return any(name == b"transfer-encoding" or name == b"content-length" and value.strip() != b"0"
               for name, value in headers)


def refusal(status: int, message: str, close: bool) -> list[dict]:
    body = json.dumps({"ok": False, "error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"allow", b"GET, HEAD, OPTIONS"),
               (b"content-length", str(len(body)).encode())]
    return [{"type": "http.response.start", "status": status,
             "headers": headers + ([(b"connection", b"close")] if close else [])},
            {"type": "http.response.body", "body": body}]


def refuse_writes(app):
    async def wrapped(scope, receive, send):
        if scope["type"] == "http":
            body = announces_body(scope["headers"])
            if scope["method"] not in READ_METHODS:
                answer = refusal(405, READ_ONLY, close=body)
            elif body:
                answer = refusal(413, NO_BODY, close=True)
            else:
                answer = None
            if answer is not None:
                for message in answer:
                    await send(message)
                return
        await app(scope, receive, send)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return refuse_writes
