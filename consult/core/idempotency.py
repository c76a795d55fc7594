"""Idempotency keys: a random key rendered with a form, sent back unchanged by a retry."""

import re
import secrets

from flask_babel import gettext as _

from consult.core.exceptions import ServiceError

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_key():
    """A fresh key: 32 URL-safe characters (192 random bits)."""
    return secrets.token_urlsafe(24)


def is_valid_key(key):
    return isinstance(key, str) and KEY_PATTERN.fullmatch(key) is not None


def clean_key(key):
    """``None`` for no key (older pages, other clients); the key if well formed; else refuse."""
    if key is None or key == "":
        return None
    if not is_valid_key(key):
        raise ServiceError(_("Biểu mẫu không hợp lệ (mã gửi sai). Vui lòng tải lại trang rồi "
                             "gửi lại."))
    return key
