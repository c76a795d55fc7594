import multiprocessing

import pytest

from consult.comments.models import Comment
from consult.core.outbox import OutboxEntry
from consult.extensions import db
from consult.search import indexer
from consult.search.query import search
from tests.conftest import ROLES, check_access, make_app
from tests.factories import article, login, make_comment, make_consultation, make_user


@pytest.mark.parametrize("role", ROLES)
def test_search_page_is_public(client, world, role):
    check_access(client, world, role, "GET", "/search?q=y+kien", {"*": 200})


def test_search_page_shows_highlighted_escaped_snippets_and_facets(client):
    consultation = make_consultation()
    make_comment(consultation, section=article(consultation, 1),
                 body="Bảo vệ <b>dữ liệu</b> cá nhân là cần thiết.")
    db.session.commit()
    indexer.drain_all()
    page = client.get("/search?q=du+lieu&kind=comment").get_data(as_text=True)
    assert "dữ</mark>" in page and "liệu</mark>" in page and "<mark" in page
    assert "<b>dữ" not in page and "&lt;b&gt;" in page or "&lt;/b&gt;" in page
    assert "Chủ thể góp ý" in page and "1 kết quả" in page
    assert "/y-kien/" in page


@pytest.mark.parametrize("q", ['"', "((((", "x" * 2000, "AND", "*", "%00", "<script>"])
def test_odd_queries_give_a_normal_page(client, q):
    response = client.get("/search", query_string={"q": q, "page": "abc", "from": "hôm qua",
                                                   "consultation": "x", "stance": "bad"})
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main")[1]


def test_search_box_is_scoped_inside_a_consultation(client):
    consultation = make_consultation()
    db.session.commit()
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert f'name="consultation" value="{consultation.id}"' in page


def test_a_new_comment_is_searchable_right_after_the_request(client):
    consultation = make_consultation()
    user = make_user()
    db.session.commit()
    indexer.drain_all()
    login(client, user)
    response = client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-body": "Đề nghị quy định rõ về chữ ký số.", "comment-stance": "amend"})
    assert db.session.query(OutboxEntry).count() == 1
    response.close()  # the server sends the response, then indexes
    assert db.session.query(OutboxEntry).count() == 0
    assert search("chu ky so").total == 1


def test_inline_indexing_can_be_switched_off_for_a_worker(client, app):
    app.config["CONSULT_SEARCH_INLINE"] = False
    consultation = make_consultation()
    user = make_user()
    db.session.commit()
    indexer.drain_all()
    login(client, user)
    client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-body": "Ý kiến chờ worker.", "comment-stance": "agree"}).close()
    assert db.session.query(OutboxEntry).count() == 1
    assert indexer.drain_all() == 1
    assert search("chờ worker").total == 1


def test_cli_reindex_drain_and_worker(runner):
    make_comment(body="Ý kiến để dựng lại chỉ mục.")
    db.session.commit()
    result = runner.invoke(args=["consult", "search", "reindex"])
    assert result.exit_code == 0 and "Indexed" in result.output
    assert search("dựng lại").total == 1
    make_comment(body="Một ý kiến khác nữa.")
    db.session.commit()
    result = runner.invoke(args=["consult", "search", "worker", "--stop-after", "0.5",
                                 "--poll", "0.1"])
    assert result.exit_code == 0
    assert search("ý kiến khác").total == 1
    assert runner.invoke(args=["consult", "search", "drain"]).exit_code == 0
    refused = runner.invoke(args=["consult", "search", "worker", "--batch", "-1"])
    assert refused.exit_code == 2 and "--batch" in refused.output


def test_the_worker_commits_at_most_once_a_batch_while_changes_keep_coming(app, monkeypatch):
    from consult.search import indexer

    clock, drains = [0.0], []
    monkeypatch.setattr(indexer.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(indexer.time, "sleep", lambda seconds: clock.__setitem__(
        0, clock[0] + seconds))

    def drain():  # changes always waiting; each drain takes 0.3 s
        drains.append(clock[0])
        clock[0] += 0.3
        return 5 if len(drains) < 6 else 0
    monkeypatch.setattr(indexer, "drain", drain)
    indexer.run_worker(poll_seconds=0.5, stop_after=7.0, batch_seconds=1.0)
    assert drains[:6] == pytest.approx([0, 1, 2, 3, 4, 5])  # one commit a second, not three
    assert drains[6:8] == pytest.approx([5.8, 6.6])  # then idle: a drain every poll


def _write_and_drain(tmp_path, database_url, worker, count):
    app = make_app(tmp_path, DATABASE_URL=database_url)
    with app.app_context():
        from consult.comments.services import submit_comment
        from consult.drafts.models import Consultation
        from tests.factories import make_user

        consultation = db.session.query(Consultation).first()
        for i in range(count):
            # a new author each time: the screening "repeat" rule would hold near-copies
            user = make_user(email=f"worker{worker}-{i}@example.vn")
            body = f"Tiến trình {worker} ý kiến thứ {i} số {worker * 1000 + i}"
            submit_comment(user, consultation, body, "agree")
            db.session.commit()
            indexer.drain_all(timeout=0.05)
        db.session.remove()
        db.engine.dispose()


def test_several_processes_writing_at_once_lose_nothing(app, tmp_path):
    consultation = make_consultation()
    make_user()
    db.session.commit()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_write_and_drain, args=(tmp_path, url, w, 15))
                 for w in range(4)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(120)
        assert p.exitcode == 0
    indexer.drain_all()
    published = db.session.query(Comment).filter_by(status="published").count()
    assert published == 60
    assert search("tiến trình", consultation_id=consultation.id, per_page=100).total == 60
    assert db.session.query(OutboxEntry).count() == 0


def test_anonymous_results_are_cached_until_the_index_changes(app):
    from consult.moderation.services import moderate_comment
    from tests.conftest import Browser

    app.config["CONSULT_CACHE_SEARCH_LAG"] = 0  # never behind the index
    consultation = make_consultation()
    first = make_comment(consultation, body="Chữ ký số cần được công nhận.")
    db.session.commit()
    indexer.drain_all()
    visitor, url = Browser(app), "/search?q=chu+ky+so"
    response = visitor.get(url)
    assert response.headers["X-Consult-Cache"] == "miss"
    assert visitor.get(url).headers["X-Consult-Cache"] == "hit"
    make_comment(consultation, body="Chữ ký số của doanh nghiệp.")
    db.session.commit()
    indexer.drain_all()
    response = visitor.get(url)
    assert response.headers["X-Consult-Cache"] == "miss"
    assert "2 kết quả" in response.get_data(as_text=True)
    moderate_comment(make_user(role="moderator"), first, "hide", "Vi phạm.")
    db.session.commit()
    indexer.drain_all()
    page = visitor.get(url).get_data(as_text=True)
    assert "1 kết quả" in page and "được công nhận" not in page
    assert visitor.get(url + "&x=1").headers["X-Consult-Cache"] == "bypass"


def test_results_trail_the_index_by_at_most_the_lag(app, monkeypatch):
    import time

    from tests.conftest import Browser

    consultation = make_consultation()
    make_comment(consultation, body="Chữ ký số cần được công nhận.")
    db.session.commit()
    indexer.drain_all()
    visitor, url = Browser(app), "/search?q=chu+ky+so"
    assert visitor.get(url).headers["X-Consult-Cache"] == "miss"
    make_comment(consultation, body="Chữ ký số của doanh nghiệp.")
    db.session.commit()
    indexer.drain_all()
    assert search("chu ky so").total == 2  # the index has it at once
    response = visitor.get(url)  # the page, within the lag: as kept
    assert response.headers["X-Consult-Cache"] == "hit"
    assert "1 kết quả" in response.get_data(as_text=True)
    other = visitor.get("/search?q=doanh+nghiep")  # a query not kept yet: the index of now
    assert "1 kết quả" in other.get_data(as_text=True)
    later = time.time() + app.config["CONSULT_CACHE_SEARCH_LAG"]
    monkeypatch.setattr(time, "time", lambda: later)
    response = visitor.get(url)
    assert response.headers["X-Consult-Cache"] == "miss"
    assert "2 kết quả" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["user", "moderator", "agency", "admin"])
def test_signed_in_visitors_share_results_with_their_own_header(app, role):
    from tests.conftest import Browser

    consultation = make_consultation()
    make_comment(consultation, body="Chữ ký số cần được công nhận.")
    db.session.commit()
    indexer.drain_all()
    url = "/search?q=chu+ky+so"
    first = Browser(app, make_user(role=role, name="Người Thứ Nhất",
                                   agency=consultation.agency if role == "agency" else None))
    first.get("/")  # past the "signed in" message
    response = first.get(url)
    assert response.headers["X-Consult-Cache"] == "miss"
    second = Browser(app, make_user(role=role, name="Người Thứ Hai",
                                    agency=consultation.agency if role == "agency" else None))
    second.get("/")
    response = second.get(url)
    page = response.get_data(as_text=True)
    assert response.headers["X-Consult-Cache"] == "hit" and "1 kết quả" in page
    assert "Người Thứ Hai" in page and "Người Thứ Nhất" not in page
    assert "Đăng nhập" not in page
    anonymous = Browser(app).get(url)
    assert "Người Thứ Hai" not in anonymous.get_data(as_text=True)
