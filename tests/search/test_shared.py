"""Search arrays of large segments shared through files (consult.search.shared)."""

import numpy as np
import pytest

from consult.extensions import db
from consult.search import indexer, query, segments
from consult.search.index import searcher
from consult.search.query import search
from consult.search.shared import ABANDONED_AFTER, arrays_dir, prune
from tests.factories import make_comment, make_consultation, make_user

QUERIES = ["thuế", "thue", "dữ liệu", '"dữ liệu cá nhân"', "thuế NOT dữ"]


@pytest.fixture
def shared(app):
    """Every segment counts as large; comments in one consultation, indexed."""
    app.config["CONSULT_SEARCH_SHARED_MIN_DOCS"] = 1
    consultation = make_consultation()
    for n in range(6):
        make_comment(consultation, author=make_user(),
                     body=f"Thuế thu nhập và dữ liệu cá nhân, ý kiến số {n}")
        make_comment(consultation, author=make_user(), body=f"Thuế đất phải giảm ({n})")
    db.session.commit()
    indexer.drain_all()
    return consultation


def _answers(consultation):
    return [(r.total, [(h.object_id, round(h.score, 9)) for h in r.hits], r.facets)
            for q in QUERIES for r in [search(q, kind="comment"),
                                       search(q, consultation_id=consultation.id)]]


def _new_process():
    """What a newly started worker has: no arrays in memory."""
    query._caches.clear()


def _files(app):
    return sorted(arrays_dir(app.config["SEARCH_INDEX"]).glob("*/*.npy"))


def test_arrays_are_written_once_and_mapped_by_the_next_process(app, shared, monkeypatch):
    first = _answers(shared)
    written = _files(app)
    assert written and not list(arrays_dir(app.config["SEARCH_INDEX"]).glob("*/*.tmp"))
    _new_process()

    def no_reading(*_args):
        raise AssertionError("read from the index instead of the shared files")
    monkeypatch.setattr(segments, "read_postings", no_reading)
    monkeypatch.setattr(segments, "read_positions", no_reading)
    from consult.search import engine
    monkeypatch.setattr(engine, "read_postings", no_reading)
    monkeypatch.setattr(engine, "read_positions", no_reading)
    assert _answers(shared) == first
    assert _files(app) == written
    kept = [value for value, _size in query._cache()._arrays.values()
            if isinstance(value, np.ndarray)]
    assert kept and all(isinstance(value, np.memmap) and not value.flags.writeable
                        for value in kept)


def test_the_same_answers_as_arrays_in_memory(app, shared):
    with_files = _answers(shared)
    app.config["CONSULT_SEARCH_SHARED_MIN_DOCS"] = 0
    _new_process()
    assert _answers(shared) == with_files


def test_small_segments_keep_their_arrays_in_memory(app, shared):
    app.config["CONSULT_SEARCH_SHARED_MIN_DOCS"] = 10_000
    _new_process()
    assert search("thuế", kind="comment").total == 12 and _files(app) == []


def test_a_damaged_file_is_derived_again(app, shared):
    first = _answers(shared)
    assert _files(app)
    for number, path in enumerate(_files(app)):
        path.write_bytes([b"", b"not an array", path.read_bytes()[:90]][number % 3])
    _new_process()
    assert _answers(shared) == first
    assert all(np.load(path).size >= 0 for path in _files(app))  # replaced by whole files


def test_an_unwritable_folder_leaves_the_arrays_in_memory(app, shared):
    folder = arrays_dir(app.config["SEARCH_INDEX"])
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("in the way")  # a file where the folder should be
    app.config["CONSULT_SEARCH_SHARED_MIN_DOCS"] = 0
    _new_process()
    expected = _answers(shared)
    app.config["CONSULT_SEARCH_SHARED_MIN_DOCS"] = 1
    _new_process()
    assert _answers(shared) == expected
    assert query._cache().shared.min_docs == 0  # tried once, then no more


def test_folders_of_segments_that_left_the_index_are_removed(app, shared):
    _answers(shared)
    folder = arrays_dir(app.config["SEARCH_INDEX"])
    before = {path.name for path in folder.iterdir()}
    assert before
    make_comment(shared, author=make_user(), body="Thuế mới")
    db.session.commit()
    indexer.drain_all()  # a new segment: the old ones stay
    assert before <= {path.name for path in folder.iterdir()}
    indexer.reindex()  # every segment replaced
    live = {leaf.segment().segment_id() for leaf, _base in searcher().reader().leaf_readers()}
    assert not before & {path.name for path in folder.iterdir()}
    _answers(shared)
    assert {path.name for path in folder.iterdir()} <= live


def test_files_left_by_a_killed_writer_are_removed_later(app, shared):
    _answers(shared)
    folder = arrays_dir(app.config["SEARCH_INDEX"])
    live = {path.name for path in folder.iterdir()}
    left = next(iter(folder.iterdir())) / "abc.tmp"
    left.write_bytes(b"half an array")
    written = left.stat().st_mtime
    prune(folder, live, now=written + 60)
    assert left.exists()  # perhaps still being written
    prune(folder, live, now=written + ABANDONED_AFTER + 1)
    assert not left.exists() and {path.name for path in folder.iterdir()} == live
