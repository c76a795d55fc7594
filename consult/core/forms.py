"""Helpers shared by views that handle forms."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice
from wtforms.validators import DataRequired, Email, Length

from consult.core.exceptions import ServiceError
from consult.core.idempotency import is_valid_key, new_key
from consult.core.pagecache import form_key_rendered


def apply_service_error(form, error: ServiceError):
    """Discard what the refused service had written; show its reason on the form."""
    from consult.extensions import db

    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


class IdempotencyKeyField(HiddenField):
    """A hidden random key: rendered fresh with the form, sent back unchanged by a retry.

    ``data`` is what the POST carried (``None`` when it carried none); the service checks it.
    A page rendered again after a refusal carries a fresh key if the sent one was malformed.
    """

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None

    def _value(self):
        if not is_valid_key(self.data):
            self.data = new_key()
        form_key_rendered(self.data)
        return self.data


def choices(pairs):
    """WTForms 3.3+ select/radio options from ``(value, label)`` pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


# WTForms ships no Vietnamese messages: every validator used in forms comes from here.

def required(message=None):
    """DataRequired with a Vietnamese message."""
    return DataRequired(message or _l("Vui lòng điền mục này."))


def length(min=-1, max=-1):
    """Length with a Vietnamese message."""
    if min > 0:
        return Length(min=min, max=max, message=_l("Cần từ %(min)d đến %(max)d ký tự."))
    return Length(max=max, message=_l("Tối đa %(max)d ký tự."))


def email():
    """E-mail address check with a Vietnamese message."""
    return Email(message=_l("Địa chỉ e-mail không hợp lệ."))
