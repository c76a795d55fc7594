"""Opening the index, a cached searcher per process, and safe writers.

Every process may read; writes are serialised by Whoosh's own file lock (``WRITELOCK``),
and creating the index is serialised by a second file lock so two processes starting at
once never create it twice (the second creation would wipe the first one's documents).
"""

import threading
from pathlib import Path

from flask import current_app
from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import CLEAR, LockError

from consult.search.schema import make_schema

_lock = threading.RLock()
_searchers = {}

WRITER_TIMEOUT = 5.0
CREATE_LOCK = "CREATELOCK"


def index_dir():
    return Path(current_app.config["SEARCH_INDEX"])


def _schema_matches(ix):
    return sorted(ix.schema.names()) == sorted(make_schema().names())


def open_index():
    """The index at CONSULT_SEARCH_INDEX, created empty on first use (by one process)."""
    path = index_dir()
    if index.exists_in(path):
        return index.open_dir(path)
    path.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(path))
    creating = storage.lock(CREATE_LOCK)
    creating.acquire(blocking=True)
    try:
        if index.exists_in(path):
            return index.open_dir(path)
        return index.create_in(path, make_schema())
    finally:
        creating.release()


def rebuild_writer(timeout=60.0):
    """A writer whose commit replaces every document (``commit_rebuild``).

    It holds the write lock for the whole rebuild, so the outbox drains of other processes
    wait (their rows stay in the outbox) and readers see the old index until the commit.
    An index whose fields differ from the current schema is recreated first.
    """
    ix = open_index()
    if not _schema_matches(ix):
        path = index_dir()
        with _lock:
            close_searchers()
            ix = index.create_in(path, make_schema())
    return ix.writer(timeout=timeout, limitmb=256, procs=1)


def commit_rebuild(w):
    w.commit(mergetype=CLEAR, optimize=True)


def searcher():
    """A searcher kept open between requests and refreshed when the index changed."""
    key = str(index_dir())
    with _lock:
        current = _searchers.get(key)
        if current is None:
            current = open_index().searcher()
        elif not current.up_to_date():
            current = current.refresh()
        _searchers[key] = current
        return current


def close_searchers():
    """Close every cached searcher (tests, and before deleting an index folder)."""
    with _lock:
        for cached in _searchers.values():
            cached.close()
        _searchers.clear()


def writer(ix, timeout=WRITER_TIMEOUT):
    """A writer that waits up to ``timeout`` s for the lock; raises LockError after that."""
    return ix.writer(timeout=timeout, limitmb=128)


__all__ = ["LockError", "commit_rebuild", "open_index", "rebuild_writer", "searcher", "writer"]
