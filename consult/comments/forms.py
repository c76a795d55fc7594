"""Comment forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Optional

from consult.core.forms import IdempotencyKeyField, choices, length, required

STANCE_CHOICES = choices([
    ("agree", _l("Đồng ý")),
    ("disagree", _l("Không đồng ý")),
    ("amend", _l("Đề xuất sửa đổi")),
    ("other", _l("Ý kiến khác")),
])

# Generous transport limit; the service applies the configured limit with a clear message.
_TRANSPORT_LIMIT = 50_000


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Nội dung góp ý"), validators=[required(_l(
        "Nội dung góp ý không được để trống.")), length(max=_TRANSPORT_LIMIT)],
        description=_l("Có thể dùng Markdown: **đậm**, *nghiêng*, danh sách, trích dẫn."))
    stance = RadioField(_l("Quan điểm của bạn"), choices=STANCE_CHOICES,
                        validators=[required(_l("Vui lòng chọn quan điểm của bạn."))])
    clause_ref = SelectField(_l("Góp ý cho khoản / điểm"), choices=[], validate_choice=False,
                             validators=[Optional()])
    proposed_wording = TextAreaField(_l("Đề xuất câu chữ thay thế (không bắt buộc)"),
                                     validators=[Optional(), length(max=_TRANSPORT_LIMIT)])
    section_id = HiddenField()
    idempotency_key = IdempotencyKeyField()


class ReplyForm(FlaskForm):
    reply_body = TextAreaField(_l("Trả lời"), validators=[required(_l(
        "Nội dung trả lời không được để trống.")), length(max=_TRANSPORT_LIMIT)])
    # One ReplyForm serves every reply box of a page: the service stores the key with the
    # comment replied to.
    idempotency_key = IdempotencyKeyField()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""
