"""Query parameters of the API: read strictly, refuse clearly (400 naming the parameter)."""

from datetime import UTC, datetime, timedelta

from flask import current_app, request

from consult.core.timeutil import from_local


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
    value = request.args.get(name)
    if value is None:
        return None
    if not value.strip() or len(value) > max_length or "\x00" in value:
        raise bad(name, f"'{name}' must be 1 to {max_length} characters")
    return value.strip()


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
    if not value.isascii() or not value.isdigit() or not minimum <= int(value) <= maximum:
        raise bad(name, f"'{name}' must be an integer from {minimum} to {maximum}")
    return int(value)


def limit():
    config = current_app.config
    value = integer("limit", 1, config["CONSULT_API_MAX_PAGE_SIZE"])
    return value or config["CONSULT_API_PAGE_SIZE"]


def moment(name, end_of_day=False):
    """A date (YYYY-MM-DD, a day in Vietnam time) or an ISO 8601 date-time (naive = UTC),
    as naive UTC. With ``end_of_day`` a date means the start of the next day (exclusive)."""
    value = request.args.get(name)
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d")
            return from_local(day + timedelta(days=1) if end_of_day else day)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    except (ValueError, OverflowError):
        raise bad(name, f"'{name}' must be a date (YYYY-MM-DD) or an ISO 8601 date-time"
                  ) from None
