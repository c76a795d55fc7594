import pytest

from consult.accounts import services
from consult.core.exceptions import ServiceError
from tests.factories import PASSWORD, VALID_TAX_CODE, make_agency, make_user


def test_register_citizen_normalises_email_and_hashes_password(app):
    user = services.register_user(" An@Example.VN ", PASSWORD, "  Nguyễn  Văn An ", "citizen",
                                  province="Hà Nội")
    assert user.email == "an@example.vn"
    assert user.display_name == "Nguyễn Văn An"
    assert user.password_hash != PASSWORD and user.check_password(PASSWORD)
    assert user.role == "user" and user.province == "Hà Nội"


def test_register_business_requires_organisation_and_valid_tax_code(app):
    with pytest.raises(ServiceError) as missing_org:
        services.register_user("b@example.vn", PASSWORD, "B", "business", tax_code=VALID_TAX_CODE)
    assert missing_org.value.field == "organisation_name"
    with pytest.raises(ServiceError) as bad_code:
        services.register_user("b@example.vn", PASSWORD, "B", "business", "Công ty X", "0100109107")
    assert bad_code.value.field == "tax_code"
    user = services.register_user("b@example.vn", PASSWORD, "B", "business", "Công ty X",
                                  VALID_TAX_CODE)
    assert user.is_business and user.public_name == "Công ty X (B)"


@pytest.mark.parametrize("email,password,name,field", [
    ("not-an-email", PASSWORD, "A", "email"),
    ("a@example.vn", "short", "A", "password"),
    ("a@example.vn", PASSWORD, "   ", "display_name"),
])
def test_register_rejects_bad_input(app, email, password, name, field):
    with pytest.raises(ServiceError) as error:
        services.register_user(email, password, name)
    assert error.value.field == field


def test_register_rejects_duplicate_email_case_insensitively(app):
    services.register_user("dup@example.vn", PASSWORD, "A")
    with pytest.raises(ServiceError) as error:
        services.register_user("DUP@example.vn", PASSWORD, "B")
    assert error.value.field == "email"


def test_authenticate(app):
    user = make_user(email="login@example.vn")
    assert services.authenticate("LOGIN@example.vn", PASSWORD) == user
    assert services.authenticate("login@example.vn", "wrong") is None
    assert services.authenticate("nobody@example.vn", PASSWORD) is None
    user.is_blocked = True
    assert services.authenticate("login@example.vn", PASSWORD) is None


def test_change_password_checks_current(app):
    user = make_user()
    with pytest.raises(ServiceError):
        services.change_password(user, "wrong", "new-password-1")
    with pytest.raises(ServiceError):
        services.change_password(user, PASSWORD, "short")
    services.change_password(user, PASSWORD, "new-password-1")
    assert user.check_password("new-password-1")


def test_create_staff_user_roles(app):
    agency = make_agency("Bộ Tư pháp")
    staff = services.create_staff_user("staff@example.vn", PASSWORD, "Cán bộ", "agency", agency)
    assert staff.is_staff_of(agency.id)
    with pytest.raises(ServiceError):
        services.create_staff_user("x@example.vn", PASSWORD, "X", "agency", None)
    with pytest.raises(ServiceError):
        services.create_staff_user("x@example.vn", PASSWORD, "X", "king", None)
    promoted = services.create_staff_user("staff@example.vn", None, None, "moderator")
    assert promoted is staff and promoted.is_moderator and promoted.agency_id is None
