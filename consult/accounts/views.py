"""Register, log in, log out, profile."""

import functools
import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import Integer, bindparam, select

from consult.accounts import privacy, services
from consult.accounts.forms import (
    ChangePasswordForm,
    CloseAccountForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
)
from consult.accounts.models import User
from consult.core.exceptions import ServiceError
from consult.core.forms import apply_service_error
from consult.core.permissions import login_required
from consult.core.ratelimit import configured, failed_logins
from consult.core.security import is_safe_next
from consult.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id):
    """The signed-in user and, in the same query, their unread notifications for the header
    (``remember_unread``). A malformed id in the session cookie is no user."""
    from consult.notifications.services import remember_unread

    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    row = db.session.execute(_user_with_badge(), {"user_id": user_id}).first()
    if row is None:
        return None
    remember_unread(user_id, row[1])
    return row[0]


@functools.cache
def _user_with_badge():
    """``load_user``'s statement, built once (building it anew took a quarter of the time
    every page a member is served spent on it)."""
    from consult.notifications.services import unread_query

    user_id = bindparam("user_id", type_=Integer)
    return select(User, unread_query(user_id).scalar_subquery()).where(User.id == user_id)


@login_manager.unauthorized_handler
def _unauthorized():
    from consult.core.errors import error_response, wants_json

    if wants_json() or request.method != "GET":
        return error_response(401 if wants_json() else 403,
                              _("Vui lòng đăng nhập để tiếp tục."))
    flash(_("Vui lòng đăng nhập để tiếp tục."), "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _redirect_next(target):
    return redirect(target if is_safe_next(target) else url_for("drafts.home"))


@bp.route("/dang-ky", methods=["GET", "POST"])
@limiter.limit(configured("REGISTER"), methods=["POST"])
def register():
    """Anyone not logged in: create a citizen or business account."""
    if current_user.is_authenticated:
        return redirect(url_for("drafts.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.email.data, form.password.data, form.display_name.data, form.kind.data,
                form.organisation_name.data, form.tax_code.data, form.province.data,
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Đăng ký thành công. Chào mừng bạn!"), "success")
            return redirect(url_for("drafts.home"))
    return render_template("accounts/register.html", form=form), 200 if not form.errors else 422


@bp.route("/dang-nhap", methods=["GET", "POST"])
@failed_logins
def login():
    """Anyone: log in with e-mail and password."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("E-mail hoặc mật khẩu không đúng."))
        else:
            login_user(user, remember=form.remember.data)
            db.session.commit()  # a password hash renewed by authenticate
            flash(_("Đăng nhập thành công."), "success")
            return _redirect_next(form.next.data)
    status = 200 if request.method == "GET" else 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/dang-xuat")
@login_required
def logout():
    """Logged-in users: end the session."""
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("drafts.home"))


@bp.route("/tai-khoan", methods=["GET", "POST"])
@login_required
def profile():
    """Logged-in users: edit their profile and change their password."""
    profile_form = ProfileForm(obj=current_user, prefix="profile")
    password_form = ChangePasswordForm(prefix="password")
    if "profile-display_name" in request.form and profile_form.validate_on_submit():
        try:
            services.update_profile(current_user, profile_form.display_name.data,
                                    profile_form.province.data,
                                    profile_form.organisation_name.data)
        except ServiceError as error:
            apply_service_error(profile_form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu hồ sơ."), "success")
            return redirect(url_for("accounts.profile"))
    elif "password-current_password" in request.form and password_form.validate_on_submit():
        try:
            services.change_password(current_user, password_form.current_password.data,
                                     password_form.new_password.data)
        except ServiceError as error:
            apply_service_error(password_form, error)
        else:
            db.session.commit()
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("accounts.profile"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/profile.html", profile_form=profile_form,
                           password_form=password_form), status


@bp.get("/tai-khoan/du-lieu")
@login_required
def download_data():
    """Logged-in users: download everything stored about them, as JSON."""
    data = privacy.export_personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=du-lieu-ca-nhan-{current_user.id}.json",
        "Cache-Control": "no-store"})


@bp.route("/tai-khoan/xoa", methods=["GET", "POST"])
@login_required
def close_account():
    """Logged-in users: erase their personal data; their comments stay, anonymised."""
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            privacy.close_account(current_user, form.password.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Tài khoản của bạn đã được xoá. Cảm ơn bạn đã tham gia góp ý."), "info")
            return redirect(url_for("drafts.home"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/close.html", form=form), status
