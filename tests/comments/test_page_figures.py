"""A thread's first page, kept in a shared cache (Redis) through what does not change it:
reactions and comments past it change only the figures it is completed with when served
(the thread's count, the reactions), which are always exact."""

import pytest

from consult.comments.services import reply_to_comment
from consult.extensions import db
from consult.moderation.services import moderate_comment
from tests.conftest import Browser, make_app, running
from tests.factories import article, make_comment, make_consultation, make_user

CACHE = "X-Consult-Cache"
PER_PAGE = 2


@pytest.fixture
def shared_app(tmp_path, redis_prefix):
    app = make_app(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0",
                   CACHE_KEY_PREFIX=redis_prefix.prefix, COMMENTS_PER_PAGE=PER_PAGE)
    with running(app):
        yield app


def _thread(comments):
    """A consultation whose Điều 1 has ``comments`` published comments."""
    consultation = make_consultation()
    made = [make_comment(consultation, section=article(consultation, 1), body=f"Ý kiến số {n}.")
            for n in range(1, comments + 1)]
    db.session.commit()
    return consultation, made, f"/c/{consultation.slug}/dieu-1"


def _get(browser, url):
    response = browser.get(url)
    assert response.status_code == 200
    return response.headers[CACHE], response.get_data(as_text=True)


def _comment_on(browser, consultation, body):
    response = browser.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-section_id": str(article(consultation, 1).id), "comment-body": body,
        "comment-stance": "agree"})
    assert response.status_code == 302


def test_a_reaction_leaves_the_first_page_stored_and_its_count_shows_at_once(shared_app):
    consultation, (first, _second), url = _thread(2)
    visitor, member = Browser(shared_app), Browser(shared_app, make_user())
    assert _get(visitor, url)[0] == "miss" and _get(member, url)[0] == "miss"
    reacting = Browser(shared_app, make_user())
    assert reacting.post(f"/y-kien/{first.id}/bay-to/support").status_code == 302
    state, page = _get(visitor, url)
    assert state == "hit" and "Ủng hộ: 1" in page and "consult-reaction" not in page
    state, page = _get(member, url)
    assert state == "hit" and "Ủng hộ (1)" in page and "Không ủng hộ (0)" in page
    reacting.post(f"/y-kien/{first.id}/bay-to/support")  # the same choice again: taken back
    assert "Ủng hộ: 0" in _get(visitor, url)[1]


def test_a_comment_past_the_first_page_leaves_it_stored_with_the_exact_count(shared_app):
    consultation, _comments, url = _thread(PER_PAGE + 1)
    visitor = Browser(shared_app)
    state, page = _get(visitor, url)
    assert state == "miss" and "Ý kiến về Điều 1 (3)" in page and "Ý kiến số 3." not in page
    _comment_on(Browser(shared_app, make_user()), consultation, "Ý kiến ở trang sau.")
    state, page = _get(visitor, url)
    assert state == "hit" and "Ý kiến về Điều 1 (4)" in page
    assert "Ý kiến ở trang sau." not in page and "consult-count" not in page
    state, page = _get(visitor, url + "?trang=cuoi")  # a later page sees every change
    assert state == "miss" and "Ý kiến ở trang sau." in page


@pytest.mark.parametrize("before", [1, PER_PAGE])
def test_a_comment_that_changes_the_first_page_renews_it(shared_app, before):
    """Listed on it (1 before it), or the first one past it: the page gets its link to the
    newer comments (``PER_PAGE`` before it)."""
    consultation, _comments, url = _thread(before)
    visitor = Browser(shared_app)
    _get(visitor, url)
    _comment_on(Browser(shared_app, make_user()), consultation, "Ý kiến mới nhất.")
    state, page = _get(visitor, url)
    assert state == "miss" and f"Ý kiến về Điều 1 ({before + 1})" in page
    assert ("Ý kiến mới nhất." in page) == (before < PER_PAGE)
    assert ("trang=sau-" in page) == (before == PER_PAGE)


def test_replies_and_moderation_renew_the_first_page(shared_app):
    consultation, (first, second, _third), url = _thread(PER_PAGE + 1)
    visitor = Browser(shared_app)
    _get(visitor, url)
    reply_to_comment(make_user(), first, "Trả lời ý kiến đầu.")
    db.session.commit()
    state, page = _get(visitor, url)
    assert state == "miss" and "Trả lời ý kiến đầu." in page
    moderate_comment(make_user(role="moderator"), second, "hide", "Vi phạm.")
    db.session.commit()
    state, page = _get(visitor, url)
    assert state == "miss" and "Ý kiến số 2." not in page and "(2)" in page


def test_a_later_page_is_renewed_by_a_reaction(shared_app):
    _consultation, comments, url = _thread(PER_PAGE + 1)
    later = f"{url}?trang=tu-{comments[-1].id}"
    visitor = Browser(shared_app)
    assert _get(visitor, later)[0] == "miss" and _get(visitor, later)[0] == "hit"
    Browser(shared_app, make_user()).post(f"/y-kien/{comments[-1].id}/bay-to/oppose")
    state, page = _get(visitor, later)
    assert state == "miss" and "Không ủng hộ: 1" in page


def test_the_general_comments_first_page_is_kept_the_same_way(shared_app):
    consultation = make_consultation()
    for n in range(PER_PAGE + 1):
        make_comment(consultation, body=f"Ý kiến chung số {n}.")
    db.session.commit()
    url, visitor = f"/c/{consultation.slug}", Browser(shared_app)
    assert _get(visitor, url)[0] == "miss"
    Browser(shared_app, make_user()).post(f"/c/{consultation.slug}/y-kien", data={
        "comment-body": "Ý kiến chung mới.", "comment-stance": "other"})
    state, page = _get(visitor, url)
    assert state == "hit" and "Ý kiến chung mới." not in page and "(4)" in page
