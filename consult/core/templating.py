"""Template filters and globals: local times, time left, Markdown."""

from datetime import UTC

from flask_babel import format_date, format_datetime, format_decimal, get_locale, ngettext
from flask_babel import gettext as _

from consult.core.db_setup import utcnow
from consult.core.i18n import LANGUAGES
from consult.core.markup import render_draft_inline, render_draft_table, render_markdown

#: How each language writes a time and a day (CLDR patterns): Vietnamese administrative
#: style, and English with the month in words (06/12 would read as June in the US).
DATE_FORMATS = {
    "vi": {"datetime": "dd/MM/yyyy HH:mm", "date": "dd/MM/yyyy"},
    "en": {"datetime": "d MMMM yyyy, HH:mm", "date": "d MMMM yyyy"},
}


def _pattern(fmt):
    formats = DATE_FORMATS.get(str(get_locale() or "vi"), DATE_FORMATS["vi"])
    return formats.get(fmt, fmt)


def local_datetime(value, fmt="datetime"):
    """A stored UTC datetime in the display time zone, as the page's language writes it:
    "06/12/2026 09:30" in Vietnamese, "6 December 2026, 09:30" in English.

    ``fmt`` is "datetime", "date" or an explicit CLDR pattern (exports keep their own).
    """
    if value is None:
        return ""
    return format_datetime(value.replace(tzinfo=UTC), _pattern(fmt))


def local_date(value):
    """A calendar day (no time zone): "06/12/2026" / "6 December 2026"."""
    return format_date(value, _pattern("date")) if value else ""


def number(value, fmt=None):
    """12345 → "12.345" in Vietnamese, "12,345" in English; ``fmt`` a CLDR pattern ("0.0")."""
    return format_decimal(value or 0, fmt)


def iso_datetime(value):
    return value.replace(tzinfo=UTC).isoformat() if value else ""


def countdown(closes_at, now=None):
    """The time left until ``closes_at`` as the pages write it: ("ngay", 3), ("gio", 5),
    ("phut", 12), or ("het", 0) once it has passed. Page stamps include it, so a cached page
    never shows a countdown that has moved on."""
    seconds = (closes_at - (now or utcnow())).total_seconds()
    if seconds <= 0:
        return "het", 0
    if seconds >= 86400:
        return "ngay", int(seconds // 86400)
    if seconds >= 3600:
        return "gio", int(seconds // 3600)
    return "phut", max(1, int(seconds // 60))


def time_left(closes_at, now=None):
    """Human "time left" until ``closes_at``: "còn 3 ngày", "còn 5 giờ", "đã kết thúc"."""
    unit, number = countdown(closes_at, now)
    if unit == "het":
        return _("đã kết thúc")
    if unit == "ngay":
        return ngettext("còn %(num)d ngày", "còn %(num)d ngày", number)
    if unit == "gio":
        return ngettext("còn %(num)d giờ", "còn %(num)d giờ", number)
    return ngettext("còn %(num)d phút", "còn %(num)d phút", number)


def modify_query(**changes):
    """The current URL with some query arguments changed (None removes one); page reset."""
    from flask import request, url_for

    args = request.args.to_dict()
    if "page" not in changes:
        args.pop("page", None)
    for name, value in changes.items():
        if value is None or value == "":
            args.pop(name, None)
        else:
            args[name] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app):
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["iso_datetime"] = iso_datetime
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["draft_inline"] = render_draft_inline
    app.jinja_env.filters["draft_table"] = render_draft_table
    app.jinja_env.globals["time_left"] = time_left
    app.jinja_env.globals["modify_query"] = modify_query
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "vi")
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
