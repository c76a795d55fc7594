import time

from flask import g

from consult.comments.pages import (
    comment_page,
    count_slot,
    cursor_for,
    fill_counts,
    find_article_page,
    page_stamp,
    parse_cursor,
    replies_of,
    section_counts,
    shared_counts,
)
from consult.comments.services import react_to_comment, reply_to_comment, withdraw_comment
from consult.core.db_setup import utcnow
from consult.extensions import db
from consult.moderation.services import moderate_comment
from tests.conftest import recorded_statements
from tests.factories import article, make_comment, make_consultation, make_user
from tests.plans import sqlite_plans


def _thread(n, same_time=False):
    """``n`` comments on Điều 1; with ``same_time`` all share one created_at (ties)."""
    consultation = make_consultation()
    section = article(consultation, 1)
    comments = [make_comment(consultation, section=section, body=f"Ý kiến {i}") for i in range(n)]
    if same_time:
        moment = utcnow()
        for comment in comments:
            comment.created_at = moment
    db.session.flush()
    return consultation, section, comments


def _walk(consultation, section, per_page, start=None, direction="newer", viewer=None):
    """Follow the pager from ``start`` to the end; the pages' items in reading order."""
    seen, value = [], start
    for _ in range(100):
        page = comment_page(consultation, section, parse_cursor(value, consultation, section),
                            per_page, viewer)
        seen.append([c.id for c in page.items])
        value = page.newer if direction == "newer" else page.older
        if value is None:
            return seen
    raise AssertionError("the pager never ends")


def test_pages_follow_each_other_without_gaps_or_repeats(app):
    consultation, section, comments = _thread(7)
    ids = [c.id for c in comments]
    forward = _walk(consultation, section, 3)
    assert forward == [ids[0:3], ids[3:6], ids[6:7]]
    backward = _walk(consultation, section, 3, start="cuoi", direction="older")
    assert backward == [ids[4:7], ids[1:4], ids[0:1]]
    first = comment_page(consultation, section, None, 3)
    assert first.is_first and first.newer == f"sau-{ids[2]}"


def test_ties_on_the_creation_time_are_cut_by_id(app):
    consultation, section, comments = _thread(5, same_time=True)
    assert sum(_walk(consultation, section, 2), []) == [c.id for c in comments]
    backward = _walk(consultation, section, 2, start="cuoi", direction="older")
    assert sum(reversed(backward), []) == [c.id for c in comments]


def test_hidden_comments_are_skipped_and_own_waiting_ones_shown_to_their_author(app):
    consultation, section, comments = _thread(5)
    moderator = make_user(role="moderator")
    moderate_comment(moderator, comments[1], "hide", "xúc phạm")
    withdraw_comment(comments[2].author, comments[2])
    ids = [c.id for c in comments]
    assert sum(_walk(consultation, section, 2), []) == [ids[0], ids[3], ids[4]]
    author = comments[1].author
    assert sum(_walk(consultation, section, 2, viewer=author), []) == [ids[0], ids[1], ids[3],
                                                                       ids[4]]


def test_bad_cursors_name_the_first_page(app):
    consultation, section, comments = _thread(3)
    other = make_comment(consultation, section=article(consultation, 2))
    elsewhere = make_comment(make_consultation())
    reply = reply_to_comment(make_user(), comments[0], "Trả lời")
    for value in (None, "", "abc", "2", "sau-", "sau-abc", "sau-99999999", "sau-" + "9" * 40,
                  f"sau-{other.id}", f"truoc-{elsewhere.id}", f"tu-{reply.id}", "cuoi-1"):
        assert parse_cursor(value, consultation, section) is None, value
    assert parse_cursor(f"sau-{comments[0].id}", consultation, section).direction == "after"


def test_a_cursor_past_the_end_gives_the_nearest_page(app):
    consultation, section, comments = _thread(4)
    withdraw_comment(comments[3].author, comments[3])
    past = comment_page(consultation, section, parse_cursor(f"sau-{comments[2].id}",
                                                            consultation, section), 2)
    assert [c.id for c in past.items] == [comments[1].id, comments[2].id]
    assert past.newer is None and past.older == f"truoc-{comments[1].id}"
    before = comment_page(consultation, section, parse_cursor(f"truoc-{comments[0].id}",
                                                              consultation, section), 2)
    assert [c.id for c in before.items] == [comments[0].id, comments[1].id] and before.is_first


def test_the_cursor_of_a_comment_lands_on_a_page_that_shows_it(app):
    consultation, section, comments = _thread(7)
    assert cursor_for(comments[2], 3) is None
    assert cursor_for(comments[3], 3) == f"tu-{comments[3].id}"
    page = comment_page(consultation, section,
                        parse_cursor(f"tu-{comments[5].id}", consultation, section), 3)
    assert [c.id for c in page.items] == [comments[5].id, comments[6].id]
    assert page.older == f"truoc-{comments[5].id}" and page.newer is None
    general = make_comment(consultation)
    assert cursor_for(general, 3) is None


def test_replies_in_one_query_with_the_viewers_own(app):
    consultation, section, comments = _thread(2)
    author = make_user()
    visible = reply_to_comment(author, comments[0], "Trả lời công khai")
    waiting = reply_to_comment(author, comments[0], "Xem https://a.vn")
    assert waiting.status == "pending"
    stranger = make_user()
    assert replies_of(comments, stranger) == {comments[0].id: [visible], comments[1].id: []}
    assert replies_of(comments, author)[comments[0].id] == [visible, waiting]
    assert replies_of([]) == {}


def test_the_article_page_queries_use_their_indexes(app):
    """Without statistics SQLite once read every published comment to find the replies of
    a page (2.5 s at 1,000,000 comments); each query must name its index."""
    consultation, section, comments = _thread(3)
    reply_to_comment(make_user(), comments[0], "Trả lời")
    _, plans = sqlite_plans(lambda: replies_of(comments), "parent_id IN")
    assert plans and all("ix_comments_replies" in plan for plan in plans), plans
    _, plans = sqlite_plans(lambda: comment_page(consultation, section, None, 20),
                            "ORDER BY comments.created_at")
    assert plans and all("ix_comments_thread" in plan for plan in plans), plans


def test_the_stamp_changes_with_everything_the_pages_show(app):
    consultation, section, comments = _thread(2)
    db.session.commit()
    stamps = [page_stamp(consultation)]

    def changed():
        db.session.commit()
        stamps.append(page_stamp(consultation))
        return stamps[-1] != stamps[-2]

    make_comment(consultation, section=section)
    assert changed()
    react_to_comment(make_user(), comments[0], "support")
    assert changed()
    moderate_comment(make_user(role="moderator"), comments[1], "hide", "x")
    assert changed()
    consultation.summary = "Tóm tắt mới."
    assert changed()
    assert not changed()


def test_counts_trail_by_the_lag_except_the_pages_own_thread(app, monkeypatch):
    consultation, section, _comments = _thread(2)
    other = article(consultation, 2)
    db.session.commit()
    assert section_counts(consultation) == {section.id: 2}
    make_comment(consultation, section=section)
    make_comment(consultation, section=other)
    db.session.commit()
    assert shared_counts(consultation) == {section.id: 2}  # counted less than 5 s ago
    assert section_counts(consultation, section) == {section.id: 3}  # the page's own: exact
    assert section_counts(consultation, other) == {section.id: 2, other.id: 1}
    later = time.time() + app.config["CONSULT_CACHE_COUNTS_LAG"]
    monkeypatch.setattr(time, "time", lambda: later)
    assert shared_counts(consultation) == {section.id: 3, other.id: 1}


def test_one_process_renews_the_counts_while_the_others_serve_them(app, monkeypatch):
    from consult.extensions import cache

    consultation, section, _comments = _thread(1)
    db.session.commit()
    assert shared_counts(consultation) == {section.id: 1}
    make_comment(consultation, section=section)
    db.session.commit()
    later = time.time() + app.config["CONSULT_CACHE_COUNTS_LAG"]
    monkeypatch.setattr(time, "time", lambda: later)
    assert cache.add(f"counts:{consultation.id}:renewing", 1, timeout=60)  # another process
    assert shared_counts(consultation) == {section.id: 1}  # served as kept, not recounted
    cache.delete(f"counts:{consultation.id}:renewing")
    assert shared_counts(consultation) == {section.id: 2}


def test_exact_counts_and_a_zero_lag(app):
    consultation, section, _comments = _thread(1)
    db.session.commit()
    assert shared_counts(consultation) == {section.id: 1}
    make_comment(consultation, section=section)
    db.session.commit()
    assert shared_counts(consultation, exact=True) == {section.id: 2}
    make_comment(consultation, section=section)
    db.session.commit()
    app.config["CONSULT_CACHE_COUNTS_LAG"] = 0
    assert section_counts(consultation) == {section.id: 3}


def test_count_slots_are_left_only_in_pages_being_stored(app):
    with app.test_request_context():
        counts = {5: 2, 7: 1}
        assert count_slot("paren", counts, 5) == "(2)"
        g.storing_page = True
        html = "".join([count_slot("paren", counts, 5), count_slot("toc", counts, 7),
                        count_slot("total", counts, "total"), count_slot("paren", counts, 9, 9)])
        # the page's own thread (9): a slot of its own, filled with its exact count
        assert html.count("<consult-count") == 4 and html.endswith('s="own"/>')
        assert fill_counts(html, {5: 4, 7: 1}, own=3) == "(4)1 ý kiến5(3)"


def test_the_stamp_follows_the_countdown_as_the_page_writes_it(app):
    """Pages keep for minutes, so their stamp carries the countdown they show ("còn 3
    ngày", "còn 5 phút"): a new day, hour or, in the last hour, minute gives a new key."""
    from datetime import timedelta

    consultation = make_consultation()
    db.session.commit()
    closes = consultation.closes_at

    def stamp(before):
        return page_stamp(consultation, now=closes - before)

    assert stamp(timedelta(days=3, hours=5)) == stamp(timedelta(days=3, hours=1))
    assert stamp(timedelta(days=3, hours=1)) != stamp(timedelta(days=2, hours=23))
    assert stamp(timedelta(hours=5, minutes=40)) == stamp(timedelta(hours=5, minutes=10))
    assert stamp(timedelta(minutes=5, seconds=30)) != stamp(timedelta(minutes=4, seconds=30))


def test_an_article_page_finds_its_rows_in_one_query(app):
    """The consultation, the current version's article and whether the member has comments
    in its thread that only they see: one query (a page served from the cache needs no more)."""
    from consult.drafts.versions import publish_new_version

    consultation = make_consultation()
    member, other = make_user(), make_user()
    waiting = make_comment(consultation, author=member, section=article(consultation, 1))
    make_comment(consultation, author=other, section=article(consultation, 2))
    moderate_comment(make_user(role="moderator"), waiting, "hide", "Vi phạm.")
    publish_new_version(consultation, consultation.current_version.source_text.replace(
        "b) Lưu trữ dữ liệu;", "b) Lưu trữ, sao lưu dữ liệu;"), "Vòng hai.")
    db.session.commit()
    slug, current = consultation.slug, consultation.current_version
    assert member.id  # loaded again after the commit, as the request's user is
    with recorded_statements() as statements:
        found, first, unpublished = find_article_page(slug, "dieu-1", member)
    assert len(statements) == 1
    assert found.id == consultation.id and len(found.versions) == 2
    assert first.version_id == current.id and first.number == "1"  # the current version's
    # the hidden comment is in the thread of the first version's article, which this one
    # continues: the page decides that through the thread's stamp, not this check
    assert unpublished is False
    assert find_article_page(slug, "dieu-1", other)[2] is False
    assert find_article_page(slug, "dieu-1")[1].id == first.id


def test_an_article_page_knows_a_members_waiting_comment_in_its_own_thread(app):
    consultation = make_consultation()
    member = make_user()
    first, second = article(consultation, 1), article(consultation, 2)
    waiting = make_comment(consultation, author=member, section=first)
    moderate_comment(make_user(role="moderator"), waiting, "hide", "Vi phạm.")
    db.session.commit()
    assert find_article_page(consultation.slug, "dieu-1", member)[2] is True
    assert find_article_page(consultation.slug, "dieu-2", member)[2] is False
    assert find_article_page(consultation.slug, "dieu-1", make_user())[2] is False
    assert second.id == find_article_page(consultation.slug, "dieu-2", member)[1].id


def test_an_article_page_of_nothing_finds_nothing(app):
    consultation = make_consultation()
    db.session.commit()
    found, missing, unpublished = find_article_page(consultation.slug, "dieu-999")
    assert found.id == consultation.id and missing is None and unpublished is False
    assert find_article_page("khong-co", "dieu-1", make_user()) == (None, None, False)
