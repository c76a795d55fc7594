"""Opening the index, a cached searcher per process, and safe writers.

Every process may read; writes are serialised by Whoosh's own file lock (``WRITELOCK``),
and creating the index is serialised by a second file lock so two processes starting at
once never create it twice (the second creation would wipe the first one's documents).
"""

import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, LockError

from consult.search.schema import Codec, make_schema
from consult.search.segments import NUMERIC_COLUMNS
from consult.search.shared import arrays_dir, prune

_lock = threading.RLock()
_searching = threading.RLock()  # one thread searching at a time per process (``reading``)
_searchers = {}
_retired = []  # searchers replaced by a newer one, closed when no search reads them
_readers = {}  # id(searcher) → searches reading it now

WRITER_TIMEOUT = 5.0
STORED_FIELDS = "_stored"  # the column Whoosh keeps a segment's stored fields in
CREATE_LOCK = "CREATELOCK"


def index_dir():
    return Path(current_app.config["SEARCH_INDEX"])


def _schema_matches(ix):
    return sorted(ix.schema.names()) == sorted(make_schema().names())


def _retrying(action, attempts=20):
    """Run ``action``, again if a table of contents vanished meanwhile: a commit in another
    process replaces the file between Whoosh listing the folder and opening it."""
    for attempt in range(attempts):
        try:
            return action()
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.01)


def open_index():
    """The index at CONSULT_SEARCH_INDEX, created empty on first use (by one process)."""
    path = index_dir()
    if _retrying(lambda: index.exists_in(path)):
        return _retrying(lambda: index.open_dir(path))
    path.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(path))
    creating = storage.lock(CREATE_LOCK)
    creating.acquire(blocking=True)
    try:
        if _retrying(lambda: index.exists_in(path)):
            return _retrying(lambda: index.open_dir(path))
        return index.create_in(path, make_schema())
    finally:
        creating.release()


def rebuild_writer(timeout=60.0, procs=1):
    """A writer whose commit replaces every document (``commit_rebuild``).

    It holds the write lock for the whole rebuild, so the outbox drains of other processes
    wait (their rows stay in the outbox) and readers see the old index until the commit.
    An index whose fields differ from the current schema is recreated first. With
    ``procs`` > 1 documents are analysed in that many processes, each writing a segment.
    """
    ix = open_index()
    if not _schema_matches(ix):
        path = index_dir()
        with _lock:
            close_searchers()
            ix = index.create_in(path, make_schema())
    if procs > 1:
        return ix.writer(timeout=timeout, limitmb=256, codec=Codec(compression=1),
                         compound=False, procs=procs, multisegment=True, batchsize=500)
    return ix.writer(timeout=timeout, limitmb=256, codec=Codec(compression=1), compound=False)


def commit_rebuild(w):
    w.commit(mergetype=CLEAR)


def searcher():
    """A searcher kept open between requests, replaced when the index changed.

    Not ``Searcher.refresh()``: it reuses the reader of every segment whose id did not
    change, with that segment's old list of deleted documents, so a comment hidden in an
    older segment would still be found. Here a segment's reader is reused only while its
    deletions are unchanged too (``_open_searcher``). A replaced searcher is closed once no
    search reads it any more (``reading``), with the readers no newer searcher shares.
    """
    key = str(index_dir())
    with _lock:
        current = _searchers.get(key)
        if current is None or not _retrying(current.up_to_date):
            if current is not None:
                _retired.append(current)
            previous = current
            current = _retrying(lambda: _open_searcher(previous))
            _searchers[key] = current
        _close_unread()
        return current


def _reader_key(segment):
    """A segment's reader can serve a later commit while this is unchanged (deletions only
    grow, so their count names the set)."""
    return segment.segment_id(), segment.deleted_count()


def _open_searcher(previous):
    """A searcher on the index as last committed, reusing the segment readers of
    ``previous`` whose segment and deletions did not change.

    Opening a segment's reader reads the offsets of every document's stored fields (~3 MB
    and ~10 ms for 500,000 comments): during a surge the index changes every second and
    only its small new segments need new readers.
    """
    ix = open_index()
    toc = _table_of_contents(ix)
    if not toc.segments:
        return ix.searcher()
    reusable = {} if previous is None else {
        _reader_key(leaf.segment()): leaf for leaf, _base in _leaves(previous)}
    readers, opened = [], []
    try:
        for segment in toc.segments:
            reader = reusable.get(_reader_key(segment))
            if reader is None:
                reader = _SearchedSegmentReader(ix.storage, toc.schema, segment,
                                                generation=toc.generation)
                opened.append(reader)
                reader.open_searched_files(ix)
            readers.append(reader)
    except BaseException:
        for reader in opened:
            reader.close()
        raise
    return Searcher(MultiReader(readers, generation=toc.generation), fromindex=ix,
                    closereader=False)


class _SearchedSegmentReader(SegmentReader):
    """A segment's reader that opens every file a search reads when it is opened.

    Whoosh opens a segment's terms and postings at once but its columns and stored fields
    on first use, and the search worker deletes a segment's files once a commit has merged
    it into another: a searcher opened just before such a commit found them gone when it
    first read them — an error (one search of ~1,200 answered 500 in a load run) or, as
    Whoosh looks for a column's file before each use, a column read as empty. Opened files
    stay readable until the reader is closed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._opened_columns = {}

    def open_searched_files(self, ix):
        """Open the columns the engine reads and the stored fields. A file found missing is
        one the segment never had (a column no document filled) only if the segment is still
        in the index as last committed; if not, FileNotFoundError has the searcher opened
        again on the newer index (``_retrying``)."""
        for name in NUMERIC_COLUMNS:
            if self.has_column(name):
                self._opened_columns[name] = super().column_reader(name, translate=False)
        complete = len(self._opened_columns) == len(NUMERIC_COLUMNS)
        if self._perdoc.has_column(STORED_FIELDS):
            self.stored_fields(0)  # Whoosh keeps the reader it opens for the next ones
        else:
            complete = False
        if not complete and self.segment().segment_id() not in _committed_segment_ids(ix):
            raise FileNotFoundError(f"segment {self.segment().segment_id()} merged away")

    def column_reader(self, fieldname, column=None, reverse=False, translate=True):
        if (fieldname in self._opened_columns and column is None and not reverse
                and not translate):
            return self._opened_columns[fieldname]
        return super().column_reader(fieldname, column, reverse, translate)


def _table_of_contents(ix):
    """The index as last committed: its schema, generation and segments."""
    return index.TOC.read(ix.storage, ix.indexname, schema=ix.schema)


def _committed_segment_ids(ix):
    """The ids of the segments of the index as last committed."""
    return {segment.segment_id() for segment in _table_of_contents(ix).segments}


def prune_shared_arrays(ix):
    """Remove the shared search arrays of segments that left ``ix`` (call after a commit:
    only the committing process knows the segments are gone for good)."""
    folder = arrays_dir(index_dir())
    if folder.is_dir():  # none until a segment is large enough: nothing to read then
        prune(folder, _retrying(lambda: _committed_segment_ids(ix)))


def _leaves(opened):
    """The segment readers of a searcher (none for an empty index)."""
    return [(leaf, base) for leaf, base in opened.reader().leaf_readers()
            if isinstance(leaf, SegmentReader)]


@contextmanager
def reading():
    """The current searcher, marked as read until the block ends.

    One thread at a time per process: a searcher's Whoosh files each keep one read position,
    so the threads of a gthread worker reading at once got each other's bytes. Searching
    holds the GIL anyway; sync workers never wait here.
    """
    with _searching:
        with _lock:
            current = searcher()
            _readers[id(current)] = _readers.get(id(current), 0) + 1
        try:
            yield current
        finally:
            _done_reading(current)


def _done_reading(current):
    with _lock:
        _readers[id(current)] -= 1
        if not _readers[id(current)]:
            del _readers[id(current)]
        _close_unread()


def _close_unread():
    """Close the replaced searchers no search is reading, and their segment readers that no
    other searcher shares (call with ``_lock`` held)."""
    unread = [s for s in _retired if id(s) not in _readers]
    if not unread:  # the usual case, at the end of every search
        return
    for old in unread:
        _retired.remove(old)
    shared = {id(leaf) for kept in [*_searchers.values(), *_retired]
              for leaf, _base in _leaves(kept)}
    for old in unread:
        _close(old, keep=shared)


def _close(opened, keep=frozenset()):
    """Close a searcher and its segment readers but those whose id is in ``keep``."""
    for leaf, _base in _leaves(opened):
        if id(leaf) not in keep and not leaf.is_closed:
            leaf.close()
    opened.close()


def generation():
    """The generation of the index the searcher reads: it changes with every commit."""
    return searcher().reader().generation()


def close_searchers():
    """Close every cached searcher (tests, and before deleting an index folder)."""
    with _lock:
        for cached in [*_searchers.values(), *_retired]:
            _close(cached)
        _searchers.clear()
        _retired.clear()
        _readers.clear()


def writer(ix, timeout=WRITER_TIMEOUT):
    """A writer that waits up to ``timeout`` s for the lock; raises LockError after that.

    Segments are written as separate files, not one compound file: Whoosh opens a part of
    a compound file by copying it into memory (``BufferFile`` wraps the mmap in a BytesIO),
    which at a million comments cost ~1 s on every index change. Separate files are read
    with ordinary seeks through the page cache."""
    return ix.writer(timeout=timeout, limitmb=128, codec=Codec(compression=1), compound=False)


__all__ = ["LockError", "commit_rebuild", "open_index", "reading", "rebuild_writer", "searcher",
           "writer"]
