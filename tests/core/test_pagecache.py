"""The page cache itself: CSRF tokens, flash messages, the time bound, Redis shared by
several processes, and a Redis that is down."""

import re

import cachelib.simple
import pytest
from sqlalchemy import select

from consult.drafts.models import Consultation, Section
from consult.extensions import db
from tests.conftest import Browser, make_app, running
from tests.factories import article, make_comment, make_consultation, make_user

CACHE = "X-Consult-Cache"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def csrf_app(tmp_path):
    with running(make_app(tmp_path, WTF_CSRF_ENABLED=True)) as app:
        yield app


def _world():
    consultation = make_consultation()
    make_comment(consultation, section=article(consultation, 1), body="Ý kiến đã đăng.")
    db.session.commit()
    return f"/c/{consultation.slug}/dieu-1"


def test_two_visitors_never_share_a_csrf_token(csrf_app):
    url = _world()
    first, second = Browser(csrf_app), Browser(csrf_app)
    one, two = first.get(url), second.get(url)
    assert (one.headers[CACHE], two.headers[CACHE]) == ("miss", "hit")
    token_one = TOKEN.search(one.get_data(as_text=True)).group(1)
    token_two = TOKEN.search(two.get_data(as_text=True)).group(1)
    assert token_one != token_two and "consult-csrf-token" not in two.get_data(as_text=True)
    stolen = second.post("/lang/en", data={"csrf_token": token_one, "next": url})
    assert stolen.status_code == 400
    own = second.post("/lang/en", data={"csrf_token": token_two, "next": url})
    assert own.status_code == 302
    again = first.post("/lang/en", data={"csrf_token": token_one, "next": url})
    assert again.status_code == 302


def test_a_flash_message_is_filled_into_the_cached_page_once(app):
    """The message of the visitor's last action is theirs: a slot in the stored page, filled
    from their session when served, and gone from the next page."""
    Browser(app).get("/")
    leaving = Browser(app, make_user())
    response = leaving.post("/dang-xuat", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.headers[CACHE] == "hit" and "Bạn đã đăng xuất." in page
    assert "consult-flashes" not in page
    after = leaving.get("/")
    assert after.headers[CACHE] == "hit" and "Bạn đã đăng xuất." not in after.get_data(
        as_text=True)
    assert "Bạn đã đăng xuất." not in Browser(app).get("/").get_data(as_text=True)


def test_a_flash_pending_while_a_page_is_stored_stays_out_of_it(app):
    """A page rendered to be stored for everyone carries no one's message: the visitor whose
    request stored it still sees theirs, the next visitor does not."""
    leaving = Browser(app, make_user())
    response = leaving.post("/dang-xuat", follow_redirects=True)
    assert response.headers[CACHE] == "miss"
    assert "Bạn đã đăng xuất." in response.get_data(as_text=True)
    other = Browser(app).get("/")
    assert other.headers[CACHE] == "hit"
    assert "Bạn đã đăng xuất." not in other.get_data(as_text=True)


def test_a_value_kept_under_generations_is_computed_again_once_one_changes(app):
    """``current``: what a stored page is completed with, computed once per change of the
    generations it names (a commit that changed a thread), whoever asks."""
    from consult.core import pagecache

    computed = []

    def compute():
        computed.append(len(computed))
        return computed[-1]

    with app.test_request_context():
        assert [pagecache.current("figures:t", ["s0"], compute) for _ in range(3)] == [0, 0, 0]
        consultation = make_consultation()
        make_comment(consultation, section=article(consultation, 1))
        db.session.commit()  # Điều 1's thread has a new generation
        section = article(consultation, 1).id
        first = pagecache.current("figures:u", [f"s{section}"], compute)
        assert pagecache.current("figures:u", [f"s{section}"], compute) == first
        make_comment(consultation, section=article(consultation, 1), body="Ý kiến thứ hai.")
        db.session.commit()
        assert pagecache.current("figures:u", [f"s{section}"], compute) == first + 1
        assert pagecache.current("figures:t", ["s0"], compute) == 0  # another thread's


def test_what_the_stamp_does_not_see_shows_after_the_timeout(app, monkeypatch):
    consultation = make_consultation()
    comment = make_comment(consultation, section=article(consultation, 1))
    db.session.commit()
    url, visitor = f"/c/{consultation.slug}/dieu-1", Browser(app)
    old_name = comment.author.public_name
    assert old_name in visitor.get(url).get_data(as_text=True)
    comment.author.display_name = "Tên Mới Đổi"  # no stamp sees a renamed author
    db.session.commit()
    response = visitor.get(url)
    assert response.headers[CACHE] == "hit" and old_name in response.get_data(as_text=True)
    later = cachelib.simple.time() + app.config["CONSULT_CACHE_TIMEOUT"] + 1
    monkeypatch.setattr(cachelib.simple, "time", lambda: later)
    response = visitor.get(url)
    assert response.headers[CACHE] == "miss" and "Tên Mới Đổi" in response.get_data(as_text=True)


def test_home_page_is_cached_and_follows_publication(app):
    visitor = Browser(app)
    assert visitor.get("/").headers[CACHE] == "miss"
    assert visitor.get("/").headers[CACHE] == "hit"
    consultation = make_consultation(title="Dự thảo Luật Mới Công Bố")
    db.session.commit()
    response = visitor.get("/")
    assert response.headers[CACHE] == "miss"
    assert consultation.title in response.get_data(as_text=True)


def test_signed_in_visitors_of_every_role_share_the_home_page_with_their_own_header(app):
    make_consultation(title="Dự thảo Luật Dùng Chung")
    moderator = Browser(app, make_user(role="moderator", name="Kiểm Duyệt Viên"))
    moderator.get("/dang-nhap")  # past the "signed in" message
    assert moderator.get("/").headers[CACHE] == "miss"
    citizen = Browser(app, make_user(name="Công Dân Một"))
    response = citizen.get("/")
    page = response.get_data(as_text=True)
    assert response.headers[CACHE] == "hit" and "Dự thảo Luật Dùng Chung" in page
    assert "Công Dân Một" in page and "Kiểm Duyệt Viên" not in page
    assert "Kiểm duyệt</a>" not in page  # the moderator's link stays in their header
    assert "Kiểm duyệt</a>" in moderator.get("/").get_data(as_text=True)


def test_a_zero_timeout_turns_the_cache_off(tmp_path):
    with running(make_app(tmp_path, CACHE_TIMEOUT=0)) as app:
        url = _world()
        visitor = Browser(app)
        assert [visitor.get(url).headers[CACHE] for _ in range(2)] == ["bypass", "bypass"]


def test_processes_share_the_cache_and_its_invalidation_through_redis(tmp_path, redis_prefix):
    """Two apps on one database stand for two gunicorn workers (or two machines)."""
    client, prefix = redis_prefix, redis_prefix.prefix
    settings = {"REDIS_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": prefix,
                "CACHE_TIMEOUT": 60}
    one, two = make_app(tmp_path, **settings), make_app(tmp_path, **settings)
    with running(one, two):
        url = _world()
        neighbour = url.replace("dieu-1", "dieu-2")
        assert Browser(one).get(url).headers[CACHE] == "miss"
        assert Browser(two).get(url).headers[CACHE] == "hit"  # stored by the other one
        assert "(1)" in Browser(one).get(neighbour).get_data(as_text=True)  # Điều 1's count
        author = Browser(two, make_user())
        slug = url.split("/")[2]
        consultation_id = db.session.scalar(select(Consultation.id).where(
            Consultation.slug == slug))
        section = db.session.scalar(select(Section.id).where(
            Section.anchor == "dieu-1", Section.version.has(consultation_id=consultation_id)))
        author.post(f"/c/{slug}/y-kien", data={
            "comment-section_id": str(section), "comment-body": "Ý kiến qua tiến trình hai.",
            "comment-stance": "agree"})
        response = Browser(one).get(url)
        assert response.headers[CACHE] == "miss"
        assert "Ý kiến qua tiến trình hai." in response.get_data(as_text=True)
        assert Browser(two).get(url).headers[CACHE] == "hit"
        assert client.keys(prefix + "page:article:*")
        # another article's page stays stored (its own thread did not change); its contents'
        # count of Điều 1 is filled when served, at most CONSULT_CACHE_COUNTS_LAG s late
        client.delete(prefix + "counts:" + str(consultation_id))
        response = Browser(two).get(neighbour)
        assert response.headers[CACHE] == "hit" and "(2)" in response.get_data(as_text=True)


def test_with_redis_a_thread_page_lives_long_and_sees_names_and_earlier_versions(
        tmp_path, redis_prefix):
    """Pages of a thread are kept CONSULT_CACHE_THREAD_TIMEOUT, because their stamp sees all
    they show: a renamed author, a comment hidden on an earlier version of the article."""
    from consult.drafts.versions import publish_new_version
    from consult.moderation.services import moderate_comment

    client, prefix = redis_prefix, redis_prefix.prefix
    app = make_app(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0", CACHE_KEY_PREFIX=prefix)
    with running(app):
        consultation = make_consultation()
        author = make_user(name="Tên Cũ Của Tác Giả")
        old = make_comment(consultation, author=author, section=article(consultation, 1),
                           body="Ý kiến về bản thứ nhất.")
        db.session.commit()
        publish_new_version(consultation, consultation.current_version.source_text.replace(
                            "b) Lưu trữ dữ liệu;", "b) Lưu trữ, sao lưu dữ liệu;"),
                            "Vòng hai.")
        db.session.commit()
        url, visitor = f"/c/{consultation.slug}/dieu-1", Browser(app)
        page = visitor.get(url).get_data(as_text=True)
        assert "Ý kiến về bản thứ nhất." in page and "Tên Cũ Của Tác Giả" in page
        assert visitor.get(url).headers[CACHE] == "hit"
        (key,) = client.keys(prefix + "page:article:*")
        assert client.ttl(key) > app.config["CONSULT_CACHE_TIMEOUT"]
        author.display_name = "Tên Mới Của Tác Giả"
        db.session.commit()
        response = visitor.get(url)
        assert response.headers[CACHE] == "miss"
        assert "Tên Mới Của Tác Giả" in response.get_data(as_text=True)
        author.province = "Hà Nội"  # not a name pages show: the page stays
        db.session.commit()
        assert visitor.get(url).headers[CACHE] == "hit"
        moderate_comment(make_user(role="moderator"), old, "hide", "Vi phạm.")
        db.session.commit()
        response = visitor.get(url)
        assert response.headers[CACHE] == "miss"
        assert "Ý kiến về bản thứ nhất." not in response.get_data(as_text=True)


def test_a_redis_that_is_down_leaves_the_site_up(tmp_path):
    with running(make_app(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")) as app:
        url = _world()
        response = Browser(app).get(url)
        assert response.status_code == 200 and response.headers[CACHE] == "miss"
        assert "Ý kiến đã đăng." in response.get_data(as_text=True)
