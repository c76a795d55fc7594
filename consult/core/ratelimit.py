"""Rate-limit keys and limits read from the configuration (Flask-Limiter)."""

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from consult.extensions import limiter


def by_account():
    """The logged-in account (falls back to the IP address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{get_remote_address()}"


def by_login_email():
    """The e-mail typed on the login form, whether or not such an account exists."""
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def configured(name):
    """A limit taken from ``CONSULT_RATE_LIMIT_<NAME>`` at request time."""
    return lambda: current_app.config[f"CONSULT_RATE_LIMIT_{name}"]


def _failed(response):
    return response.status_code == 422


def per_account_and_ip(name):
    """Decorator: the configured limit applies per account and, separately, per IP."""
    def decorator(view):
        view = limiter.limit(configured(name), key_func=by_account, scope=f"{name}-account")(view)
        return limiter.limit(configured(name), key_func=get_remote_address,
                             scope=f"{name}-ip")(view)
    return decorator


def failed_logins(view):
    """Decorator for the login view: failed attempts are counted per e-mail and per IP."""
    view = limiter.limit(configured("FAILED_LOGIN"), key_func=by_login_email, deduct_when=_failed,
                         scope="failed-login-account", methods=["POST"])(view)
    view = limiter.limit(configured("FAILED_LOGIN"), key_func=get_remote_address,
                         deduct_when=_failed, scope="failed-login-ip", methods=["POST"])(view)
    return limiter.limit(configured("LOGIN"), methods=["POST"], scope="login-ip")(view)
