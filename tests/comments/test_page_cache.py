"""The consultation and article pages in the page cache: what anonymous visitors get, and
that every change shows at once (the page stamp), to its author first of all."""

import re
import time

from consult.comments.models import Comment
from consult.extensions import db
from tests.conftest import Browser, make_app, recorded_statements, running
from tests.factories import article, make_comment, make_consultation, make_user

CACHE = "X-Consult-Cache"


def _get(browser, url):
    response = browser.get(url)
    assert response.status_code == 200
    return response.headers[CACHE], response.get_data(as_text=True)


def _world():
    consultation = make_consultation()
    comment = make_comment(consultation, section=article(consultation, 1), body="Ý kiến cũ.")
    db.session.commit()
    return consultation, comment, f"/c/{consultation.slug}/dieu-1"


def _comment_on(browser, consultation, body):
    return browser.post(f"/c/{consultation.slug}/y-kien", follow_redirects=True, data={
        "comment-section_id": str(article(consultation, 1).id), "comment-body": body,
        "comment-stance": "agree"})


def test_anonymous_visitors_share_one_rendering_until_the_data_changes(app, monkeypatch):
    consultation, _comment, url = _world()
    first, second = Browser(app), Browser(app)
    assert _get(first, url)[0] == "miss"
    state, page = _get(second, url)
    assert state == "hit" and "Ý kiến cũ." in page
    assert _get(second, f"/c/{consultation.slug}")[0] == "miss"
    _comment_on(Browser(app, make_user()), consultation, "Ý kiến mới.")
    state, page = _get(first, url)
    assert state == "miss" and "Ý kiến mới." in page and "(2)" in page
    # the contents' counts on other pages trail by up to CONSULT_CACHE_COUNTS_LAG seconds
    assert "1 ý kiến" in _get(second, f"/c/{consultation.slug}")[1]
    later = time.time() + app.config["CONSULT_CACHE_COUNTS_LAG"]
    monkeypatch.setattr(time, "time", lambda: later)
    assert "2 ý kiến" in _get(second, f"/c/{consultation.slug}")[1]


def test_the_author_sees_a_waiting_comment_at_once_and_nobody_else_does(app):
    consultation, _comment, url = _world()
    consultation.moderation_mode = "pre"
    visitor, author = Browser(app), Browser(app, make_user())
    _get(visitor, url)
    response = _comment_on(author, consultation, "Ý kiến chờ duyệt.")
    page = response.get_data(as_text=True)
    assert response.headers[CACHE] == "bypass"
    assert "Ý kiến chờ duyệt." in page and "chỉ bạn nhìn thấy" in page
    state, page = _get(visitor, url)
    assert "Ý kiến chờ duyệt." not in page and "Ý kiến cũ." in page


def test_a_hidden_comment_leaves_the_cached_page_at_once(app):
    consultation, comment, url = _world()
    visitor = Browser(app)
    _get(visitor, url)
    assert _get(visitor, url)[0] == "hit"
    moderator = Browser(app, make_user(role="moderator"))
    moderator.post("/kiem-duyet/thao-tac", data={"do": f"hide:{comment.id}", "reason": "Xúc phạm"})
    assert db.session.get(Comment, comment.id).status == "hidden"
    state, page = _get(visitor, url)
    assert state == "miss" and "Ý kiến cũ." not in page and "Chưa có ý kiến nào." in page
    assert "0 ý kiến" in _get(visitor, f"/c/{consultation.slug}")[1]


def test_reactions_and_closing_show_at_once(app):
    consultation, comment, url = _world()
    visitor = Browser(app)
    assert "Ủng hộ: 0" in _get(visitor, url)[1]
    Browser(app, make_user()).post(f"/y-kien/{comment.id}/bay-to/support")
    assert "Ủng hộ: 1" in _get(visitor, url)[1]
    assert "để gửi góp ý" in _get(visitor, url)[1]
    staff = Browser(app, make_user(role="agency", agency=consultation.agency))
    staff.post(f"/c/{consultation.slug}/dong")
    state, page = _get(visitor, url)
    assert state == "miss" and "Đợt lấy ý kiến không mở vào lúc này" in page


def _signed_in(app, user):
    """A browser of ``user`` past the page that shows "signed in" (a flash)."""
    browser = Browser(app, user)
    assert "flash-" in browser.get("/").get_data(as_text=True)
    return browser


def _form_key(page):
    return re.search(r'name="comment-idempotency_key"[^>]*value="([^"]+)"', page).group(1)


def test_members_share_one_page_with_their_own_header_and_form_keys(app):
    consultation, _comment, url = _world()
    first = _signed_in(app, make_user(name="Trần Thị Riêng Tư"))
    state, page = _get(first, url)
    assert state == "miss" and "Trần Thị Riêng Tư" in page and "Đăng xuất" in page
    first_key = _form_key(page)
    second = _signed_in(app, make_user(name="Lê Văn Khác"))
    state, page = _get(second, url)
    assert state == "hit" and "Lê Văn Khác" in page and "Trần Thị Riêng Tư" not in page
    assert "consult-" not in page and _form_key(page) != first_key
    visitor_state, page = _get(Browser(app), url)
    assert visitor_state == "miss" and "Đăng xuất" not in page and "Lê Văn Khác" not in page
    # once they have a comment in the thread, it is their own page (withdraw button…)
    _comment_on(first, consultation, "Ý kiến của chính tôi.")
    state, page = _get(first, url)
    assert state == "bypass" and "Rút ý kiến" in page
    state, page = _get(second, url)
    assert state == "miss" and "Ý kiến của chính tôi." in page and "Rút ý kiến" not in page


def test_each_member_sees_their_own_follow_button_on_the_shared_page(app):
    consultation, _comment, _url = _world()
    url = f"/c/{consultation.slug}"
    follower, other = _signed_in(app, make_user()), _signed_in(app, make_user())
    follower.post(f"/c/{consultation.slug}/theo-doi")
    follower.get("/")  # past the "following" message
    assert _get(other, url)[0] == "miss"
    state, page = _get(follower, url)
    assert state == "hit" and "Bỏ theo dõi" in page and "consult-follow" not in page
    state, page = _get(other, url)
    assert state == "hit" and "Theo dõi dự thảo" in page and "Bỏ theo dõi" not in page
    state, page = _get(Browser(app), url)
    assert "để theo dõi dự thảo" in page and "Theo dõi dự thảo<" not in page


def test_staff_moderators_and_businesses_do_not_share_the_citizens_page(app):
    consultation, _comment, url = _world()
    assert _get(_signed_in(app, make_user()), url)[0] == "miss"
    for user in (make_user(role="moderator"),
                 make_user(role="agency", agency=consultation.agency)):
        assert _get(_signed_in(app, user), url)[0] == "bypass"
    business = make_user(kind="business")
    assert _get(_signed_in(app, business), url)[0] == "miss"  # its own shared page


def test_the_english_page_is_cached_apart(app):
    _consultation, _comment, url = _world()
    vietnamese, english = Browser(app), Browser(app)
    _get(vietnamese, url)
    english.post("/lang/en", data={"next": url})
    state, page = _get(english, url)
    assert state == "miss" and '<html lang="en">' in page
    state, page = _get(vietnamese, url)
    assert state == "hit" and '<html lang="vi">' in page


def test_cursor_pages_are_cached_and_other_arguments_bypass(app):
    _consultation, _comment, url = _world()
    visitor = Browser(app)
    assert _get(visitor, url + "?trang=cuoi")[0] == "miss"
    assert _get(visitor, url + "?trang=cuoi")[0] == "hit"
    assert _get(visitor, url + "?other=1")[0] == "bypass"


def test_a_comment_committed_out_of_timestamp_order_still_shows_at_once(app):
    """Under a surge a comment stamped earlier can commit after one stamped later: the
    database stamp then does not move, the generation recorded after the commit does."""
    consultation, comment, url = _world()
    visitor = Browser(app)
    assert _get(visitor, url)[0] == "miss"
    late = make_comment(consultation, section=article(consultation, 1), body="Ý kiến đến muộn.")
    late.created_at = late.updated_at = comment.updated_at.replace(year=2000)
    db.session.commit()
    state, page = _get(visitor, url)
    assert state == "miss" and "Ý kiến đến muộn." in page
    assert _get(visitor, url)[0] == "hit"
    db.session.rollback()  # a rolled-back change records nothing
    assert _get(visitor, url)[0] == "hit"


def test_an_author_shares_pages_that_do_not_show_their_comments(app):
    consultation, _comment, url = _world()
    app.config["CONSULT_COMMENTS_PER_PAGE"] = 1  # the first page shows "Ý kiến cũ." only
    author = make_user()
    make_comment(consultation, author=author, section=article(consultation, 1),
                 body="Ý kiến ở trang sau.")
    browser = _signed_in(app, author)
    assert _get(Browser(app), url)[0] == "miss"
    assert _get(browser, url)[0] == "miss" and _get(browser, url)[0] == "hit"
    assert _get(browser, url + "?trang=cuoi")[0] == "bypass"  # their comment is on it
    waiting = make_comment(consultation, author=author, section=article(consultation, 1),
                           body="Ý kiến chờ duyệt.")
    waiting.status = "pending"
    db.session.commit()
    assert _get(browser, url)[0] == "bypass"  # it may stand on any page: theirs alone
    assert "Ý kiến chờ duyệt." in _get(browser, url + "?trang=cuoi")[1]


def _statements_of(browser, url):
    """The statements a page served from the cache runs, each with whether it ran outside
    a transaction."""
    with recorded_statements() as seen:
        assert browser.get(url).headers[CACHE] == "hit"
    return seen


def _questions_of_hits(app):
    consultation, _comment, url = _world()
    visitor, member = Browser(app), Browser(app, make_user())
    counts = []
    for browser, page in ((visitor, url), (member, url), (visitor, f"/c/{consultation.slug}")):
        browser.get(page)
        seen = _statements_of(browser, page)
        assert all(alone for _statement, alone in seen)
        counts.append(len(seen))
    return counts


def test_a_page_served_from_the_cache_asks_its_questions_outside_a_transaction(app):
    """On PostgreSQL every statement is a round trip, and so were the BEGIN and ROLLBACK of
    a transaction. With the cache in each process's memory: the consultation (with the
    article on an article page), the stamp's latest comment, and for a member their
    account."""
    assert _questions_of_hits(app) == [2, 3, 2]


def test_with_redis_a_hit_asks_only_for_the_consultation_and_the_account(tmp_path,
                                                                          redis_prefix):
    """With a shared cache the stamp comes from Redis: one question for a visitor (the
    consultation, with the article on an article page), two for a member, none of them in
    a transaction."""
    app = make_app(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0",
                   CACHE_KEY_PREFIX=redis_prefix.prefix)
    with running(app):
        assert _questions_of_hits(app) == [1, 2, 1]
