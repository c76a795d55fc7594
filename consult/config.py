"""Every configuration option with its default.

Each option can be overridden by an environment variable of the same name prefixed
with ``CONSULT_`` (``CONSULT_DATABASE_URL``, ``CONSULT_SECRET_KEY``, …) or by the
``config`` mapping given to ``create_app`` (tests do that).
"""

import os
import secrets
from pathlib import Path

DEFAULTS = {
    # Where the database, search index, secret key and outgoing mail live.
    "INSTANCE_PATH": str(Path(__file__).resolve().parent.parent / "instance"),
    # SQLAlchemy URL; empty means SQLite in the instance path.
    "DATABASE_URL": "",
    # A pooled database server connection unused this many seconds is checked before use.
    "DB_PING_AFTER": 1.0,
    # Session signing key; generated once into the instance path when empty.
    "SECRET_KEY": "",
    # Whoosh index folder; empty means <instance>/search.
    "SEARCH_INDEX": "",
    # Index changes right after each request (embedded default); set false when a
    # separate `consult search worker` process drains the outbox.
    "SEARCH_INLINE": True,
    # Memory each process may use to cache the arrays searches read from the index (MiB).
    # The 50 queries of bench/search.py over 1,000,000 comments need 129 MiB.
    "SEARCH_CACHE_MB": 160,
    # Segments with at least this many documents keep the arrays searches derive from them
    # in files beside the index (<index>-arrays), mapped by every process; 0: never.
    "SEARCH_SHARED_MIN_DOCS": 20000,
    # Processes `consult search reindex` indexes with (one per core is right).
    "SEARCH_BUILD_PROCS": 2,
    # Redis for rate limits and caches; empty means in-process memory.
    "REDIS_URL": "",
    # Hot public pages (home, consultation, article) served to anonymous visitors from a
    # cache, and the comment counts per article: seconds an entry lives at most. Keys carry
    # a stamp of the data shown, so changes show at once; this bounds what the stamp does not
    # see (the home page's lists as dates pass; without Redis, other processes' changes).
    # 0 turns the cache off.
    "CACHE_TIMEOUT": 60,
    # With Redis, seconds an article's or a consultation's page lives at most: their stamp
    # sees everything they show (comments, names, the countdown), so this only bounds the
    # room stale keys take.
    "CACHE_THREAD_TIMEOUT": 600,
    # Seconds the comment counts in the pages' contents and totals may trail the comments
    # (each page's own thread is always exact): during a surge they are counted once per
    # this many seconds instead of on every change. 0: always exact.
    "CACHE_COUNTS_LAG": 5.0,
    # Seconds a search results page may trail the index: while comments arrive the index
    # changes every second, and each change would otherwise give every query new keys. The
    # index itself trails the comments by about a second (its worker). 0: never behind.
    "CACHE_SEARCH_LAG": 5.0,
    # Entries the in-process cache keeps (used when REDIS_URL is empty; one per process).
    "CACHE_MEMORY_ITEMS": 500,
    # Prefix of the cache's keys in Redis (several sites may share one Redis).
    "CACHE_KEY_PREFIX": "consult:",
    # Largest accepted upload (bytes).
    "MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
    # Longest accepted comment body (characters).
    "COMMENT_MAX_CHARS": 5000,
    # Longest accepted proposed wording (characters).
    "WORDING_MAX_CHARS": 5000,
    # Comments shown per page on an article.
    "COMMENTS_PER_PAGE": 20,
    # Time zone the site shows times in (stored in UTC).
    "DISPLAY_TIMEZONE": "Asia/Ho_Chi_Minh",
    # Default UI language.
    "DEFAULT_LOCALE": "vi",
    # Password hashes: "argon2id" (OWASP's parameters), or a werkzeug method such as
    # "pbkdf2:sha256:1000" (tests use that fast one); consult/accounts/passwords.py.
    "PASSWORD_HASH_METHOD": "argon2id",
    # A published comment is hidden automatically after this many distinct reports.
    "AUTO_HIDE_REPORTS": 3,
    # Rate limits (Flask-Limiter syntax; several separated by ";"). Storage: Redis when
    # REDIS_URL is set, else process memory.
    "RATE_LIMITS_ENABLED": True,
    "RATE_LIMIT_REGISTER": "5 per hour",
    "RATE_LIMIT_LOGIN": "30 per hour",
    "RATE_LIMIT_FAILED_LOGIN": "5 per 15 minutes",
    "RATE_LIMIT_COMMENT": "10 per minute;200 per day",
    "RATE_LIMIT_REPORT": "30 per hour",
    # Send session cookies over HTTPS only (set true behind TLS).
    "SECURE_COOKIES": False,
    # Proxies (load balancer, nginx) in front of the app that set X-Forwarded-For and
    # X-Forwarded-Proto; 0 trusts no such header (the client is the socket's address).
    "PROXY_HOPS": 0,
    # Open data API: requests per IP (Flask-Limiter syntax), page sizes.
    "RATE_LIMIT_API": "120 per minute;3000 per hour",
    "API_PAGE_SIZE": 50,
    "API_MAX_PAGE_SIZE": 200,
    # Notifications by e-mail. "file" writes each message to <instance>/mail/ (development);
    # "smtp" sends through MAIL_SERVER. Links in e-mails start with SITE_URL.
    "SITE_URL": "http://127.0.0.1:5000",
    "MAIL_BACKEND": "file",
    "MAIL_SENDER": "Cổng góp ý dự thảo <no-reply@consult.local>",
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    # "starttls", "ssl" or "none".
    "MAIL_SECURITY": "none",
    "MAIL_TIMEOUT": 10,
    # Send queued e-mails right after the request that queued them; set false when
    # `consult notifications worker` (or cron running `send`) does it.
    "MAIL_INLINE": True,
    # Attempts before a message is marked failed; retry after 1, 2, 4 … minutes.
    "MAIL_MAX_ATTEMPTS": 6,
    # Dossier: a group of (near-)identical comments this large is a campaign, shown as one.
    "DOSSIER_CAMPAIGN_MIN": 5,
    # Dossier: estimated Jaccard similarity from which two comments count as copies.
    "DOSSIER_DUPLICATE_THRESHOLD": 0.7,
    # Dossier: comments read for the key phrases of each theme.
    "DOSSIER_PHRASE_SAMPLE": 12,
    # Dossier: an article with at most this many comments outside campaigns lists each one
    # in the table; above it, the table has a row per theme.
    "DOSSIER_DETAIL_MAX": 20,
    # Dossier: the web page analyses a consultation of at most this many comments during
    # the request; larger ones in a background thread (or `consult dossier analyse`).
    "DOSSIER_INLINE_MAX": 20000,
    # Dossier: a running analysis silent for this many seconds counts as interrupted.
    "DOSSIER_RUN_TIMEOUT": 300,
    # Dossier web page: rows of the official table per page (the downloads hold them all),
    # and the largest campaigns listed above it (every campaign has its row in the table).
    "DOSSIER_ROWS_PER_PAGE": 100,
    "DOSSIER_CAMPAIGNS_SHOWN": 20,
    # Dossier: seconds the page cache keeps a built dossier (its key changes with every new
    # analysis or answer, so this only bounds memory).
    "DOSSIER_CACHE_SECONDS": 3600,
}

_INT_OPTIONS = {"MAX_UPLOAD_BYTES", "COMMENT_MAX_CHARS", "WORDING_MAX_CHARS", "COMMENTS_PER_PAGE",
                "AUTO_HIDE_REPORTS", "SEARCH_CACHE_MB", "SEARCH_SHARED_MIN_DOCS",
                "SEARCH_BUILD_PROCS", "PROXY_HOPS"}
_INT_OPTIONS |= {"API_PAGE_SIZE", "API_MAX_PAGE_SIZE", "MAIL_PORT", "MAIL_TIMEOUT",
                 "MAIL_MAX_ATTEMPTS"}
_INT_OPTIONS |= {"CACHE_TIMEOUT", "CACHE_THREAD_TIMEOUT", "CACHE_MEMORY_ITEMS"}
_INT_OPTIONS |= {"DOSSIER_CAMPAIGN_MIN", "DOSSIER_PHRASE_SAMPLE", "DOSSIER_DETAIL_MAX",
                 "DOSSIER_INLINE_MAX", "DOSSIER_RUN_TIMEOUT", "DOSSIER_ROWS_PER_PAGE",
                 "DOSSIER_CAMPAIGNS_SHOWN", "DOSSIER_CACHE_SECONDS"}
_FLOAT_OPTIONS = {"DOSSIER_DUPLICATE_THRESHOLD", "CACHE_COUNTS_LAG", "CACHE_SEARCH_LAG",
                  "DB_PING_AFTER"}
_BOOL_OPTIONS = {"SECURE_COOKIES", "RATE_LIMITS_ENABLED", "SEARCH_INLINE"}
_BOOL_OPTIONS |= {"MAIL_INLINE"}


def _coerce(name, value):
    if name in _INT_OPTIONS:
        return int(value)
    if name in _FLOAT_OPTIONS:
        return float(value)
    if name in _BOOL_OPTIONS and isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return value


def load_settings(overrides=None):
    """Return the CONSULT_* settings: defaults < environment < ``overrides``."""
    settings = dict(DEFAULTS)
    for name in DEFAULTS:
        env_value = os.environ.get(f"CONSULT_{name}")
        if env_value is not None:
            settings[name] = _coerce(name, env_value)
    for name, value in (overrides or {}).items():
        if name in DEFAULTS:
            settings[name] = _coerce(name, value)
    return settings


def read_or_create_secret(instance_path):
    """Read the secret key from the instance folder, creating it on first run."""
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def flask_config(settings):
    """Translate CONSULT_* settings into the Flask and extension config keys."""
    instance = Path(settings["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    database_url = settings["DATABASE_URL"] or f"sqlite:///{instance / 'consult.db'}"
    search_index = settings["SEARCH_INDEX"] or str(instance / "search")
    engine_options = {}  # server connections: checked when idle (consult.core.db_setup)
    if database_url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 30}}
    return {
        "SECRET_KEY": settings["SECRET_KEY"] or read_or_create_secret(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "SEARCH_INDEX": search_index,
        "MAX_CONTENT_LENGTH": settings["MAX_UPLOAD_BYTES"],
        "BABEL_DEFAULT_LOCALE": settings["DEFAULT_LOCALE"],
        "BABEL_DEFAULT_TIMEZONE": settings["DISPLAY_TIMEZONE"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings["SECURE_COOKIES"],
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": settings["SECURE_COOKIES"],
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_ENABLED": settings["RATE_LIMITS_ENABLED"],
        "RATELIMIT_STORAGE_URI": settings["REDIS_URL"] or "memory://",
        "RATELIMIT_KEY_PREFIX": settings["CACHE_KEY_PREFIX"],
        "RATELIMIT_HEADERS_ENABLED": True,
    }
