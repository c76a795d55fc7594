"""Shared fixtures: an app on a fresh database per test, a client, a CLI runner.

The suite runs on SQLite by default; set CONSULT_TEST_DATABASE_URL (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the same tests on PostgreSQL.
`make test` spreads the tests over one process per core (pytest-xdist); on PostgreSQL each
process has a database of its own (``test_gw0``, ``test_gw1``…).
"""

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import inspect, text

from consult import create_app
from consult.extensions import db
from consult.search.index import close_searchers


def _database_of_this_process(url):
    """``url``, or under pytest-xdist on PostgreSQL a database of this worker's own (created
    if missing): the tests empty the tables they start from, which they must not do to the
    tables another worker is using."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    from sqlalchemy.engine import make_url

    from bench.server import create_pg_database

    own = make_url(url)
    own = own.set(database=f"{own.database}_{worker}").render_as_string(hide_password=False)
    create_pg_database(own)
    return own


TEST_DATABASE_URL = _database_of_this_process(os.environ.get("CONSULT_TEST_DATABASE_URL", ""))

ROLES = ["anonymous", "citizen", "business", "staff_own", "staff_other", "moderator", "admin"]
LOGIN = "login"  # expected outcome: redirected to the login page


def make_app(tmp_path, **overrides):
    config = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "localhost",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATE_LIMITS_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


def empty_database():
    """Every table, empty. SQLite: a new file per test, so the schema is created. PostgreSQL,
    where creating it costs ~0.4 s a test (most of the suite's time there): the tables a
    previous test left are emptied, children first, and their id sequences restarted; the
    schema is created again only when a table is missing (a test dropped them)."""
    tables = db.metadata.sorted_tables
    if (db.engine.dialect.name != "postgresql"
            or not {t.name for t in tables} <= set(inspect(db.engine).get_table_names())):
        db.drop_all()
        db.create_all()
        return
    for table in reversed(tables):
        db.session.execute(table.delete())
    db.session.execute(text(
        "DO $$ DECLARE s record; BEGIN FOR s IN SELECT sequence_schema, sequence_name "
        "FROM information_schema.sequences WHERE sequence_schema = current_schema() LOOP "
        "EXECUTE format('ALTER SEQUENCE %I.%I RESTART', s.sequence_schema, s.sequence_name); "
        "END LOOP; END $$"))
    db.session.commit()


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        empty_database()
        yield app
        db.session.remove()
        if db.engine.dialect.name != "postgresql":
            db.drop_all()
        db.engine.dispose()
        close_searchers()


@contextmanager
def running(*apps):
    """The first app's context on a fresh database; every app's connections closed after."""
    with apps[0].app_context():
        db.drop_all()
        db.create_all()
        try:
            yield apps[0]
        finally:
            db.session.remove()
            db.drop_all()
            for app in apps:
                with app.app_context():
                    db.engine.dispose()


def outside_transaction(dbapi_connection):
    """Whether a driver's connection runs in autocommit (psycopg: ``autocommit``; sqlite3:
    no ``isolation_level``)."""
    if hasattr(dbapi_connection, "autocommit"):
        return dbapi_connection.autocommit
    return dbapi_connection.isolation_level is None


@contextmanager
def recorded_statements():
    """The SQL statements run meanwhile, as (text, whether it ran outside a transaction)."""
    from sqlalchemy import event

    seen = []

    def record(conn, _cursor, statement, *_args):
        seen.append((statement, outside_transaction(conn.connection.dbapi_connection)))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def redis_prefix():
    """A key prefix of its own on the local Redis (deleted afterwards); skips without Redis,
    which the default run does not need."""
    import uuid

    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"consult-test-{uuid.uuid4().hex}:"
    connection.prefix = prefix
    yield connection
    keys = connection.keys(f"*{prefix}*")  # the limiter puts its own words first
    if keys:
        connection.delete(*keys)
    connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """One user of every role, an open and a draft consultation of agency A, one comment."""
    from tests.factories import (
        article,
        make_agency,
        make_comment,
        make_consultation,
        make_user,
    )

    agency = make_agency("Cơ quan A")
    other = make_agency("Cơ quan B")
    users = {
        "citizen": make_user(),
        "business": make_user(kind="business"),
        "staff_own": make_user(role="agency", agency=agency),
        "staff_other": make_user(role="agency", agency=other),
        "moderator": make_user(role="moderator"),
        "admin": make_user(role="admin"),
    }
    open_c = make_consultation(agency)
    draft_c = make_consultation(agency, phase="draft")
    comment = make_comment(open_c, section=article(open_c, 1))
    db.session.commit()
    return {"users": users, "open": open_c.slug, "draft": draft_c.slug, "comment": comment.id}


def check_access(client, world, role, method, template, expected, data=None):
    """Request ``template`` (formatted with the world's slugs/ids) as ``role``.

    ``expected`` maps a role to a status code or LOGIN; "*" is the default.
    """
    from tests.factories import login

    if role != "anonymous":
        login(client, world["users"][role])
    url = template.format(**{k: v for k, v in world.items() if k != "users"})
    response = client.open(url, method=method, data=data or {})
    want = expected.get(role, expected["*"])
    if want == LOGIN:
        assert response.status_code == 302
        assert "/dang-nhap" in response.headers["Location"]
    else:
        assert response.status_code == want, response.get_data(as_text=True)[:500]
    return response


class Browser:
    """A visitor whose every request runs in its own app context, as on a server: nothing
    kept in ``g`` (the signed-in user, the CSRF token) leaks from one visitor to another, as
    it would through the tests' shared app context."""

    def __init__(self, app, user=None):
        from tests.factories import PASSWORD

        self.app, self.client = app, app.test_client()
        if user is not None:
            db.session.commit()
            self.post("/dang-nhap", data={"email": user.email, "password": PASSWORD})

    def open(self, url, method="GET", **kwargs):
        with self.app.app_context():
            response = self.client.open(url, method=method, **kwargs)
        db.session.expire_all()  # what the request committed is seen by the test
        return response

    def get(self, url, **kwargs):
        return self.open(url, **kwargs)

    def post(self, url, **kwargs):
        return self.open(url, method="POST", **kwargs)
