"""Every route, walked as every role: who gets in, who is sent to log in, who is refused."""

import pytest

from consult.extensions import db
from tests.conftest import LOGIN, ROLES, check_access
from tests.factories import login

# (method, url template, {role: expected status}); "*" is the default for unlisted roles.
ROUTES = [
    ("GET", "/", {"*": 200}),
    ("GET", "/dang-nhap", {"*": 200}),
    ("GET", "/dang-ky", {"anonymous": 200, "*": 302}),
    ("POST", "/dang-xuat", {"anonymous": 403, "*": 302}),
    ("GET", "/tai-khoan", {"anonymous": LOGIN, "*": 200}),
    ("GET", "/quan-ly", {"anonymous": LOGIN, "staff_own": 200, "staff_other": 200,
                         "admin": 200, "*": 403}),
    ("GET", "/quan-ly/tao-moi", {"anonymous": LOGIN, "staff_own": 200, "staff_other": 200,
                                 "admin": 200, "*": 403}),
    ("GET", "/c/{open}", {"*": 200}),
    ("GET", "/c/{open}/dieu-1", {"*": 200}),
    ("GET", "/c/{draft}", {"staff_own": 200, "admin": 200, "*": 404}),
    ("GET", "/c/{draft}/dieu-1", {"staff_own": 200, "admin": 200, "*": 404}),
    ("GET", "/c/{open}/sua", {"anonymous": LOGIN, "staff_own": 200, "admin": 200, "*": 403}),
    ("POST", "/c/{draft}/cong-bo", {"anonymous": 403, "staff_own": 302, "admin": 302,
                                    "*": 403}),
    ("POST", "/c/{draft}/mo", {"anonymous": 403, "staff_own": 302, "admin": 302, "*": 403}),
    ("POST", "/c/{open}/dong", {"anonymous": 403, "staff_own": 302, "admin": 302, "*": 403}),
    ("POST", "/c/{open}/y-kien", {"anonymous": 403, "*": 302}),
    ("POST", "/y-kien/{comment}/tra-loi", {"anonymous": 403, "*": 302}),
    ("POST", "/y-kien/{comment}/bay-to/support", {"anonymous": 403, "*": 302}),
    ("POST", "/y-kien/{comment}/rut", {"anonymous": 403, "*": 403}),
    ("GET", "/y-kien/{comment}", {"*": 302}),
    ("POST", "/xem-truoc", {"anonymous": 403, "*": 200}),
    ("POST", "/lang/en", {"*": 302}),
    ("GET", "/tai-khoan/du-lieu", {"anonymous": LOGIN, "*": 200}),
    ("GET", "/tai-khoan/xoa", {"anonymous": LOGIN, "*": 200}),
    ("GET", "/thong-bao", {"anonymous": LOGIN, "*": 200}),
    ("POST", "/thong-bao/da-doc", {"anonymous": 403, "*": 302}),
    ("GET", "/thong-bao/cai-dat", {"anonymous": LOGIN, "*": 200}),
    ("POST", "/thong-bao/cai-dat", {"anonymous": 403, "*": 302}),
    ("GET", "/thong-bao/999999", {"anonymous": LOGIN, "*": 404}),
    ("POST", "/c/{open}/theo-doi", {"anonymous": 403, "*": 302}),
    ("POST", "/c/{open}/bo-theo-doi", {"anonymous": 403, "*": 302}),
    ("POST", "/c/{draft}/theo-doi", {"anonymous": 403, "*": 404}),
    ("GET", "/huy-dang-ky/khong-hop-le", {"*": 404}),
    ("GET", "/feeds/consultations.atom", {"*": 200}),
    ("GET", "/feeds/consultations.rss", {"*": 200}),
    ("GET", "/api/v1/", {"*": 200}),
    ("GET", "/api/v1/docs", {"*": 200}),
    ("GET", "/api/v1/openapi.json", {"*": 200}),
    ("GET", "/api/v1/consultations", {"*": 200}),
    ("GET", "/api/v1/consultations/{open}", {"*": 200}),
    ("GET", "/api/v1/consultations/{draft}", {"*": 404}),
    ("GET", "/api/v1/consultations/{open}/comments", {"*": 200}),
    ("GET", "/api/v1/consultations/{open}/comments.csv", {"*": 200}),
    ("GET", "/api/v1/comments/{comment}", {"*": 200}),
    ("POST", "/api/v1/consultations", {"*": 405}),
    # versions (a consultation in two versions: tests/drafts/test_version_views.py)
    ("GET", "/c/{open}/phien-ban", {"*": 200}),
    ("GET", "/c/{draft}/phien-ban", {"staff_own": 200, "admin": 200, "*": 404}),
    ("GET", "/c/{open}/phien-ban/1", {"*": 200}),
    ("GET", "/c/{open}/phien-ban/1/dieu-1", {"*": 302}),
    ("GET", "/c/{draft}/phien-ban/1/dieu-1", {"staff_own": 302, "admin": 302, "*": 404}),
    ("GET", "/c/{open}/phien-ban/1.docx", {"*": 200}),
    ("GET", "/c/{open}/phien-ban/1.txt", {"*": 200}),
    ("GET", "/c/{draft}/phien-ban/1.txt", {"staff_own": 200, "admin": 200, "*": 404}),
    ("GET", "/c/{open}/phien-ban/moi", {"anonymous": LOGIN, "staff_own": 200, "admin": 200,
                                        "*": 403}),
    ("GET", "/c/{draft}/phien-ban/moi", {"anonymous": LOGIN, "staff_own": 302, "admin": 302,
                                         "*": 403}),
    ("POST", "/c/{open}/phien-ban/moi", {"anonymous": 403, "staff_own": 422, "admin": 422,
                                         "*": 403}),
    ("GET", "/c/{open}/thay-doi", {"*": 200}),
    ("GET", "/c/{draft}/thay-doi", {"staff_own": 200, "admin": 200, "*": 404}),
    ("GET", "/c/{open}/thay-doi/dieu-1", {"*": 404}),  # one version: nothing to compare
    # dossier (every dossier route, also on a concluded consultation: tests/dossier/test_views.py)
    ("GET", "/c/{open}/tong-hop", {"staff_own": 200, "admin": 200, "*": 404}),
    ("GET", "/c/{open}/tong-hop/tra-loi", {"anonymous": LOGIN, "staff_own": 200, "admin": 200,
                                           "*": 403}),
    ("POST", "/c/{open}/tong-hop/phan-tich", {"anonymous": 403, "staff_own": 302, "admin": 302,
                                              "*": 403}),
    ("GET", "/c/{open}/tong-hop.csv", {"anonymous": LOGIN, "staff_own": 200, "admin": 200,
                                       "*": 403}),
]

FORM_DATA = {
    "/c/{open}/y-kien": {"comment-body": "Ý kiến thử", "comment-stance": "agree"},
    "/y-kien/{comment}/tra-loi": {"reply-reply_body": "Trả lời thử"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,template,expected", ROUTES,
                         ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_route_access(client, world, role, method, template, expected):
    check_access(client, world, role, method, template, expected, FORM_DATA.get(template))


def test_author_can_withdraw_own_comment(client, world):
    from consult.comments.models import Comment

    comment = db.session.get(Comment, world["comment"])
    login(client, comment.author)
    assert client.post(f"/y-kien/{comment.id}/rut").status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "withdrawn"
