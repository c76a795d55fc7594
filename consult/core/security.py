"""Security headers, safe redirects, and a session cookie that stays small."""

from urllib.parse import urlsplit

from flask import message_flashed, request, session

#: messages kept waiting in the session at most
MAX_PENDING_FLASHES = 5

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def is_safe_next(target):
    """True when ``target`` is a local path (no scheme, no host): guards ``?next=``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target


def _set_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint and request.endpoint.startswith("accounts."):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _keep_flashes_few(_app, **_message):
    """Messages not yet shown, each once and the last few only: a client that does not
    follow the redirects after its posts (a script, a form sent from many tabs) would grow
    the signed session cookie with every action, past the 4 KB a browser keeps — signing
    the user out — and make every request read and write it."""
    pending = session["_flashes"]
    distinct = list(dict.fromkeys(tuple(entry) for entry in pending))
    if len(distinct) != len(pending) or len(distinct) > MAX_PENDING_FLASHES:
        session["_flashes"] = distinct[-MAX_PENDING_FLASHES:]


def init_app(app):
    app.after_request(_set_headers)
    message_flashed.connect(_keep_flashes_few, app)
