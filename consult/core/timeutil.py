"""Conversions between stored UTC and the display time zone."""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import current_app


def display_zone():
    return ZoneInfo(current_app.config["CONSULT_DISPLAY_TIMEZONE"])


def to_local(value):
    """Stored naive-UTC datetime → aware datetime in the display time zone."""
    return value.replace(tzinfo=UTC).astimezone(display_zone())


def from_local(value):
    """Naive datetime typed in the display time zone → naive UTC for storage."""
    if value is None:
        return None
    return value.replace(tzinfo=display_zone()).astimezone(UTC).replace(tzinfo=None)
