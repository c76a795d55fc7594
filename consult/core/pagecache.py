"""The cache of hot public pages and shared query results (Flask-Caching).

Redis when ``CONSULT_REDIS_URL`` is set, so every web process and machine shares one cache;
otherwise a small cache in each process's memory. Only anonymous visitors' pages are stored
whole (signed-in users see their own header, buttons and waiting comments): such a page has
no per-user part but its CSRF token, which is swapped for a placeholder before storing and for
the visitor's own token when served. Keys carry a *stamp* of the data the page shows (read
from the database on every request), so a change made by any process gives a new key at
once; ``CONSULT_CACHE_TIMEOUT`` bounds what the stamp does not see. Cache failures (Redis
down) are logged and the page is rendered as if there were no cache.
"""

import logging
import secrets
from itertools import chain

from flask import current_app, has_app_context, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.extensions import cache

log = logging.getLogger(__name__)

#: stands for the visitor's CSRF token in a stored page; "<" is escaped in any user text
CSRF_PLACEHOLDER = "<consult-csrf-token/>"
#: query arguments a cacheable page may have (the comment cursor); others bypass the cache
PAGE_ARGS = {"trang"}
_MAX_QUERY = 64
HEADER = "X-Consult-Cache"
_CHANGED = "page_cache_changed"


def init_app(app):
    """Bind the cache: Redis (shared), process memory, or nothing when the timeout is 0."""
    timeout = app.config["CONSULT_CACHE_TIMEOUT"]
    config = {"CACHE_DEFAULT_TIMEOUT": timeout,
              "CACHE_KEY_PREFIX": app.config["CONSULT_CACHE_KEY_PREFIX"]}
    if timeout <= 0:
        config.update(CACHE_TYPE="NullCache", CACHE_NO_NULL_WARNING=True)
    elif app.config["CONSULT_REDIS_URL"]:
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=app.config["CONSULT_REDIS_URL"],
                      CACHE_OPTIONS={"socket_timeout": 1, "socket_connect_timeout": 1})
    else:
        config.update(CACHE_TYPE="SimpleCache",
                      CACHE_THRESHOLD=app.config["CONSULT_CACHE_MEMORY_ITEMS"])
    cache.init_app(app, config=config)
    if not event.contains(Session, "after_flush", _record_changes):
        event.listen(Session, "after_flush", _record_changes)
        event.listen(Session, "after_commit", _new_generations)
        event.listen(Session, "after_rollback", _forget_changes)


# ---- generations: a change committed by any process gives new keys at once ---------------
#
# The stamps read from the database (comments' and consultations' updated_at) miss one case:
# two writes that commit out of timestamp order (the later time committed first), which a
# surge makes common. So every commit that changed what a consultation's pages show also
# gives that consultation a new random *generation* in the cache, after the commit; the
# stamp includes it. With Redis every process sees it at once; in process memory, the
# process that wrote it (and the others after CONSULT_CACHE_TIMEOUT).

def _record_changes(session, _flush_context):
    """After a flush: note the consultations whose objects changed (``cache_consultation_id``
    on the models)."""
    changed = session.info.setdefault(_CHANGED, set())
    for instance in chain(session.new, session.dirty, session.deleted):
        consultation_id = getattr(instance, "cache_consultation_id", None)
        if consultation_id is not None:
            changed.add(consultation_id)


def _forget_changes(session):
    session.info.pop(_CHANGED, None)


def _new_generations(session):
    changed = session.info.pop(_CHANGED, None)
    if not changed or not has_app_context() or not enabled():
        return
    for consultation_id in changed:
        _set(f"gen:{consultation_id}", secrets.token_hex(4), timeout=0)  # 0: no expiry


def generation(consultation_id):
    """The consultation's current generation ("0" before any change was recorded)."""
    if not enabled():
        return "0"
    return _get(f"gen:{consultation_id}") or "0"


def enabled():
    return current_app.config["CONSULT_CACHE_TIMEOUT"] > 0


def _get(key):
    try:
        return cache.get(key)
    except Exception:  # a cache that is down must not take the site down
        log.warning("cache read failed", exc_info=True)
        return None


def _set(key, value, timeout=None):
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        log.warning("cache write failed", exc_info=True)


def remembered(key, compute, timeout=None):
    """``compute()``, kept in the cache under ``key`` (which must name the data's stamp).

    ``timeout``: seconds to keep it, when the key is exact enough to outlive the default.
    """
    if not enabled():
        return compute()
    value = _get(key)
    if value is None:
        value = compute()
        _set(key, value, timeout)
    return value


def _cacheable(args, max_query):
    """A GET by an anonymous visitor with nothing pending in the session (flash messages)."""
    return (enabled() and request.method == "GET" and not current_user.is_authenticated
            and "_flashes" not in session and len(request.query_string) <= max_query
            and all(name in args for name in request.args))


def cached_page(name, stamp, render, args=PAGE_ARGS, max_query=_MAX_QUERY):
    """The response of ``render()`` (a view's return value), from the cache when it can be.

    ``stamp`` changes whenever the data the page shows changes; ``args`` are the query
    arguments the page may have (any other one bypasses the cache). The response says
    ``X-Consult-Cache: hit``, ``miss`` (rendered and stored) or ``bypass``.
    """
    if not _cacheable(args, max_query):
        response = make_response(render())
        response.headers[HEADER] = "bypass"
        return response
    key = f"page:{name}:{get_locale()}:{stamp}:{request.full_path}"
    html = _get(key)
    if html is not None:
        response = make_response(html.replace(CSRF_PLACEHOLDER, generate_csrf()))
        response.headers[HEADER] = "hit"
        return response
    response = make_response(render())
    if response.status_code == 200 and response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        _set(key, html.replace(generate_csrf(), CSRF_PLACEHOLDER))
    response.headers[HEADER] = "miss"
    return response
