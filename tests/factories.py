"""Test data created through the service layer, as a real user would create it."""

import itertools
from datetime import timedelta

from consult.accounts.services import create_staff_user, register_user
from consult.comments.services import submit_comment
from consult.core.db_setup import utcnow
from consult.drafts.services import (
    create_consultation,
    get_or_create_agency,
    publish_consultation,
)
from consult.extensions import db

PASSWORD = "mat-khau-123"
VALID_TAX_CODE = "0100109106"
_counter = itertools.count(1)

SMALL_LAW = """QUỐC HỘI
LUẬT
THỬ NGHIỆM
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc thử nghiệm.
Điều 2. Giải thích từ ngữ
1. Dữ liệu cá nhân là thông tin gắn với một con người cụ thể.
2. Xử lý dữ liệu gồm các hoạt động sau đây:
a) Thu thập dữ liệu;
b) Lưu trữ dữ liệu;
đ) Xoá dữ liệu.
Chương II
ĐIỀU KHOẢN THI HÀNH
Điều 3. Hiệu lực thi hành
Luật này có hiệu lực từ ngày 01 tháng 7 năm 2027./.
CHỦ TỊCH QUỐC HỘI
Nguyễn Văn A
"""


def make_agency(name=None):
    return get_or_create_agency(name or f"Bộ Thử nghiệm {next(_counter)}")


def make_user(kind="citizen", role="user", agency=None, email=None, name=None):
    n = next(_counter)
    email = email or f"user{n}@example.vn"
    if role != "user":
        user = create_staff_user(email, PASSWORD, name or f"Cán bộ {n}", role, agency)
    elif kind == "business":
        user = register_user(email, PASSWORD, name or f"Người đại diện {n}", "business",
                             organisation_name=f"Công ty Cổ phần Thử nghiệm {n}",
                             tax_code=VALID_TAX_CODE)
    else:
        user = register_user(email, PASSWORD, name or f"Công dân {n}", "citizen")
    db.session.flush()
    return user


def make_consultation(agency=None, phase="open", text=SMALL_LAW, title=None):
    """A consultation in the given phase: draft, scheduled, open or closed."""
    agency = agency or make_agency()
    now = utcnow()
    opens, closes = now - timedelta(days=1), now + timedelta(days=30)
    if phase == "scheduled":
        opens = now + timedelta(days=2)
    consultation = create_consultation(agency, title or f"Dự thảo Luật Thử nghiệm {next(_counter)}",
                                       "Luật", "Tóm tắt **dự thảo**.", opens, closes, text)
    if phase != "draft":
        publish_consultation(consultation, now - timedelta(days=1))
    if phase == "closed":
        consultation.closes_at = now - timedelta(minutes=1)
    db.session.flush()
    return consultation


def article(consultation, number):
    return next(a for a in consultation.current_version.articles() if a.number == str(number))


def make_comment(consultation=None, author=None, body="Tôi đồng ý với dự thảo.", stance="agree",
                 section=None, **kwargs):
    consultation = consultation or make_consultation()
    author = author or make_user()
    return submit_comment(author, consultation, body, stance, section, **kwargs)


def login(client, user, password=PASSWORD):
    return client.post("/dang-nhap", data={"email": user.email, "password": password})
