"""Forms for agency staff: create and edit a consultation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from consult.core.forms import choices, length, required
from consult.drafts.models import DOCUMENT_TYPES

# .doc is let through so that the reader can say what to do with it (save as .docx)
UPLOAD_EXTENSIONS = ["docx", "txt", "md", "doc"]
UPLOAD_MESSAGE = _l("Chỉ nhận tệp .docx, .txt hoặc .md.")


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
                         description=_l("Dán toàn văn, hoặc tải lên tệp .docx / .txt / .md bên "
                                        "dưới."))
    upload = FileField(_l("Tệp dự thảo (.docx, .txt, .md)"),
                       validators=[FileAllowed(UPLOAD_EXTENSIONS, UPLOAD_MESSAGE)])


class NewVersionForm(FlaskForm):
    note = TextAreaField(_l("Tóm tắt những điểm thay đổi"), validators=[
        required(_l("Vui lòng nêu tóm tắt những điểm thay đổi.")), length(max=5000)],
        description=_l("Ví dụ: chỉnh lý sau đợt lấy ý kiến thứ nhất; bổ sung Điều 5 về …"))
    text = TextAreaField(_l("Toàn văn phiên bản mới"), validators=[
        Optional(), length(max=2_000_000)],
        description=_l("Sửa trực tiếp văn bản dưới đây, hoặc tải lên tệp .docx / .txt / .md."))
    upload = FileField(_l("Tệp phiên bản mới (.docx, .txt, .md)"),
                       validators=[FileAllowed(UPLOAD_EXTENSIONS, UPLOAD_MESSAGE)])
    closes_at = DateTimeLocalField(
        _l("Kết thúc lấy ý kiến (để trống nếu giữ nguyên)"), format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Đặt thời điểm mới để gia hạn, hoặc mở lại đợt lấy ý kiến đã kết thúc "
                       "cho phiên bản này."))
    preview = SubmitField(_l("Xem trước thay đổi"))
    publish = SubmitField(_l("Đăng phiên bản mới"))


def submitted_text(form):
    """The uploaded file's text (.docx converted, .txt / .md decoded), else the pasted text."""
    from consult.drafts.docx_import import read_draft_upload  # python-docx: on first use

    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        return read_draft_upload(upload.filename, upload.read())
    return form.text.data or ""
