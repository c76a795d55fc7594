"""Keyset pages seek the index: a later page must not read every earlier row again."""

from consult.api.export import export_rows
from tests.factories import make_comment, make_consultation
from tests.plans import sqlite_plans


def test_later_export_batches_seek_the_created_at_range(app):
    consultation = make_consultation()
    for n in range(5):
        make_comment(consultation, body=f"Ý kiến số {n}.")
    rows, plans = sqlite_plans(lambda: list(export_rows(consultation.id, batch=2)),
                               "LIMIT")
    assert [row.body for row in rows] == [f"Ý kiến số {n}." for n in range(5)]
    assert len(plans) == 3  # batches of 2, 2 and 1 rows
    assert "created_at>?" not in plans[0]
    for plan in plans[1:]:
        assert "ix_comments_consultation_status_created" in plan
        assert "created_at>?" in plan, plan
