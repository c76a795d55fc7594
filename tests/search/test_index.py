"""The searcher each process keeps: opened on the index as last committed, while the search
worker commits and merges segments away."""

from consult.comments.models import Comment
from consult.extensions import db
from consult.search import engine, index, indexer
from consult.search.query import search
from tests.factories import make_comment, make_consultation


def _two_commits():
    """Three comments of a consultation indexed, three more in the outbox: the ids of each."""
    consultation = make_consultation()
    first = [make_comment(consultation, body=f"Thuế điện tử, ý kiến {n}.") for n in range(3)]
    db.session.commit()
    indexer.drain_all()
    later = [make_comment(consultation, body=f"Thuế thu nhập, ý kiến {n}.") for n in range(3)]
    db.session.commit()
    return {c.id for c in first}, {c.id for c in later}


def _merge_everything():
    """What the search worker does: index the outbox, then merge every segment into one (the
    merged segments' files are deleted)."""
    indexer.drain_all()
    index.writer(index.open_index()).commit(optimize=True)


def _found(result):
    return {hit.object_id for hit in result.hits}


def test_a_search_started_before_a_merge_reads_the_index_it_started_on(app, monkeypatch):
    """Whoosh opens a segment's columns and stored fields on first use, and a merge deletes
    the merged segments' files: a search that took its searcher just before found them gone
    (one search of ~1,200 answered 500 in a load run; a column could also read as empty).
    The searcher opens them when it is opened."""
    first, later = _two_commits()
    run_query, merged = engine.run_query, []

    def merge_first(searcher, *args, **kwargs):
        if not merged:
            merged.append(True)
            _merge_everything()
        return run_query(searcher, *args, **kwargs)

    monkeypatch.setattr(engine, "run_query", merge_first)
    result = search("thuế")
    assert merged and _found(result) == first  # the index as it was when the search began
    consultation_id = db.session.get(Comment, min(first)).consultation_id
    assert [hit.consultation_id for hit in result.hits] == [consultation_id] * 3  # columns whole
    assert _found(search("thuế")) == first | later  # the next search: the merged index


def test_a_searcher_opened_on_a_merged_away_segment_opens_on_the_newer_index(app, monkeypatch):
    """A commit may merge a segment away between the searcher opening its terms and its
    other files: the searcher is opened again on the index as now committed, and the readers
    of the first attempt are closed."""
    first, later = _two_commits()
    index.close_searchers()
    opening, attempts = index._SearchedSegmentReader.open_searched_files, []

    def merge_first(reader, ix):
        attempts.append(reader)
        if len(attempts) == 1:
            _merge_everything()
        return opening(reader, ix)

    monkeypatch.setattr(index._SearchedSegmentReader, "open_searched_files", merge_first)
    opened = index.searcher()
    assert len(attempts) == 2 and attempts[0].is_closed
    assert [leaf.segment().segment_id() for leaf, _base in index._leaves(opened)] == [
        segment.segment_id()
        for segment in index._table_of_contents(index.open_index()).segments]
    assert _found(search("thuế")) == first | later
