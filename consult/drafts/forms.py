"""Forms for agency staff: create and edit a consultation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from consult.core.forms import choices, length, required
from consult.drafts.models import DOCUMENT_TYPES


class ConsultationForm(FlaskForm):
    title = StringField(_l("Tên dự thảo"), validators=[required(), length(max=300)])
    doc_type = SelectField(_l("Loại văn bản"), choices=choices((t, t) for t in DOCUMENT_TYPES))
    agency_id = SelectField(_l("Cơ quan chủ trì soạn thảo"), coerce=int, choices=[])
    summary = TextAreaField(_l("Tóm tắt (Markdown)"), validators=[Optional(), length(max=20000)])
    opens_at = DateTimeLocalField(_l("Bắt đầu lấy ý kiến"), format="%Y-%m-%dT%H:%M",
                                  validators=[required(_l("Vui lòng nhập thời điểm bắt đầu."))])
    closes_at = DateTimeLocalField(_l("Kết thúc lấy ý kiến"), format="%Y-%m-%dT%H:%M",
                                   validators=[required(_l(
                                       "Vui lòng nhập thời điểm kết thúc."))])
    moderation_mode = RadioField(_l("Kiểm duyệt ý kiến"), default="post", choices=choices([
        ("post", _l("Đăng ngay, kiểm duyệt sau (ý kiến vi phạm bị ẩn khi phát hiện)")),
        ("pre", _l("Duyệt trước khi đăng (mọi ý kiến chờ kiểm duyệt viên)")),
    ]), validators=[required()])
    text = TextAreaField(_l("Toàn văn dự thảo"), validators=[Optional(), length(max=2_000_000)],
                         description=_l("Dán toàn văn, hoặc tải lên tệp .txt / .md bên dưới."))
    upload = FileField(_l("Tệp dự thảo (.txt, .md)"),
                       validators=[FileAllowed(["txt", "md"], _l("Chỉ nhận tệp .txt hoặc .md."))])
