"""The query-plan report still runs (tiny size, on the local PostgreSQL; skipped without one)."""

import re

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bench import query_plans
from tests.conftest import TEST_DATABASE_URL

URL = TEST_DATABASE_URL if TEST_DATABASE_URL.startswith("postgresql") else query_plans.DEFAULT_URL


def _schemas(engine):
    with engine.connect() as connection:
        return set(connection.scalars(text(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_plans_%'")))


@pytest.fixture
def engine():
    engine = create_engine(URL, connect_args={"connect_timeout": 2})
    try:
        _schemas(engine)
    except OperationalError:
        pytest.skip("no PostgreSQL at " + URL)
    yield engine
    engine.dispose()


def test_query_plans_run_at_tiny_size_and_leave_nothing_behind(engine, capsys):
    assert query_plans.main(["--url", URL, "--comments", "300", "--consultations", "2"]) == 0
    output = capsys.readouterr().out
    schema = re.search(r"schema (bench_plans_\d+)", output).group(1)
    assert schema not in _schemas(engine)  # the scratch schema is dropped
    assert output.count("## ") >= 3 and "signed-in author" in output
    for step in query_plans.STEPS:
        assert f"### {step}\n" in output
    assert output.count("Execution Time") >= 20


def test_query_plans_refuse_sqlite():
    with pytest.raises(SystemExit):
        query_plans.main(["--url", "sqlite:///x.db"])
