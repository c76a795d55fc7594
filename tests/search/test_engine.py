"""The numpy query engine and the segment arrays it reads (consult.search.engine/segments)."""

import numpy as np
import pytest

from consult.comments.models import Comment
from consult.comments.services import withdraw_comment
from consult.extensions import db
from consult.search import indexer, query, segments
from consult.search.index import open_index, searcher
from consult.search.query import search
from tests.conftest import recorded_statements
from tests.factories import article, make_comment, make_consultation, make_user


def _index():
    db.session.commit()
    indexer.drain_all()


def _ids(result):
    return sorted(hit.object_id for hit in result.hits if hit.kind == "comment")


@pytest.fixture
def corpus(app):
    consultation = make_consultation()
    texts = {
        "tax": "Thuế thu nhập cá nhân cần giảm cho người lao động.",
        "data": "Dữ liệu cá nhân phải được bảo vệ, không được mua bán.",
        "both": "Thuế và dữ liệu đều cần quy định rõ.",
        "trade": "Thương mại điện tử phát triển nhanh.",
        "merchant": "Thương nhân nộp thuế điện tử.",
    }
    comments = {key: make_comment(consultation, body=text) for key, text in texts.items()}
    _index()
    return consultation, {key: c.id for key, c in comments.items()}


def test_or_not_and_parentheses(corpus):
    _c, ids = corpus
    assert _ids(search("thuế OR dữ", kind="comment")) == sorted(
        [ids["tax"], ids["data"], ids["both"], ids["merchant"]])
    assert _ids(search("thuế NOT dữ", kind="comment")) == sorted([ids["tax"], ids["merchant"]])
    assert _ids(search("(thuế OR thương) AND điện", kind="comment")) == sorted(
        [ids["trade"], ids["merchant"]])
    assert _ids(search("thuế dữ", kind="comment", any_word=True)) == _ids(
        search("thuế OR dữ", kind="comment"))


def test_prefix_and_wildcard_fold_diacritics(corpus):
    _c, ids = corpus
    assert _ids(search("thuong*")) == sorted([ids["trade"], ids["merchant"]])
    assert _ids(search("th?ng")) == []  # no four-letter th?ng word in the corpus
    assert ids["tax"] in _ids(search("th*"))


def test_phrase_without_diacritics_and_across_punctuation(corpus):
    _c, ids = corpus
    assert _ids(search('"du lieu ca nhan"')) == [ids["data"]]
    assert _ids(search('"bảo vệ không"')) == [ids["data"]]  # "bảo vệ, không": as Whoosh does
    assert _ids(search('"nhân dữ liệu"')) == []
    positions = [value for (_segment, name), (value, _size) in query._cache()._arrays.items()
                 if name[0] == "positions"]
    assert positions and all(p.dtype == np.uint32 for p in positions)  # half of 64-bit keys


def test_phrases_inside_a_consultation(app):
    inside, outside = make_consultation(), make_consultation(title="Dự thảo khác")
    wanted = make_comment(inside, body="Bảo vệ dữ liệu cá nhân của trẻ em.")
    make_comment(inside, author=make_user(), body="Dữ liệu cá nhân.")
    make_comment(outside, author=make_user(), body="Bảo vệ dữ liệu cá nhân.")
    _index()
    assert _ids(search('"bảo vệ dữ liệu"', consultation_id=inside.id)) == [wanted.id]
    assert search('"bảo vệ dữ liệu"').total == 2


def test_operators_alone_are_explained_not_errors(corpus):
    for q in ["*", "?", "( )", "\"\"", "*?"]:
        result = search(q)
        assert result.total == 0 and result.error in {"empty", "syntax"}, q
    assert search("AND").error is None  # a word like any other here


def test_scoped_search_equals_the_filtered_one(app):
    first, second = make_consultation(), make_consultation()
    for n in range(6):
        make_comment(first, body=f"Quy định về thuế số {n} khá rõ.")
        make_comment(second, body=f"Quy định về phí số {n} còn thiếu.")
    _index()
    scoped = search("quy định", consultation_id=first.id, kind="comment", per_page=50)
    everywhere = search("quy định", kind="comment", per_page=50)
    assert scoped.total == 6 and everywhere.total == 12
    first_ids = {hit.doc_id for hit in everywhere.hits if hit.consultation_id == first.id}
    assert {hit.doc_id for hit in scoped.hits} == first_ids
    assert scoped.facets["consultation"] == {str(first.id): 6}


def test_date_range_article_filter_and_date_sort(app):
    consultation = make_consultation()
    a1 = article(consultation, 1)
    old = make_comment(consultation, section=a1, body="Ý kiến cũ về phạm vi.")
    new = make_comment(consultation, body="Ý kiến mới về phạm vi.")
    old.created_at = old.created_at.replace(year=2025)
    _index()
    assert _ids(search("phạm vi", kind="comment", sort="date")) == sorted([old.id, new.id])
    assert [h.object_id for h in search("phạm vi", kind="comment", sort="date").hits] == [
        new.id, old.id]
    since = new.created_at.replace(hour=0, minute=0, second=0, microsecond=0)
    assert _ids(search("phạm vi", kind="comment", date_from=since)) == [new.id]
    assert _ids(search("phạm vi", kind="comment", date_to=since)) == [old.id]
    assert _ids(search("phạm vi", kind="comment", article_id=a1.id)) == [old.id]


def test_changes_in_an_old_segment_show_at_once(app):
    """A withdrawal deletes from a segment whose arrays are cached: the live mask follows."""
    consultation = make_consultation()
    author = make_user()
    comments = [make_comment(consultation, author=make_user(), body=f"Ý kiến về lệ phí {n}")
                for n in range(3)]
    mine = make_comment(consultation, author=author, body="Ý kiến của tôi về lệ phí")
    _index()
    assert search("lệ phí", kind="comment").total == 4  # caches filled
    withdraw_comment(author, mine)
    _index()
    result = search("lệ phí", kind="comment")
    assert result.total == 3 and mine.id not in _ids(result)
    assert _ids(result) == sorted(c.id for c in comments)


def test_fast_paths_read_what_the_public_api_reads(corpus):
    reader = searcher().reader()
    for leaf, _base in reader.leaf_readers():
        count = leaf.doc_count_all()
        for name in segments.NUMERIC_COLUMNS:
            fast = segments.column_array(leaf, name)
            slow = segments.column_array_slow(leaf.column_reader(name, translate=False), count)
            assert np.array_equal(fast, slow), name
        for term in ["thuế", "cá", "nhân", "điện"]:
            ids, tf = segments.read_postings(leaf, term)
            slow_ids, slow_tf = segments.read_postings_slow(segments._raw_matcher(leaf, term))
            assert np.array_equal(ids, slow_ids) and np.array_equal(tf, slow_tf)
            assert ids.size > 0 or term == "điện" and leaf.doc_frequency("words", term) == 0
            positions = segments.read_positions(leaf, term)
            slow_positions = segments.read_positions_slow(segments._raw_matcher(leaf, term))
            assert np.array_equal(positions, slow_positions)


def test_cache_stays_within_its_budget_and_forgets_merged_segments(corpus):
    reader = searcher().reader()
    cache = segments.SegmentCache(budget_bytes=200)
    leaf = reader.leaf_readers()[0][0]
    segment = cache.segment(leaf)
    for term in ["thuế", "cá", "nhân", "dữ", "liệu", "thương"]:
        cache.derived(segment, term, lambda t=term: segments.read_postings(leaf, t))
    assert cache.used <= 200 or len(cache._arrays) == 1
    assert cache.used == sum(size for _value, size in cache._arrays.values())
    cache.keep_only([])
    assert cache._segments == {} and cache._arrays == {} and cache.used == 0


def test_exact_word_ranks_above_its_folded_cousins(app):
    consultation = make_consultation()
    folded_only = [make_comment(consultation, author=make_user(), body=f"Gửi bạn đọc số {n}")
                   for n in range(5)]
    exact = make_comment(consultation, body="Không bán đất công.")
    _index()
    hits = search("bán", kind="comment").hits
    assert hits[0].object_id == exact.id
    assert {h.object_id for h in hits[1:]} == {c.id for c in folded_only}


def test_spellings_that_fold_alike_share_one_cached_union(app):
    """"mạng" and "mang" read one cached union; a consultation's cut is not cached beside it
    (at a million comments the five cuts took as much memory as the unions)."""
    consultation = make_consultation()
    other = make_consultation(title="Dự thảo khác")
    for body in ["An ninh mạng quốc gia", "Mang theo giấy tờ", "Máng nước"]:
        make_comment(consultation, author=make_user(), body=body)
    make_comment(other, author=make_user(), body="Mạng lưới thư viện")
    _index()
    cache = query._cache()
    results = [search(q, kind="comment").total for q in ["mạng", "mang", "MẠNG"]]
    assert results == [4, 4, 4]
    scoped = search("mạng", kind="comment", consultation_id=consultation.id)
    assert scoped.total == 3
    keys = [name for _segment, name in cache._arrays]
    assert keys.count(("union", "mang")) == len(searcher().reader().leaf_readers())
    assert all(name[0] in {"union", "exact", "scope", "collection", "part"} for name in keys)
    arrays = [name for name in keys if name[0] in {"union", "exact"}]
    assert arrays and not any(consultation.id in name[1:] for name in arrays)
    assert cache.used == sum(size for _value, size in cache._arrays.values())


def test_a_replaced_searcher_is_closed_once_no_search_reads_it(app):
    """Each searcher holds megabytes per large segment; a surge changes the index several
    times a second, so replaced ones must not wait for a timer."""
    from consult.search.index import reading

    consultation = make_consultation()
    make_comment(consultation, body="Ý kiến về lệ phí trước bạ")
    _index()
    with reading() as first:
        assert search("lệ phí", kind="comment").total == 1
        make_comment(consultation, author=make_user(), body="Lệ phí cần giảm")
        _index()
        assert search("lệ phí", kind="comment").total == 2  # a new searcher, while…
        assert not first.is_closed  # …the first is still being read here
    assert first.is_closed
    assert search("lệ phí", kind="comment").total == 2
    with reading() as current:
        assert current is searcher() and not current.is_closed


def _leaves_by_segment(opened):
    return {leaf.segment().segment_id(): leaf for leaf, _base in opened.reader().leaf_readers()}


def test_a_new_searcher_reuses_the_readers_of_unchanged_segments(app):
    """After a commit only the new segment gets a reader (an old one would read every
    document's stored-field offsets again); a segment whose deletions changed gets a new one,
    and a replaced searcher closes only the readers nobody shares."""
    from consult.search.index import reading

    consultation = make_consultation()
    _thread(consultation, 30, "Lệ phí trước bạ cần giảm")
    with reading() as first:
        assert search("lệ phí", kind="comment").total == 30
        old = _leaves_by_segment(first)
        _thread(consultation, 2, "Lệ phí mới")
        second = searcher()
        new = _leaves_by_segment(second)
        assert second is not first and len(new) == len(old) + 1
        assert all(new[key] is leaf for key, leaf in old.items())
    assert first.is_closed and not any(leaf.is_closed for leaf in new.values())
    result = search("lệ phí", kind="comment", sort="date")
    assert result.total == 32 and result.hits[-1].snippet  # stored fields still readable

    gone = db.session.get(Comment, result.hits[-1].object_id)  # in the first segment
    withdraw_comment(gone.author, gone)
    _index()
    result = search("lệ phí", kind="comment")
    third = _leaves_by_segment(searcher())
    changed = [key for key, leaf in third.items() if key in new and leaf is not new[key]]
    assert len(changed) == 1 and new[changed[0]].is_closed
    assert result.total == 31 and gone.id not in _ids(result)
    assert all(not leaf.is_closed for leaf in third.values())


def _thread(consultation, count, body):
    for number in range(count):
        make_comment(consultation, author=make_user(), body=f"{body} (ý kiến {number})")
    _index()


def _fresh(q, **filters):
    """The same search with every cached array and part forgotten."""
    query._cache().keep_only([])
    return search(q, **filters)


def _same(one, other):
    return ([(h.object_id, round(h.score, 9)) for h in one.hits],
            one.total, one.facets) == ([(h.object_id, round(h.score, 9)) for h in other.hits],
                                       other.total, other.facets)


def test_after_a_commit_only_the_new_segment_is_searched(app, monkeypatch):
    from consult.search import engine

    consultation = make_consultation()
    _thread(consultation, 30, "Thuế điện tử cần quy định rõ ràng")
    search("thuế điện tử", kind="comment")
    _thread(consultation, 2, "Thuế điện tử mới")
    assert len(searcher().reader().leaf_readers()) == 2
    searched, evaluate = set(), engine._SegmentRun.evaluate
    monkeypatch.setattr(engine._SegmentRun, "evaluate",
                        lambda run, node: searched.add(run.segment.key) or evaluate(run, node))
    result = search("thuế điện tử", kind="comment")
    newest = max(searcher().reader().leaf_readers(), key=lambda leaf: leaf[1])[0]
    assert searched == {newest.segment().segment_id()} and result.total == 32
    assert _same(result, _fresh("thuế điện tử", kind="comment"))


def test_a_cached_segment_follows_its_deletions(app):
    consultation = make_consultation()
    _thread(consultation, 30, "Lệ phí trước bạ cần giảm")
    first = search("lệ phí", kind="comment", consultation_id=consultation.id)
    assert first.total == 30
    gone = db.session.get(Comment, first.hits[0].object_id)
    withdraw_comment(gone.author, gone)
    _index()
    result = search("lệ phí", kind="comment", consultation_id=consultation.id)
    assert result.total == 29 and gone.id not in _ids(result)
    assert _same(result, _fresh("lệ phí", kind="comment", consultation_id=consultation.id))


def test_pages_past_the_candidates_kept_are_searched_deeper(app):
    consultation = make_consultation()
    _thread(consultation, 130, "Bảo vệ dữ liệu cá nhân trên mạng")
    search("dữ liệu", kind="comment", per_page=20)  # keeps 100 candidates
    deep = search("dữ liệu", kind="comment", per_page=60, page=2, sort="date")
    assert len(deep.hits) == 60 and deep.total == 130
    assert _same(deep, _fresh("dữ liệu", kind="comment", per_page=60, page=2, sort="date"))
    last = search("dữ liệu", kind="comment", per_page=60, page=3)
    assert len(last.hits) == 10


def test_segments_keep_their_own_names_whoever_seeds_random(app):
    """A process that seeds ``random`` as an earlier one did must not name its new segment
    as that one's: the write would truncate a committed segment's files."""
    import random

    consultation = make_consultation()
    first = make_comment(consultation, body="Lệ phí trước bạ cần giảm")
    random.seed(7)
    _index()
    second = make_comment(consultation, body="Lệ phí cấp phép cần rõ")
    random.seed(7)  # as a second run of the same process would be
    _index()
    assert _ids(search("lệ phí", kind="comment")) == sorted([first.id, second.id])
    names = [segment.segment_id() for segment in open_index()._segments()]
    assert len(set(names)) == len(names)


def test_a_drain_reads_its_comments_in_one_query_whatever_their_number(app):
    """The search worker applies a batch without one query per comment (and per article,
    author and consultation of each): during a surge it shares the cores with the site."""
    consultation = make_consultation()
    articles = [article(consultation, n) for n in (1, 2, 3)]
    _index()  # the consultation's own documents
    made = [make_comment(consultation, author=make_user(), section=articles[n % 3],
                         body=f"Ý kiến số {n} về lệ phí") for n in range(12)]
    db.session.commit()
    ids, titles = sorted(c.id for c in made), {f"{a.label}. {a.title}" for a in articles}
    db.session.expunge_all()  # as in the worker, which shares no session with the site
    with recorded_statements() as seen:
        assert indexer.drain() >= 12
    selects = [text for text, _alone in seen if text.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects  # the outbox rows, the comments with what they show
    result = search("lệ phí", kind="comment")
    assert _ids(result) == ids
    assert {hit.title for hit in result.hits} == titles
