"""Account forms (Flask-WTF, CSRF on)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import EqualTo, Optional

from consult.accounts.models import PROVINCES
from consult.core.forms import choices, email, length, required

KIND_CHOICES = choices([("citizen", _l("Công dân")), ("business", _l("Doanh nghiệp / tổ chức"))])
MISMATCH = _l("Mật khẩu nhập lại không khớp.")
PROVINCE_CHOICES = choices([("", _l("— Không chọn —"))] + [(p, p) for p in PROVINCES])


class RegisterForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), email(), length(max=254)])
    display_name = StringField(_l("Họ và tên (tên hiển thị)"),
                               validators=[required(), length(max=120)])
    password = PasswordField(_l("Mật khẩu (ít nhất 8 ký tự)"),
                             validators=[required(), length(min=8, max=200)])
    confirm = PasswordField(_l("Nhập lại mật khẩu"),
                            validators=[required(), EqualTo("password", MISMATCH)])
    kind = RadioField(_l("Bạn góp ý với tư cách"), choices=KIND_CHOICES, default="citizen",
                      validators=[required()])
    organisation_name = StringField(_l("Tên doanh nghiệp / tổ chức"),
                                    validators=[Optional(), length(max=200)])
    tax_code = StringField(_l("Mã số thuế"), validators=[Optional(), length(max=20)],
                           description=_l("10 chữ số, hoặc 10-3 chữ số với chi nhánh"))
    province = SelectField(_l("Tỉnh / thành phố"), choices=PROVINCE_CHOICES,
                           validators=[Optional()])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), length(max=254)])
    password = PasswordField(_l("Mật khẩu"), validators=[required(), length(max=200)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))
    next = HiddenField()


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Họ và tên (tên hiển thị)"),
                               validators=[required(), length(max=120)])
    organisation_name = StringField(_l("Tên doanh nghiệp / tổ chức"),
                                    validators=[Optional(), length(max=200)])
    province = SelectField(_l("Tỉnh / thành phố"), choices=PROVINCE_CHOICES,
                           validators=[Optional()])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"),
                                     validators=[required(), length(max=200)])
    new_password = PasswordField(_l("Mật khẩu mới (ít nhất 8 ký tự)"),
                                 validators=[required(), length(min=8, max=200)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"),
                            validators=[required(),
                                        EqualTo("new_password", MISMATCH)])


class CloseAccountForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu hiện tại"), validators=[required(), length(max=200)])
    understood = BooleanField(_l("Tôi hiểu rằng việc xoá tài khoản không thể hoàn tác."),
                              validators=[required(_l("Vui lòng xác nhận."))])
