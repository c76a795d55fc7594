"""Dossier forms: an answer (for one comment, the ticked ones, or a whole group)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Optional

from consult.core.forms import choices, length, required
from consult.dossier.models import DISPOSITIONS

# Generous transport limit; the service applies the configured limit with a clear message.
_TRANSPORT_LIMIT = 50_000


class AnswerForm(FlaskForm):
    disposition = RadioField(_l("Hình thức"), choices=choices(DISPOSITIONS.items()),
                             validators=[required(_l(
                                 "Vui lòng chọn hình thức tiếp thu, giải trình."))])
    explanation = TextAreaField(
        _l("Nội dung tiếp thu, giải trình"), validators=[Optional(), length(max=_TRANSPORT_LIMIT)],
        description=_l("Bắt buộc, trừ khi chỉ ghi nhận. Người góp ý sẽ đọc được nội dung này "
                       "khi bản tổng hợp được công bố."))
    only_unanswered = BooleanField(_l("Chỉ áp dụng cho các ý kiến chưa được trả lời"))
    next = HiddenField()
