"""Pooled server connections are checked only after sitting idle; views that only read run
outside a transaction (consult.core.db_setup)."""

import time

import pytest
from sqlalchemy import create_engine, exc, select, text, update
from sqlalchemy.pool import NullPool

from consult.accounts.models import User
from consult.core.db_setup import _LAST_USED, ping_if_idle, reads_only
from consult.extensions import db
from tests.conftest import TEST_DATABASE_URL, Browser, make_app, outside_transaction
from tests.factories import make_user


class FakeConnection:
    def __init__(self, broken=False):
        self.broken, self.statements, self.rollbacks = broken, [], 0

    def cursor(self):
        connection = self

        class Cursor:
            def execute(self, statement):
                if connection.broken:
                    raise OSError("server closed the connection unexpectedly")
                connection.statements.append(statement)

            def close(self):
                pass

        return Cursor()

    def rollback(self):
        self.rollbacks += 1


class Record:
    def __init__(self, idle_for):
        self.info = {_LAST_USED: time.monotonic() - idle_for}


def test_a_connection_in_steady_use_is_not_checked():
    connection = FakeConnection()
    ping_if_idle(1.0, connection, Record(idle_for=0.2))
    assert connection.statements == [] and connection.rollbacks == 0


def test_an_idle_connection_is_checked_and_left_without_a_transaction():
    connection = FakeConnection()
    ping_if_idle(1.0, connection, Record(idle_for=5))
    assert connection.statements == ["SELECT 1"] and connection.rollbacks == 1


def test_an_idle_connection_that_fails_the_check_is_replaced():
    with pytest.raises(exc.DisconnectionError, match="closed the connection"):
        ping_if_idle(1.0, FakeConnection(broken=True), Record(idle_for=5))


def test_a_connection_with_no_recorded_use_is_checked():
    connection = FakeConnection()
    ping_if_idle(1.0, connection, type("Record", (), {"info": {}})())
    assert connection.statements == ["SELECT 1"]


@pytest.mark.skipif(not (TEST_DATABASE_URL or "").startswith("postgresql"),
                    reason="a server connection to end (PostgreSQL)")
def test_a_connection_the_server_ended_while_idle_is_replaced_unseen(tmp_path):
    app = make_app(tmp_path, DB_PING_AFTER=0.05)
    with app.app_context():
        try:
            pid = db.session.scalar(text("SELECT pg_backend_pid()"))
            db.session.remove()  # back to the pool, idle
            other = create_engine(TEST_DATABASE_URL, poolclass=NullPool)  # not the pool's
            with other.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            time.sleep(0.1)
            # the same pooled connection, dead: the check finds it and the pool opens another
            assert db.session.scalar(text("SELECT pg_backend_pid()")) != pid
        finally:
            db.session.remove()
            db.engine.dispose()


# ---- views that only read -------------------------------------------------------------------

def _in_autocommit():
    """Whether the connection the request's session holds runs without a transaction."""
    return outside_transaction(db.session.connection().connection.dbapi_connection)


def _add_views(app):
    @app.get("/_test/reads")
    @reads_only
    def reads():
        users = db.session.scalar(text("SELECT count(*) FROM users"))
        return {"users": users, "autocommit": _in_autocommit()}

    @app.get("/_test/writes-though-marked")
    @reads_only
    def writes_though_marked():
        make_user(email="lac-de@example.vn")
        db.session.commit()
        return "written"

    @app.get("/_test/updates-though-marked")
    @reads_only
    def updates_though_marked():
        db.session.execute(update(User).values(display_name="Đổi tên lén"))
        return "updated"

    @app.get("/_test/writes-then-fails")
    def writes_then_fails():
        make_user(email="dang-do@example.vn")
        db.session.flush()
        assert not _in_autocommit()
        raise ValueError("fails after a write")


def _emails():
    return set(db.session.scalars(select(User.email)))


def test_a_view_that_only_reads_runs_outside_a_transaction_and_sees_what_is_committed(app):
    _add_views(app)
    browser = Browser(app)
    assert browser.get("/_test/reads").json == {"users": 0, "autocommit": True}
    make_user()
    db.session.commit()
    assert browser.get("/_test/reads").json == {"users": 1, "autocommit": True}


def test_the_next_request_on_the_same_connection_writes_in_a_transaction_again(app):
    """The level is reset when the connection goes back to the pool: a later view's write
    is still undone by the failure that ends it."""
    _add_views(app)
    browser = Browser(app)
    assert browser.get("/_test/reads").json["autocommit"] is True
    with pytest.raises(ValueError, match="fails after a write"):
        browser.get("/_test/writes-then-fails")
    assert "dang-do@example.vn" not in _emails()


def test_a_view_marked_as_reading_that_writes_is_refused_and_writes_nothing(app):
    _add_views(app)
    with pytest.raises(RuntimeError, match="reads_only"):
        Browser(app).get("/_test/writes-though-marked")
    assert "lac-de@example.vn" not in _emails()


def test_a_statement_that_writes_is_refused_too(app):
    """An UPDATE run through the session is not a flush: it is refused all the same."""
    _add_views(app)
    make_user(name="Tên Thật")
    db.session.commit()
    with pytest.raises(RuntimeError, match="reads_only"):
        Browser(app).get("/_test/updates-though-marked")
    assert set(db.session.scalars(select(User.display_name))) == {"Tên Thật"}


def test_only_get_and_head_are_read_only(app):
    _add_views(app)
    app.add_url_rule("/_test/reads", "reads_post", app.view_functions["reads"],
                     methods=["POST"])
    assert Browser(app).post("/_test/reads").json["autocommit"] is False
    assert Browser(app).open("/_test/reads", method="HEAD").status_code == 200


def test_a_session_holding_changes_is_left_as_it_is(app, client):
    """The tests' requests may share the test's session: changes it holds are flushed in
    its transaction as usual, not refused."""
    _add_views(app)
    make_user()  # not committed
    assert client.get("/_test/reads").json == {"users": 1, "autocommit": False}
    db.session.rollback()


def test_a_session_that_lives_on_after_a_read_only_request_gives_its_connection_back(
        app, client):
    """The tests' shared session outlives the request: it holds no connection after it, and
    what the test writes next runs in a transaction as usual."""
    _add_views(app)
    assert client.get("/_test/reads").json["autocommit"] is True
    assert not db.session().in_transaction()
    make_user(email="sau-yeu-cau@example.vn")
    db.session.flush()
    assert not _in_autocommit()
    db.session.rollback()
    assert "sau-yeu-cau@example.vn" not in _emails()
