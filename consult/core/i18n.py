"""Languages: Vietnamese first, English available (Flask-Babel)."""

from flask import Blueprint, has_request_context, redirect, request, session, url_for

from consult.core.security import is_safe_next
from consult.extensions import babel

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}

bp = Blueprint("i18n", __name__)


def select_locale():
    """The language chosen in this session; Vietnamese otherwise (and outside requests)."""
    if not has_request_context():
        return "vi"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return "vi"


@bp.post("/lang/<code>")
def switch_language(code):
    """Anyone: remember the chosen language in the session, go back where we were."""
    if code in LANGUAGES:
        session["lang"] = code
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("drafts.home"))


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
