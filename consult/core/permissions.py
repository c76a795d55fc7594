"""Route guards. Every view states who may use it."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

__all__ = ["login_required", "roles_required", "require"]


def roles_required(*roles):
    """Allow only logged-in users whose role is one of ``roles`` (admins always pass)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != "admin" and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require(allowed):
    """Abort with 403 unless ``allowed`` is true (use with a model's ``can_*`` method)."""
    if not allowed:
        abort(403)
