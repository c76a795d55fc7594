from consult.accounts.models import User
from consult.extensions import db
from tests.factories import PASSWORD, VALID_TAX_CODE, login, make_user


def test_register_page_renders_in_vietnamese(client):
    page = client.get("/dang-ky").get_data(as_text=True)
    assert "Đăng ký tài khoản" in page and 'lang="vi"' in page


def test_register_citizen_logs_in(client):
    response = client.post("/dang-ky", data={
        "email": "moi@example.vn", "display_name": "Trần Thị Mới", "password": PASSWORD,
        "confirm": PASSWORD, "kind": "citizen", "province": "Huế"})
    assert response.status_code == 302
    assert db.session.query(User).filter_by(email="moi@example.vn").one().province == "Huế"
    assert "Trần Thị Mới" in client.get("/").get_data(as_text=True)


def test_register_business_with_bad_tax_code_shows_field_error(client):
    response = client.post("/dang-ky", data={
        "email": "dn@example.vn", "display_name": "Đại diện", "password": PASSWORD,
        "confirm": PASSWORD, "kind": "business", "organisation_name": "Công ty A",
        "tax_code": "0100109107"})
    assert response.status_code == 422
    assert "Mã số thuế không hợp lệ" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_register_business_with_valid_tax_code(client):
    response = client.post("/dang-ky", data={
        "email": "dn@example.vn", "display_name": "Đại diện", "password": PASSWORD,
        "confirm": PASSWORD, "kind": "business", "organisation_name": "Công ty A",
        "tax_code": VALID_TAX_CODE})
    assert response.status_code == 302
    assert db.session.query(User).one().tax_code == VALID_TAX_CODE


def test_register_password_mismatch(client):
    response = client.post("/dang-ky", data={
        "email": "a@example.vn", "display_name": "A", "password": PASSWORD,
        "confirm": "other-password", "kind": "citizen"})
    assert response.status_code == 422
    assert "không khớp" in response.get_data(as_text=True)


def test_login_failure_does_not_reveal_whether_email_exists(client):
    make_user(email="co@example.vn")
    db.session.commit()
    wrong_password = client.post("/dang-nhap", data={"email": "co@example.vn", "password": "x"})
    unknown = client.post("/dang-nhap", data={"email": "khong@example.vn", "password": "x"})
    message = "E-mail hoặc mật khẩu không đúng."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_login_redirects_only_to_local_next(client):
    user = make_user()
    db.session.commit()
    response = client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD,
                                                "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"
    client.post("/dang-xuat")
    response = client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD,
                                                "next": "/tai-khoan"})
    assert response.headers["Location"] == "/tai-khoan"


def test_blocked_user_cannot_log_in(client):
    user = make_user()
    user.is_blocked = True
    db.session.commit()
    assert login(client, user).status_code == 422


def test_logout_requires_post(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    assert client.get("/dang-xuat").status_code == 405
    assert client.post("/dang-xuat").status_code == 302
    assert client.get("/tai-khoan").status_code == 302


def test_profile_update_and_password_change(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post("/tai-khoan", data={"profile-display_name": "Tên Mới",
                                                "profile-province": "Huế"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).display_name == "Tên Mới"
    bad = client.post("/tai-khoan", data={"password-current_password": "sai-mat-khau",
                                           "password-new_password": "mat-khau-moi-1",
                                           "password-confirm": "mat-khau-moi-1"})
    assert bad.status_code == 422 and "Mật khẩu hiện tại không đúng" in bad.get_data(as_text=True)
    ok = client.post("/tai-khoan", data={"password-current_password": PASSWORD,
                                          "password-new_password": "mat-khau-moi-1",
                                          "password-confirm": "mat-khau-moi-1"})
    assert ok.status_code == 302
    assert db.session.get(User, user.id).check_password("mat-khau-moi-1")


def test_validation_messages_are_vietnamese(client):
    response = client.post("/dang-ky", data={"email": "khong-phai-email", "display_name": "",
                                             "password": "123", "confirm": "123",
                                             "kind": "citizen"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Địa chỉ e-mail không hợp lệ." in page
    assert "Vui lòng điền mục này." in page
    assert "Cần từ 8 đến 200 ký tự." in page
    assert "This field" not in page and "Invalid" not in page


def test_a_session_with_a_malformed_user_id_is_a_visitor(client):
    with client.session_transaction() as session:
        session["_user_id"] = "không-phải-số"
    response = client.get("/")
    assert response.status_code == 200
    assert "/dang-nhap" in response.get_data(as_text=True)
