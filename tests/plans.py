"""The query plans SQLite chooses for the statements some code runs (regression tests for
indexes: SQLite has no statistics here, so a missing index shows as a scan)."""

import pytest
from sqlalchemy import event

from consult.extensions import db


def sqlite_plans(run, wanted):
    """(what ``run()`` returned, [plan text of each statement it ran that contains
    ``wanted``]); skips on other databases, whose plan text differs."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan text checked here is SQLite's")
    statements = []

    def capture(conn, cursor, statement, params, context, executemany):
        if wanted in statement:
            statements.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        returned = run()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    connection = db.session.connection()
    return returned, [" ".join(str(row[-1]) for row in connection.exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, params)) for statement, params in statements]
