"""Shared fixtures: an app on a fresh database per test, a client, a CLI runner.

The suite runs on SQLite by default; set CONSULT_TEST_DATABASE_URL (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the same tests on PostgreSQL.
"""

import os

import pytest

from consult import create_app
from consult.extensions import db

TEST_DATABASE_URL = os.environ.get("CONSULT_TEST_DATABASE_URL", "")


def make_app(tmp_path, **overrides):
    config = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "localhost",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
