"""Moderation forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from consult.core.forms import choices, length, required
from consult.moderation.models import FLAG_REASONS


class ReportForm(FlaskForm):
    reason = RadioField(_l("Lý do báo cáo"), choices=choices(FLAG_REASONS.items()),
                        validators=[required(_l("Vui lòng chọn lý do báo cáo."))])
    details = TextAreaField(_l("Chi tiết (bắt buộc với lý do Khác)"),
                            validators=[Optional(), length(max=1000)])


class QueueActionForm(FlaskForm):
    """Bulk or single moderator action; the comment ids come as checkboxes."""

    reason = StringField(_l("Lý do (bắt buộc khi ẩn hoặc từ chối; tác giả sẽ thấy)"),
                         validators=[Optional(), length(max=1000)])
    next = HiddenField()


class BlockForm(FlaskForm):
    reason = StringField(_l("Lý do"), validators=[Optional(), length(max=1000)])
    hide_existing = BooleanField(_l("Ẩn luôn các ý kiến đã đăng của tài khoản này"))
    next = HiddenField()
