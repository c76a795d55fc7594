"""Consistent backups and restores of the database.

SQLite: the online backup API (consistent while the site runs). PostgreSQL: pg_dump /
pg_restore in custom format (they must be on PATH). The search index is derived data:
rebuild it after a restore.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from consult.core.exceptions import ServiceError


def _sqlite_path(url):
    database = url.database
    if not database or database == ":memory:":
        raise ServiceError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _pg_args(url):
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    return args, url.database


def _run(command, env_password=None):
    import os

    env = dict(os.environ)
    if env_password:
        env["PGPASSWORD"] = env_password
    tool = command[0]
    if shutil.which(tool) is None:
        raise ServiceError(f"{tool} is not installed; it is needed for PostgreSQL backups.")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ServiceError(f"{tool} failed: {result.stderr.strip()[:500]}")


def _sqlite_copy(source, target):
    """Copy every page of one SQLite connection into another (online backup API)."""
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def backup_database(database_url, out_path):
    """Write a consistent copy of the database to ``out_path``."""
    url = make_url(database_url)
    out_path = Path(out_path)
    if out_path.exists():
        raise ServiceError(f"{out_path} already exists; choose a new file.")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(sqlite3.connect(_sqlite_path(url)), sqlite3.connect(out_path))
    elif url.get_backend_name() == "postgresql":
        args, database = _pg_args(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out_path), *args,
              database], url.password)
    else:
        raise ServiceError(f"Backups are not supported for {url.get_backend_name()}.")
    return out_path


def restore_database(database_url, backup_path):
    """Replace the database's content with the backup (stop the site first)."""
    url = make_url(database_url)
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise ServiceError(f"Backup file not found: {backup_path}")
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
        try:
            source.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as error:
            source.close()
            raise ServiceError(f"{backup_path} is not a SQLite backup: {error}") from error
        _sqlite_copy(source, sqlite3.connect(_sqlite_path(url)))
    elif url.get_backend_name() == "postgresql":
        args, database = _pg_args(url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", database, *args, str(backup_path)], url.password)
    else:
        raise ServiceError(f"Restores are not supported for {url.get_backend_name()}.")
