"""The hardening headers every response carries, whoever writes it: the site's plugins
(server/plugins/hardening.py) or the HTTP server itself (mandate_notes/idle_protocol.py).

Datasette's own templates hold inline scripts (menus, the SQL editor), so scripts and styles may be
inline; everything else must come from this site, nothing may frame it, and nothing is loaded from
elsewhere. Referrer-Policy is no-referrer, as Datasette already sends on its query pages, whose
URLs hold SQL.
"""

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
}


def with_headers(headers) -> list:
    """headers (name, value pairs) with every hardening header they lack added.

    >>> [name for name, _ in with_headers([(b"X-Frame-Options", b"SAMEORIGIN")])][:2]
    [b'X-Frame-Options', b'content-security-policy']
    """
    present = {bytes(name).lower() for name, _ in headers}
    return list(headers) + [(name, value) for name, value in HEADERS.items() if name not in present]
