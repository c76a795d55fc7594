"""Nothing private leaks: every endpoint walked with hidden, pending, rejected and withdrawn
comments present; no e-mail address, tax code or report detail in any response."""

import re

from consult.api.openapi import PATHS
from consult.comments.services import reply_to_comment, withdraw_comment
from consult.extensions import db
from consult.moderation.services import moderate_comment, report_comment
from consult.search import indexer
from tests.factories import VALID_TAX_CODE, article, make_comment, make_consultation, make_user

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _world():
    consultation = make_consultation()
    section = article(consultation, 1)
    moderator = make_user(role="moderator")
    business = make_user(kind="business")
    public = make_comment(consultation, section=section, author=business,
                          body="CONGKHAI dữ liệu công khai.")
    reply_to_comment(make_user(), public, "CONGKHAI trả lời dữ liệu.")
    hidden = make_comment(consultation, section=section, body="BIMAT1 dữ liệu ẩn.")
    moderate_comment(moderator, hidden, "hide", "LYDOAN1 vi phạm")
    pending = make_comment(consultation, section=section,
                           body="BIMAT2 dữ liệu xem http://spam.example")
    assert pending.status == "pending"
    rejected = make_comment(consultation, section=section,
                            body="BIMAT3 dữ liệu tại http://x.example")
    moderate_comment(moderator, rejected, "reject", "LYDOAN2 quảng cáo")
    withdrawn = make_comment(consultation, section=section, body="BIMAT4 dữ liệu rút lại.")
    withdraw_comment(withdrawn.author, withdrawn)
    report_comment(make_user(), public, "other", "BAOCAO chi tiết báo cáo")
    hidden_parent = make_comment(consultation, section=section, body="BIMAT5 cha bị ẩn.")
    reply_to_comment(make_user(), hidden_parent, "BIMAT6 trả lời dưới ý kiến bị ẩn.")
    moderate_comment(moderator, hidden_parent, "hide", "LYDOAN3")
    draft = make_consultation(phase="draft", title="BIMAT7 dự thảo nháp")
    db.session.commit()
    indexer.drain_all()
    private = [hidden, pending, rejected, withdrawn, hidden_parent]
    return consultation, section, public, private, draft


def _urls(consultation, section, comment_ids):
    values = {"slug": consultation.slug, "section_id": section.id}
    for path in PATHS:
        if "{comment_id}" in path:
            for comment_id in comment_ids:
                yield "/api/v1" + path.format(comment_id=comment_id)
            continue
        url = "/api/v1" + path.format(**values)
        yield url
        if path.endswith("/comments"):
            for query in ("q=du+lieu", "q=BIMAT1", "q=BIMAT6", "stance=agree", "limit=1"):
                yield f"{url}?{query}"


def test_no_private_data_in_any_endpoint(api):
    consultation, section, public, private, _draft = _world()
    private_ids = [c.id for c in private]
    seen_public = False
    for url in _urls(consultation, section, [public.id, *private_ids]):
        response = api.get(url)
        text = response.get_data(as_text=True)
        if f"/comments/{public.id}" in url or "CONGKHAI" in text:
            seen_public = True
        markers = ["BIMAT", "LYDOAN", "BAOCAO", VALID_TAX_CODE, "127.0.0.1"]
        if response.mimetype != "text/html":  # the HTML page has type="hidden" inputs
            markers += ['"pending"', '"hidden"', '"rejected"', '"withdrawn"']
        for marker in markers:
            assert marker not in text, (url, marker)
        for address in EMAIL.findall(text):
            raise AssertionError(f"{url} shows an e-mail-like string {address}")
        if any(url.endswith(f"/comments/{i}") for i in private_ids):
            assert response.status_code == 404, url
    assert seen_public


def test_the_public_comment_is_there_with_its_public_author_only(api):
    consultation, _section, public, _private, _draft = _world()
    body = api.get(f"/api/v1/comments/{public.id}").get_json()
    assert body["body"].startswith("CONGKHAI")
    assert body["author"]["kind"] == "business"
    assert body["author"]["name"] == public.author.public_name
    csv_text = api.get(f"/api/v1/consultations/{consultation.slug}/comments.csv").get_data(
        as_text=True)
    assert csv_text.count("CONGKHAI") == 2 and "BIMAT" not in csv_text
