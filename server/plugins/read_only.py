"""Refuse every request that is not a read, before Datasette sees it."""

from datasette import hookimpl

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def refuse_writes(app):
    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and scope["method"] not in READ_METHODS:
            body = b'{"ok": false, "error": "This dataset is read-only."}'
            await send({
                "type": "http.response.start",
                "status": 405,
                "headers": [(b"content-type", b"application/json"), (b"allow", b"GET, HEAD, OPTIONS"),
                            (b"content-length", str(len(body)).encode())],
            })
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return refuse_writes
