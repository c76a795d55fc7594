"""Backups round-trip: write, change the data, restore, find the data as it was."""

import shutil

import pytest
from sqlalchemy import make_url

from consult.accounts.models import User
from consult.extensions import db
from tests.factories import make_user


def _needs_tools(app):
    backend = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    if backend == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")


def test_backup_and_restore_round_trip(app, runner, tmp_path):
    _needs_tools(app)
    make_user(email="before@example.vn")
    db.session.commit()
    out = tmp_path / "backup.bin"
    result = runner.invoke(args=["consult", "backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    make_user(email="after@example.vn")
    db.session.commit()
    db.session.remove()
    result = runner.invoke(args=["consult", "restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    emails = {u.email for u in db.session.query(User)}
    assert emails == {"before@example.vn"}


def test_backup_refuses_to_overwrite_and_restore_checks_the_file(app, runner, tmp_path):
    existing = tmp_path / "exists.bin"
    existing.write_text("x")
    result = runner.invoke(args=["consult", "backup", "--out", str(existing)])
    assert result.exit_code == 2 and "already exists" in result.output
    result = runner.invoke(args=["consult", "restore", str(tmp_path / "none.bin"), "--yes"])
    assert result.exit_code == 2 and "not found" in result.output
