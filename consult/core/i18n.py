"""Languages: Vietnamese first, English available (Flask-Babel)."""

import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
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


def compile_catalogues(translations_dir):
    """Compile each ``messages.po`` whose ``.mo`` is missing or older (build output, not in git).

    Every process that starts on a fresh checkout does it, gunicorn's workers at once: each
    writes a temporary file of its own and renames it into place (the same bytes, whichever
    lands last)."""
    for po_path in Path(translations_dir).glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        with tempfile.NamedTemporaryFile(dir=mo_path.parent, prefix="messages.",
                                         suffix=".mo.tmp", delete=False) as mo_file:
            write_mo(mo_file, catalogue)
        compiled = Path(mo_file.name)
        compiled.chmod(0o644)  # readable like any other file of the site
        compiled.replace(mo_path)


def init_app(app):
    compile_catalogues(Path(app.root_path) / "translations")
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
