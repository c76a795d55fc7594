"""The load benchmark still runs (tiny size, SQLite, one worker; the figures mean nothing)."""

import json

from bench import load
from bench.pages import comment_form, hidden_fields


def test_load_benchmark_runs_at_tiny_size(capsys, tmp_path):
    rows_file = tmp_path / "rows.json"
    assert load.main(["--comments", "300", "--consultations", "2", "--authors", "20",
                      "--databases", "sqlite", "--workers", "1", "--phases", "cold,mix,comments",
                      "--users", "4", "--think", "0.05", "--duration", "2", "--warmup", "0.5",
                      "--burst-users", "2", "--burst-duration", "2",
                      "--json", str(rows_file)]) == 0
    output = capsys.readouterr().out
    assert "req/s" in output and "comments/s" in output and "Targets" in output
    assert "first minute after a start" in output
    rows = json.loads(rows_file.read_text())
    site = [r for r in rows if r["database"] == "sqlite"]
    assert [r["phase"] for r in site] == ["cold", "mix", "comments"]
    assert all(r["failures"] == 0 for r in rows), [r["errors"] for r in rows]
    assert {"home", "article", "search"} <= set(site[1]["requests"])
    assert site[2]["accepted_comments"] > 0
    assert site[2]["rss_mb"] >= max(site[2]["pss_mb"], site[2]["private_mb"]) > 0
    assert rows[-1]["database"] == "trivial app" and rows[-1]["count"] > 0
    assert site[1]["cpu_cores"]["web"] > 0 and "cores busy: web" in output


def test_pages_helpers_read_the_forms():
    page = ('<form><input id="csrf_token" name="csrf_token" type="hidden" value="a&amp;b">'
            '<input name="comment-idempotency_key" type="hidden" value="k1">'
            '<input name="comment-body" type="text" value="x"></form>')
    assert hidden_fields(page) == {"csrf_token": "a&b", "comment-idempotency_key": "k1"}
    assert comment_form(page) == {"comment-idempotency_key": "k1"}


def test_reuse_takes_a_seeded_database_only_while_it_still_holds_the_comments(tmp_path):
    import sqlite3

    from bench.server import deploy

    def seed_seconds():
        _env, consultations, seeded, indexed = deploy("sqlite", tmp_path, 60, 1, 5, reuse=True)
        assert len(consultations) == 1
        return seeded + indexed

    assert seed_seconds() > 0
    assert seed_seconds() == 0  # reused as it was
    with sqlite3.connect(tmp_path / "consult.db") as connection:
        connection.execute("DELETE FROM comments")  # as another benchmark wiping it would
    assert seed_seconds() > 0


def test_the_postgresql_seed_is_analysed(app):
    """After the bulk load the planner has statistics (only with PostgreSQL)."""
    import pytest
    from sqlalchemy import text

    from bench.server import vacuum_analyze
    from consult.extensions import db
    from tests.conftest import TEST_DATABASE_URL
    from tests.factories import make_comment

    if not TEST_DATABASE_URL.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    make_comment()
    db.session.commit()
    vacuum_analyze(TEST_DATABASE_URL)
    analysed = db.session.scalar(text(
        "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'comments'"))
    assert analysed
