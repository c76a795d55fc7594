"""Helpers shared by views that handle forms."""

from consult.core.exceptions import ServiceError


def apply_service_error(form, error: ServiceError):
    """Discard what the refused service had written; show its reason on the form."""
    from consult.extensions import db

    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def choices(pairs):
    """WTForms 3.3+ select/radio options from ``(value, label)`` pairs."""
    from wtforms import SelectChoice

    return [SelectChoice(value, label) for value, label in pairs]
