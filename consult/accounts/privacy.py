"""Personal data (Decree 13/2023/NĐ-CP): download your data, close your account."""

import secrets

from flask_babel import gettext as _

from consult.accounts.models import ROLE_USER
from consult.accounts.signals import account_closing, personal_data_requested
from consult.core.db_setup import utcnow
from consult.core.exceptions import ServiceError
from consult.extensions import db

DELETED_NAME = "Người dùng đã xoá tài khoản"


def _iso(value):
    return value.isoformat() + "Z" if value else None


def export_personal_data(user):
    """Everything stored about ``user``, as a JSON-serialisable dict."""
    data = {
        "profile": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "kind": user.kind,
            "organisation_name": user.organisation_name,
            "tax_code": user.tax_code,
            "province": user.province,
            "role": user.role,
            "agency": user.agency.name if user.agency else None,
            "created_at": _iso(user.created_at),
        },
        "exported_at": _iso(utcnow()),
    }
    for _receiver, (section, content) in personal_data_requested.send(user):
        data[section] = content
    return data


def close_account(user, password, now=None):
    """Erase the user's personal data; their comments stay, shown as a deleted user."""
    if user.deleted_at is not None:
        raise ServiceError(_("Tài khoản này đã được xoá."))
    if not user.check_password(password or ""):
        raise ServiceError(_("Mật khẩu không đúng."), field="password")
    account_closing.send(user)
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.display_name = DELETED_NAME
    user.organisation_name = None
    user.tax_code = None
    user.province = None
    user.role = ROLE_USER
    user.agency_id = None
    user.set_password(secrets.token_urlsafe(32))
    user.is_blocked = True
    user.deleted_at = now or utcnow()
    db.session.flush()
