"""Account operations: registration, authentication, passwords, staff accounts."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.models import (
    ACCOUNT_KINDS,
    KIND_BUSINESS,
    KIND_CITIZEN,
    ROLE_AGENCY,
    ROLES,
    User,
)
from consult.accounts.taxcode import is_valid_tax_code, normalize_tax_code
from consult.core.exceptions import ServiceError
from consult.core.text import normalize_line
from consult.extensions import db

MIN_PASSWORD_LENGTH = 8


def normalize_email(email):
    return normalize_line(email).lower()


def find_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def _check_password_strength(password):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH), field="password"
        )


def register_user(email, password, display_name, kind=KIND_CITIZEN, organisation_name=None,
                  tax_code=None, province=None):
    """Create a citizen or business account; raises ServiceError on bad or duplicate data."""
    email = normalize_email(email)
    display_name = normalize_line(display_name)
    if not email or "@" not in email:
        raise ServiceError(_("Địa chỉ e-mail không hợp lệ."), field="email")
    if not display_name:
        raise ServiceError(_("Vui lòng nhập tên hiển thị."), field="display_name")
    if kind not in ACCOUNT_KINDS:
        raise ServiceError(_("Loại tài khoản không hợp lệ."), field="kind")
    _check_password_strength(password)
    if find_user_by_email(email) is not None:
        raise ServiceError(_("E-mail này đã được đăng ký."), field="email")
    user = User(email=email, display_name=display_name, kind=kind,
                province=normalize_line(province) or None)
    if kind == KIND_BUSINESS:
        organisation_name = normalize_line(organisation_name)
        tax_code = normalize_tax_code(tax_code)
        if not organisation_name:
            raise ServiceError(_("Vui lòng nhập tên doanh nghiệp / tổ chức."),
                               field="organisation_name")
        if tax_code and not is_valid_tax_code(tax_code):
            raise ServiceError(_("Mã số thuế không hợp lệ (10 chữ số, hoặc 10-3 chữ số cho chi "
                                 "nhánh; chữ số kiểm tra phải đúng)."), field="tax_code")
        if not tax_code:
            raise ServiceError(_("Vui lòng nhập mã số thuế."), field="tax_code")
        user.organisation_name = organisation_name
        user.tax_code = tax_code
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password):
    """Return the active user with this e-mail and password, else None (no hint which failed).

    A hash of an older kind is replaced by a new one while the password is at hand."""
    user = find_user_by_email(email)
    if user is None or not user.check_password(password or ""):
        return None
    if not user.is_active:
        return None
    if user.password_needs_rehash():
        user.set_password(password)
    return user


def change_password(user, current_password, new_password):
    """Change a password after checking the current one."""
    if not user.check_password(current_password or ""):
        raise ServiceError(_("Mật khẩu hiện tại không đúng."), field="current_password")
    _check_password_strength(new_password)
    user.set_password(new_password)
    db.session.flush()


def update_profile(user, display_name, province=None, organisation_name=None):
    """Change the public name, province and (for businesses) organisation name."""
    display_name = normalize_line(display_name)
    if not display_name:
        raise ServiceError(_("Vui lòng nhập tên hiển thị."), field="display_name")
    user.display_name = display_name
    user.province = normalize_line(province) or None
    if user.is_business:
        organisation_name = normalize_line(organisation_name)
        if not organisation_name:
            raise ServiceError(_("Vui lòng nhập tên doanh nghiệp / tổ chức."),
                               field="organisation_name")
        user.organisation_name = organisation_name
    db.session.flush()


def create_staff_user(email, password, display_name, role, agency=None):
    """Create (or promote) an account with a staff role; agency staff need an agency."""
    if role not in ROLES:
        raise ServiceError(_("Vai trò không hợp lệ: %(role)s", role=role), field="role")
    if role == ROLE_AGENCY and agency is None:
        raise ServiceError(_("Cán bộ cơ quan soạn thảo phải thuộc một cơ quan (--agency)."),
                           field="agency")
    user = find_user_by_email(email)
    if user is None:
        user = register_user(email, password, display_name or email.split("@")[0])
    elif password:
        _check_password_strength(password)
        user.set_password(password)
    user.role = role
    user.agency_id = agency.id if role == ROLE_AGENCY else None
    db.session.flush()
    return user
