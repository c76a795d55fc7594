"""Every route, walked as every role: who gets in, who is sent to log in, who is refused."""

import pytest

from consult.extensions import db
from tests.factories import article, login, make_agency, make_comment, make_consultation, make_user

ROLES = ["anonymous", "citizen", "business", "staff_own", "staff_other", "moderator", "admin"]
LOGIN = "login"  # redirected to the login page

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
]

FORM_DATA = {
    "/c/{open}/y-kien": {"comment-body": "Ý kiến thử", "comment-stance": "agree"},
    "/y-kien/{comment}/tra-loi": {"reply-reply_body": "Trả lời thử"},
}


@pytest.fixture
def world(app):
    agency = make_agency("Cơ quan A")
    other = make_agency("Cơ quan B")
    users = {
        "citizen": make_user(),
        "business": make_user(kind="business"),
        "staff_own": make_user(role="agency", agency=agency),
        "staff_other": make_user(role="agency", agency=other),
        "moderator": make_user(role="moderator"),
        "admin": make_user(role="admin"),
    }
    open_c = make_consultation(agency)
    draft_c = make_consultation(agency, phase="draft")
    comment = make_comment(open_c, section=article(open_c, 1))
    db.session.commit()
    return {"users": users, "open": open_c.slug, "draft": draft_c.slug, "comment": comment.id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,template,expected", ROUTES,
                         ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_route_access(client, world, role, method, template, expected):
    if role != "anonymous":
        login(client, world["users"][role])
    url = template.format(**{k: v for k, v in world.items() if k != "users"})
    data = FORM_DATA.get(template, {})
    response = client.open(url, method=method, data=data)
    want = expected.get(role, expected["*"])
    if want == LOGIN:
        assert response.status_code == 302
        assert "/dang-nhap" in response.headers["Location"]
    else:
        assert response.status_code == want, response.get_data(as_text=True)[:500]


def test_author_can_withdraw_own_comment(client, world):
    from consult.comments.models import Comment

    comment = db.session.get(Comment, world["comment"])
    login(client, comment.author)
    assert client.post(f"/y-kien/{comment.id}/rut").status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "withdrawn"
