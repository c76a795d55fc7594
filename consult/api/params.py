"""Query parameters of the API: read strictly, refuse clearly (400 naming the parameter)."""

import re
from datetime import UTC, datetime, timedelta

from flask import current_app, request

from consult.core.numbers import whole_number
from consult.core.timeutil import display_zone


class ApiError(Exception):
    """An API request refused with a JSON error ``{"error": {code, message, parameter}}``."""

    def __init__(self, status, code, message, parameter=None):
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter


def bad(parameter, message):
    return ApiError(400, "invalid_parameter", message, parameter)


def check_known(allowed):
    """Refuse parameters the operation does not have (typos would silently widen a query)."""
    for name in request.args:
        if name not in allowed:
            raise bad(name, f"unknown parameter '{name}'")
    for name, values in request.args.lists():
        if len(values) > 1:
            raise bad(name, f"parameter '{name}' given more than once")


def text(name, max_length=200):
    """Free text; blank means not given."""
    value = request.args.get(name)
    if value is None:
        return None
    if len(value) > max_length:
        raise bad(name, f"'{name}' must be at most {max_length} characters")
    return value.replace("\x00", " ").strip() or None


SLUG = re.compile(r"[a-z0-9-]{1,100}")
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,200}")


def token(name, pattern):
    """A slug or cursor: must match ``pattern`` exactly."""
    value = request.args.get(name)
    if value is None:
        return None
    if not pattern.fullmatch(value):
        raise bad(name, f"'{name}' must match {pattern.pattern}")
    return value


def choice(name, options):
    value = request.args.get(name)
    if value is None:
        return None
    if value not in options:
        raise bad(name, f"'{name}' must be one of: {', '.join(options)}")
    return value


def integer(name, minimum=1, maximum=2**31 - 1):
    value = request.args.get(name)
    if value is None:
        return None
    number = whole_number(value) if len(value) <= 10 else None  # 2**31 has 10 digits
    if number is None and value.isascii() and value.isdigit() and len(value) == 10:
        number = int(value)
    if number is None or not minimum <= number <= maximum:
        raise bad(name, f"'{name}' must be an integer from {minimum} to {maximum}")
    return number


def limit():
    config = current_app.config
    value = integer("limit", 1, config["CONSULT_API_MAX_PAGE_SIZE"])
    return value or config["CONSULT_API_PAGE_SIZE"]


RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                     r"([Zz]|[+-]\d{2}:\d{2})?$")


def _clamped(value, shift):
    """``value - shift`` without leaving datetime's range (year 1 to 9999)."""
    try:
        return value - shift
    except OverflowError:
        return datetime.min if shift > timedelta(0) else datetime.max


def _parse_moment(value, end_of_day):
    if len(value) == 10:
        day = datetime.strptime(value, "%Y-%m-%d")
        if end_of_day:
            day = _clamped(day, -timedelta(days=1))
        return _clamped(day, _local_offset())
    match = RFC3339.match(value)
    if not match:
        raise ValueError(value)
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    micro = int((match.group(7) or ".0")[1:7].ljust(6, "0"))
    parsed = datetime(year, month, day, hour, minute, min(second, 59), micro)
    zone = match.group(8)
    if zone and zone not in "Zz":
        sign = 1 if zone[0] == "+" else -1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        if offset >= timedelta(hours=24):
            raise ValueError(value)
        parsed = _clamped(parsed, sign * offset)
    return parsed


def _local_offset():
    """The display time zone's offset from UTC now (Vietnam: +7 h, no daylight saving)."""
    return datetime.now(UTC).astimezone(display_zone()).utcoffset()


def moment(name, end_of_day=False):
    """A date (YYYY-MM-DD, a day in Vietnam time) or an RFC 3339 date-time (no offset:
    UTC), as naive UTC. With ``end_of_day`` a date means the start of the next day."""
    value = request.args.get(name)
    if value is None:
        return None
    try:
        return _parse_moment(value, end_of_day)
    except ValueError:
        raise bad(name, f"'{name}' must be a date (YYYY-MM-DD) or an RFC 3339 date-time"
                  ) from None
