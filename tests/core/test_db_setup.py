"""Pooled server connections are checked only after sitting idle (consult.core.db_setup)."""

import time

import pytest
from sqlalchemy import create_engine, exc, text
from sqlalchemy.pool import NullPool

from consult.core.db_setup import _LAST_USED, ping_if_idle
from consult.extensions import db
from tests.conftest import TEST_DATABASE_URL, make_app


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
