"""Keyset pages seek the index: a later page must not read every earlier row again."""

import pytest
from sqlalchemy import event

from consult.api.export import export_rows
from consult.extensions import db
from tests.factories import make_comment, make_consultation


def _plans_of_batches(consultation_id):
    statements = []

    def capture(conn, cursor, statement, params, context, executemany):
        if "FROM comments" in statement and "LIMIT" in statement:
            statements.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        rows = list(export_rows(consultation_id, batch=2))
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    connection = db.session.connection()
    plans = [" ".join(str(row[-1]) for row in connection.exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, params)) for statement, params in statements]
    return rows, plans


def test_later_export_batches_seek_the_created_at_range(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan text checked here is SQLite's")
    consultation = make_consultation()
    for n in range(5):
        make_comment(consultation, body=f"Ý kiến số {n}.")
    db.session.commit()
    rows, plans = _plans_of_batches(consultation.id)
    assert [row.body for row in rows] == [f"Ý kiến số {n}." for n in range(5)]
    assert len(plans) == 3  # batches of 2, 2 and 1 rows
    assert "created_at>?" not in plans[0]
    for plan in plans[1:]:
        assert "ix_comments_consultation_status_created" in plan
        assert "created_at>?" in plan, plan
