"""consult — public consultation on draft legal documents."""

import os

from flask import Flask

from consult.config import flask_config, load_settings
from consult.core.memory import map_large_blocks


def create_app(config=None):
    """Build the Flask app.

    ``config`` may hold CONSULT_* option names without the prefix (``DATABASE_URL``,
    ``INSTANCE_PATH`` …) and plain Flask keys (``TESTING``, ``WTF_CSRF_ENABLED`` …).
    """
    config = dict(config or {})
    settings = load_settings(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.update(flask_config(settings))
    app.config.update({f"CONSULT_{name}": value for name, value in settings.items()})
    app.config.update({k: v for k, v in config.items() if k not in settings})

    _init_extensions(app)
    _register_blueprints(app)
    map_large_blocks()  # a web worker's memory stays near what it uses (consult/core/memory)
    if settings["PROXY_HOPS"]:  # behind a load balancer: the client's address, per-IP limits
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app


def _init_extensions(app):
    from consult.core import db_setup, i18n, pagecache
    from consult.extensions import csrf, db, limiter, login_manager

    db.init_app(app)
    if _runs_commands(app):
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(_project_root() / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    i18n.init_app(app)
    db_setup.init_app(app)
    pagecache.init_app(app)


def _runs_commands(app):
    """Whether this process may run ``flask db …`` (Flask-Migrate's commands): the ``flask``
    command says so in FLASK_RUN_FROM_CLI, tests run commands through the app. A gunicorn
    worker never does, and Flask-Migrate brings alembic (~10 MB) into every process that
    imports it."""
    return app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true"


def _register_blueprints(app):
    from consult import cli
    from consult.accounts.views import bp as accounts_bp
    from consult.api import views as api_views
    from consult.comments import privacy as comments_privacy
    from consult.comments.views import bp as comments_bp
    from consult.core import errors, security, templating
    from consult.dossier import views as dossier_views
    from consult.drafts.version_views import bp as versions_bp
    from consult.drafts.views import bp as drafts_bp
    from consult.moderation import views as moderation_views
    from consult.notifications import views as notifications_views
    from consult.search import views as search_views

    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(drafts_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(versions_bp)
    comments_privacy.init_app(app)
    moderation_views.init_app(app)
    search_views.init_app(app)
    notifications_views.init_app(app)
    api_views.init_app(app)
    dossier_views.init_app(app)
    cli.init_app(app)


def _project_root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent
