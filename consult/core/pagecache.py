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
import re
import secrets
import time
from itertools import chain

from flask import (
    current_app,
    g,
    has_app_context,
    make_response,
    render_template,
    request,
    session,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from consult.core.idempotency import new_key
from consult.extensions import cache

log = logging.getLogger(__name__)

#: stands for the visitor's CSRF token in a stored page; "<" is escaped in any user text
CSRF_PLACEHOLDER = "<consult-csrf-token/>"
#: stands for a form's idempotency key: each page served gets fresh ones
FORM_KEY_PLACEHOLDER = "<consult-form-key/>"
_FORM_KEY = re.compile(re.escape(FORM_KEY_PLACEHOLDER))
#: stands for the signed-in part of the header in pages stored for members
USER_NAV_SLOT = "<consult-user-nav/>"
#: stands for the messages of the visitor's last action ("Cảm ơn bạn đã góp ý.")
FLASHES_SLOT = "<consult-flashes/>"
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
# surge makes common. So every commit that changed what some pages show also gives each of
# those pages' *generations* a new random value in the cache, after the commit; the stamps
# include them. The models name theirs (``cache_generations``): "c<id>" for everything a
# consultation's pages show, "s<id>" for the thread of one article, "g<id>" for the general
# comments of a consultation, "names" for the names pages show (a renamed or closed account,
# a renamed agency: rare, so one generation for all). With Redis every process sees them at
# once; in process memory, the process that wrote them (the others after
# CONSULT_CACHE_TIMEOUT).
NAMES = "names"

def _record_changes(session, _flush_context):
    """After a flush: note the generations of the objects that changed."""
    changed = session.info.setdefault(_CHANGED, set())
    for instance in chain(session.new, session.dirty, session.deleted):
        changed.update(getattr(instance, "cache_generations", ()))


def _changed_attributes(instance):
    """The names of the attributes changed on a row that existed before, or None for a new
    (or detached) row. Read in ``after_flush``, where the attributes' history is still
    there."""
    state = inspect(instance)
    if state.session is None or instance in state.session.new:
        return None
    return {attribute.key for attribute in state.attrs if attribute.history.has_changes()}


def names_changed(instance, attributes):
    """``cache_generations`` for a row whose ``attributes`` are names pages show: the names
    generation when one of them changed on a row that existed before."""
    changed = _changed_attributes(instance)
    return (NAMES,) if changed and changed & set(attributes) else ()


def changed_only(instance, attributes):
    """Whether the changes of a row that existed before are to ``attributes`` alone."""
    changed = _changed_attributes(instance)
    return changed is not None and changed <= set(attributes)


def note_changed(session, names):
    """Record the generations of a change the flush does not see (a row written with a Core
    INSERT)."""
    session.info.setdefault(_CHANGED, set()).update(names)


def _forget_changes(session):
    session.info.pop(_CHANGED, None)


def _new_generations(session):
    changed = session.info.pop(_CHANGED, None)
    if not changed or not has_app_context() or not enabled():
        return
    try:  # one round trip (a pipeline in Redis); 0: no expiry
        cache.set_many({f"gen:{name}": secrets.token_hex(4) for name in changed}, timeout=0)
    except Exception:
        log.warning("cache write failed", exc_info=True)


def generation(name):
    """The current generation of ``name`` ("0" before any change was recorded)."""
    return generations([name])[0]


def generations(names):
    """The current generations of ``names``, read in one round trip (MGET in Redis)."""
    if not enabled():
        return ["0"] * len(names)
    try:
        values = cache.get_many(*(f"gen:{name}" for name in names))
    except Exception:  # a cache that is down must not take the site down
        log.warning("cache read failed", exc_info=True)
        values = [None] * len(names)
    return [value or "0" for value in values]


def current(key, names, compute, timeout=None):
    """``compute()``, kept in the cache under ``key`` for as long as the generations of
    ``names`` stay as they were when it was computed: one round trip (MGET) when it is
    still good. For the figures a stored page is completed with when served."""
    if not enabled():
        return compute()
    try:
        *values, kept = cache.get_many(*(f"gen:{name}" for name in names), key)
    except Exception:  # a cache that is down must not take the site down
        log.warning("cache read failed", exc_info=True)
        return compute()
    now = [value or "0" for value in values]
    if kept is not None and kept[0] == now:
        return kept[1]
    value = compute()  # a change committed meanwhile gives new generations: computed again
    _set(key, (now, value), timeout)
    return value


def shared():
    """Whether every process reads and writes one cache (Redis), generations included."""
    return enabled() and bool(current_app.config["CONSULT_REDIS_URL"])


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


def recent(key, stamp, compute, lag=0.0, timeout=None):
    """``compute()``, shared through the cache under ``key`` and recomputed only when
    ``stamp()`` changed and the kept value is more than ``lag`` seconds old.

    For figures that may trail the data by a few seconds (comment counts during a surge):
    whatever the write rate, they are computed at most once per ``lag`` seconds, and the
    stamp is not even read within that time; while one process renews them, the others go
    on serving the kept value rather than compute it too. ``lag`` 0: always exact.
    """
    if not enabled():
        return compute()
    now = time.time()
    kept = _get(key)
    if kept is not None and now - kept[1] < lag:
        return kept[2]
    if kept is not None and lag and not _claim(f"{key}:renewing", lag):
        return kept[2]
    current = stamp()
    if kept is not None and kept[0] == current:
        value = kept[2]
    else:
        value = compute()
    _set(key, (current, now, value), timeout)
    return value


def _claim(key, seconds):
    """Whether this process is the one to renew a value for the next ``seconds`` (SET NX in
    Redis). A cache that fails says yes: better computed twice than never."""
    try:
        return bool(cache.add(key, 1, timeout=max(1, round(seconds))))
    except Exception:
        log.warning("cache write failed", exc_info=True)
        return True


def everyone():
    """``members`` for pages that show every signed-in visitor what they show anyone, but for
    the header (the home page, search results): staff and moderators share them too."""
    return True


def _audience(args, max_query, members):
    """Who the page would be stored for: "anonymous", "member-<kind>" (a signed-in visitor
    ``members()`` accepts: they see the shared page with their own header), or None (render
    it for this request only). Only GETs with no query arguments but ``args``."""
    if not (enabled() and request.method == "GET"
            and len(request.query_string) <= max_query
            and all(name in args for name in request.args)):
        return None
    if not current_user.is_authenticated:
        return "anonymous"
    if members is not None and members():
        return f"member-{current_user.kind}"
    return None


def cached_page(name, stamp, render, args=PAGE_ARGS, max_query=_MAX_QUERY, fill=None,
                members=None, timeout=None):
    """The response of ``render()`` (a view's return value), from the cache when it can be.

    ``stamp`` changes whenever the data the page shows changes; ``args`` are the query
    arguments the page may have (any other one bypasses the cache). While a page is rendered
    to be stored, ``g.storing_page`` is true and templates may leave slots: ``fill(html)``
    completes a stored page each time it is served (figures allowed to trail, like comment
    counts). ``members()``, when given, says whether the signed-in visitor may be served the
    page stored for members (no part of it is theirs but the header, their CSRF token and
    the forms' keys, which are filled in for each of them). ``timeout``: seconds to keep
    the page, when its stamp sees more than the default bound assumes. The response says
    ``X-Consult-Cache: hit``, ``miss`` (rendered and stored) or ``bypass``.
    """
    audience = _audience(args, max_query, members)
    if audience is None:
        return _bypass(render)
    member = audience != "anonymous"
    key = f"page:{name}:{audience}:{get_locale()}:{stamp}:{request.full_path}"
    stored = _get(key)
    if stored is not None:
        html, involved = stored
        if member and current_user.id in involved:
            return _bypass(render)
        response = make_response(_serve(html, fill))
        response.headers[HEADER] = "hit"
        return response
    g.storing_page, g.member_page, g.form_keys, g.page_users = True, member, [], set()
    try:
        response = make_response(render())
    finally:
        g.storing_page = g.member_page = False
    response.headers[HEADER] = "miss"
    if response.status_code == 200 and response.mimetype == "text/html":
        html = response.get_data(as_text=True).replace(generate_csrf(), CSRF_PLACEHOLDER)
        for form_key in g.form_keys:
            html = html.replace(form_key, FORM_KEY_PLACEHOLDER)
        if member and current_user.id in g.page_users:  # rendered with their own buttons
            response.headers[HEADER] = "bypass"
        else:
            _set(key, (html, frozenset(g.page_users)), timeout)
        response.set_data(_serve(html, fill))
    return response


def _bypass(render):
    response = make_response(render())
    response.headers[HEADER] = "bypass"
    return response


def page_shows_users(user_ids):
    """Note the users whose comments a page being stored shows: a member among them sees
    their own buttons on it, so is served a page of their own."""
    if g.get("storing_page"):
        g.page_users.update(user_ids)


def form_key_rendered(form_key):
    """Note a form's idempotency key rendered into a page being stored: every page served
    from the cache gets fresh keys in its place."""
    if g.get("storing_page"):
        g.form_keys.append(form_key)


def _serve(html, fill):
    """A stored page completed for this visitor: its slots filled, their own header (member
    pages) and messages, their own CSRF token, fresh form keys."""
    if fill is not None:
        html = fill(html)
    if USER_NAV_SLOT in html:
        html = html.replace(USER_NAV_SLOT, render_template("_user_nav.html"))
    flashes = render_template("_flashes.html") if "_flashes" in session else ""
    html = html.replace(FLASHES_SLOT, flashes, 1)
    if FORM_KEY_PLACEHOLDER in html:
        html = _FORM_KEY.sub(lambda _match: new_key(), html)
    return html.replace(CSRF_PLACEHOLDER, generate_csrf())
