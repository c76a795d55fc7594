"""The open data API: filters, keyset pages, conditional requests, CORS, errors."""

from datetime import timedelta

import pytest

from consult.comments.services import reply_to_comment
from consult.core.db_setup import utcnow
from consult.drafts.services import close_consultation
from consult.extensions import db
from consult.moderation.services import moderate_comment
from tests.conftest import empty_database, make_app
from tests.factories import article, make_agency, make_comment, make_consultation, make_user


def test_index_and_openapi_document_are_served(api):
    index = api.get("/api/v1/").get_json()
    assert index["openapi"].endswith("/api/v1/openapi.json")
    document = api.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.") and "/consultations" in document["paths"]


def test_openapi_document_is_a_valid_openapi_3_document(app):
    from openapi_spec_validator import validate

    from consult.api.openapi import openapi_document

    validate(openapi_document("http://localhost/api/v1"))


def test_docs_page_lists_every_operation(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for path in ("/consultations", "/consultations/{slug}/comments", "/comments/{comment_id}",
                 "/consultations/{slug}/comments.csv"):
        assert f"/api/v1{path}" in page
    assert "If-None-Match" in page


def test_consultations_list_hides_drafts_and_filters_by_status_agency_type(api):
    agency, other = make_agency("Bộ Lọc"), make_agency("Bộ Khác")
    open_c = make_consultation(agency)
    scheduled = make_consultation(agency, phase="scheduled")
    closed = make_consultation(other, phase="closed")
    draft = make_consultation(agency, phase="draft")
    db.session.commit()

    def slugs(query=""):
        return [c["slug"] for c in api.get(f"/api/v1/consultations{query}").get_json()["data"]]

    assert draft.slug not in slugs()
    assert set(slugs()) == {open_c.slug, scheduled.slug, closed.slug}
    assert slugs("?status=open") == [open_c.slug]
    assert slugs("?status=scheduled") == [scheduled.slug]
    assert slugs("?status=closed") == [closed.slug]
    assert slugs(f"?agency={other.slug}") == [closed.slug]
    assert slugs("?document_type=Ngh%E1%BB%8B%20%C4%91%E1%BB%8Bnh") == []
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%d")
    assert slugs(f"?opens_after={tomorrow}") == [scheduled.slug]
    assert set(slugs(f"?opens_before={tomorrow}")) == {open_c.slug, closed.slug}
    assert slugs(f"?closes_before={tomorrow}") == [closed.slug]


def test_keyset_pages_follow_next_links_without_gaps_or_repeats(api):
    made = [make_consultation().slug for _ in range(5)]
    db.session.commit()
    seen, url, pages = [], "/api/v1/consultations?limit=2", 0
    while url:
        response = api.get(url)
        body = response.get_json()
        seen += [c["slug"] for c in body["data"]]
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
            assert "cursor=" in url and "limit=2" in url
        pages += 1
    assert seen == made and pages == 3


def test_a_new_row_does_not_shift_the_next_page(api):
    first = [make_consultation().slug for _ in range(3)]
    db.session.commit()
    page = api.get("/api/v1/consultations?limit=2").get_json()
    make_consultation()
    db.session.commit()
    rest = [c["slug"] for c in api.get(page["next"]).get_json()["data"]]
    assert rest[0] == first[2] and len(rest) == 2


@pytest.mark.parametrize("query,parameter", [
    ("status=bad", "status"), ("limit=0", "limit"), ("limit=201", "limit"),
    ("limit=abc", "limit"), ("cursor=!!!", "cursor"), ("cursor=WzEsMl0", "cursor"),
    ("opens_after=hom-qua", "opens_after"), ("statu=open", "statu"),
    ("document_type=Lu%E1%BA%ADt+x", "document_type"), ("status=open&status=closed", "status"),
    ("agency=", "agency"), ("agency=B%E1%BB%99", "agency"),
])
def test_bad_parameters_get_a_400_naming_them(api, query, parameter):
    response = api.get(f"/api/v1/consultations?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter and error["code"] == "invalid_parameter"


def test_consultation_detail_has_the_section_tree_and_counts(api):
    consultation = make_consultation()
    make_comment(consultation, section=article(consultation, 2))
    make_comment(consultation)
    db.session.commit()
    body = api.get(f"/api/v1/consultations/{consultation.slug}").get_json()
    assert body["status"] == "open" and body["comment_count"] == 2
    chapters = body["sections"]
    assert [c["label"] for c in chapters] == ["Chương I", "Chương II"]
    assert [a["label"] for a in chapters[0]["children"]] == ["Điều 1", "Điều 2"]
    assert body["links"]["comments_csv"].endswith(f"/{consultation.slug}/comments.csv")


def test_drafts_and_unknown_things_are_404_json(api):
    draft = make_consultation(phase="draft")
    db.session.commit()
    section = article(draft, 1)
    for url in (f"/api/v1/consultations/{draft.slug}", f"/api/v1/sections/{section.id}",
                f"/api/v1/sections/{section.id}/comments", "/api/v1/consultations/khong-co",
                f"/api/v1/consultations/{draft.slug}/comments.csv", "/api/v1/comments/999999",
                "/api/v1/sections/99999999999", "/api/v1/khong-co-gi"):
        response = api.client.get(url)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == "not_found"


def test_sections_list_and_one_section(api):
    consultation = make_consultation()
    make_comment(consultation, section=article(consultation, 1))
    db.session.commit()
    data = api.get(f"/api/v1/consultations/{consultation.slug}/sections").get_json()["data"]
    assert [s["kind"] for s in data] == ["chuong", "dieu", "dieu", "chuong", "dieu"]
    one = api.get(f"/api/v1/sections/{data[1]['id']}").get_json()
    assert one["comment_count"] == 1 and "thử nghiệm" in one["body"]
    assert one["url"].endswith("/dieu-1")


def test_comments_filters_by_article_stance_stakeholder_and_date(api):
    consultation = make_consultation()
    a1, a2 = article(consultation, 1), article(consultation, 2)
    make_comment(consultation, section=a1, stance="agree")
    disagree = make_comment(consultation, section=a2, stance="disagree",
                            body="Không đồng ý với khoản 1.")
    business = make_comment(consultation, section=a2, author=make_user(kind="business"),
                            body="Doanh nghiệp đề xuất sửa.", stance="amend")
    db.session.commit()
    base = f"/api/v1/consultations/{consultation.slug}/comments"

    def ids(query):
        return [c["id"] for c in api.get(f"{base}?{query}").get_json()["data"]]

    assert ids(f"article={a2.id}") == [disagree.id, business.id]
    assert ids("stance=disagree") == [disagree.id]
    assert ids("stakeholder=business") == [business.id]
    assert ids(f"date_from={(utcnow() + timedelta(days=2)).date()}") == []
    assert len(ids(f"date_to={utcnow().date() + timedelta(days=1)}")) == 3
    section_url = f"/api/v1/sections/{a2.id}/comments?stance=amend"
    assert [c["id"] for c in api.get(section_url).get_json()["data"]] == [business.id]
    wrong = api.get(f"{base}?article={article(make_consultation(), 1).id}")
    assert wrong.status_code == 400 and wrong.get_json()["error"]["parameter"] == "article"


def test_comment_shape_and_replies_of_hidden_parents_are_left_out(api):
    consultation = make_consultation()
    moderator = make_user(role="moderator")
    parent = make_comment(consultation, section=article(consultation, 1))
    reply = reply_to_comment(make_user(), parent, "Tôi cũng nghĩ vậy.")
    db.session.commit()
    body = api.get(f"/api/v1/comments/{reply.id}").get_json()
    assert body["reply_to"] == parent.id and body["article"]["label"] == "Điều 1"
    assert set(body["author"]) == {"name", "kind", "province"}
    moderate_comment(moderator, parent, "hide", "Vi phạm quy định")
    db.session.commit()
    assert api.client.get(f"/api/v1/comments/{reply.id}").status_code == 404
    listed = api.get(f"/api/v1/consultations/{consultation.slug}/comments").get_json()["data"]
    assert listed == []


def test_full_text_q_goes_through_the_search_index(api):
    from consult.search import indexer

    consultation = make_consultation()
    hit = make_comment(consultation, body="Cần bảo vệ dữ liệu cá nhân của trẻ em.")
    make_comment(consultation, body="Ý kiến về thuế phí.")
    db.session.commit()
    indexer.drain_all()
    base = f"/api/v1/consultations/{consultation.slug}/comments"
    assert [c["id"] for c in api.get(f"{base}?q=du+lieu").get_json()["data"]] == [hit.id]
    assert api.get(f"{base}?q=khongtontai").get_json()["data"] == []
    page = api.get(f"{base}?q=y&limit=1")
    assert page.status_code == 200
    assert api.get(f"{base}?q=" + "x" * 501).status_code == 400


def test_comment_counts_per_article(api):
    consultation = make_consultation()
    a1 = article(consultation, 1)
    parent = make_comment(consultation, section=a1, stance="agree")
    make_comment(consultation, section=a1, stance="disagree", body="Khác hẳn.")
    reply_to_comment(make_user(), parent, "Trả lời.")
    db.session.commit()
    data = api.get(f"/api/v1/consultations/{consultation.slug}/comment-counts").get_json()["data"]
    assert data[0]["article"] is None and data[0]["comments"] == 0
    first = data[1]
    assert first["article"]["label"] == "Điều 1"
    assert (first["comments"], first["replies"]) == (2, 1)
    assert first["stances"] == {"agree": 1, "disagree": 1}
    assert len(data) == 4


def test_etag_and_last_modified_give_304_until_something_changes(api):
    consultation = make_consultation()
    comment = make_comment(consultation)
    db.session.commit()
    url = f"/api/v1/consultations/{consultation.slug}/comments"
    first = api.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert api.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert api.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    moderate_comment(make_user(role="moderator"), comment, "hide", "Vi phạm")
    db.session.commit()
    later = api.get(url, headers={"If-None-Match": etag})
    assert later.status_code == 200 and later.get_json()["data"] == []
    assert later.headers["ETag"] != etag


def test_cors_on_api_reads_only(client):
    response = client.get("/api/v1/consultations")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/consultations",
                               headers={"Origin": "https://bao.example",
                                        "Access-Control-Request-Method": "GET"})
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers
    assert "Access-Control-Allow-Origin" not in client.post("/api/v1/consultations").headers


def test_other_methods_and_bodies_get_json_errors(client):
    response = client.post("/api/v1/consultations")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    big = client.get("/api/v1/consultations", data="x" * 5000)
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "payload_too_large"


def test_rate_limit_is_per_ip_with_a_json_429(tmp_path):
    app = make_app(tmp_path, RATE_LIMITS_ENABLED=True, RATE_LIMIT_API="3 per minute")
    with app.app_context():
        empty_database()
        client = app.test_client()
        codes = [client.get("/api/v1/consultations").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/v1/consultations")
        assert limited.get_json()["error"]["code"] == "too_many_requests"
        assert limited.headers["Retry-After"] and limited.headers[
            "Access-Control-Allow-Origin"] == "*"
        other_ip = client.get("/api/v1/consultations", environ_base={"REMOTE_ADDR": "10.1.1.1"})
        assert other_ip.status_code == 200
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_status_follows_the_clock_and_early_closing(api):
    consultation = make_consultation()
    db.session.commit()
    close_consultation(consultation)
    db.session.commit()
    body = api.get(f"/api/v1/consultations/{consultation.slug}").get_json()
    assert body["status"] == "closed" and body["closed_at"]


def test_csv_download_is_streamed_with_bom_and_guarded_cells(api, client, monkeypatch):
    from consult.api import comment_views, export

    produced = []
    real_stream = comment_views.csv_stream

    def counting_stream(*args, **kwargs):
        for chunk in real_stream(*args, **kwargs):
            produced.append(len(chunk))
            yield chunk

    monkeypatch.setattr(comment_views, "csv_stream", counting_stream)
    monkeypatch.setattr(export, "CHUNK_ROWS", 1)
    consultation = make_consultation()
    make_comment(consultation, body="=SUM(A1:A9) không phải công thức")
    for n in range(3):
        make_comment(consultation, body=f"Ý kiến thứ {n} về Điều 1.")
    db.session.commit()
    url = f"/api/v1/consultations/{consultation.slug}/comments.csv"
    streamed = client.get(url, buffered=False)
    # stream_with_context primes the generator: one chunk, not the whole file
    assert len(produced) == 1
    chunks = list(streamed.response)
    streamed.close()
    assert len(chunks) == len(produced) == 5  # one row per chunk, then the empty tail
    response = api.get(url)
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + 4 and "'=SUM(A1:A9)" in text
    again = api.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
