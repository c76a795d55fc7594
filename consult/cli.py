"""``flask --app app consult …`` commands. Each calls services and commits once."""

from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy import func, select

from consult.core.db_setup import utcnow
from consult.core.exceptions import ServiceError
from consult.core.timeutil import from_local
from consult.extensions import db

bp = Blueprint("consult", __name__, cli_group="consult")


def _fail(message):
    """Print a reason and exit with status 2 (bad input)."""
    raise click.exceptions.UsageError(message)


def _parse_local(value, option):
    if value is None:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return from_local(datetime.strptime(value, fmt))
        except ValueError:
            continue
    _fail(f"{option}: cannot read date '{value}' (use YYYY-MM-DD or 'YYYY-MM-DD HH:MM').")


@bp.cli.command("create-user")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default=None, help="Display name")
@click.option("--role", type=click.Choice(["user", "agency", "moderator", "admin"]),
              default="user", show_default=True)
@click.option("--agency", "agency_name", default=None, help="Agency name (role agency)")
def create_user(email, password, display_name, role, agency_name):
    """Create a user, or give an existing one a staff role."""
    from consult.accounts.services import create_staff_user
    from consult.drafts.services import get_or_create_agency

    try:
        agency = get_or_create_agency(agency_name) if agency_name else None
        user = create_staff_user(email, password, display_name, role, agency)
    except ServiceError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(f"User {user.email} ({user.role}) ready.")


@bp.cli.command("import-draft")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", required=True)
@click.option("--agency", "agency_name", required=True)
@click.option("--type", "doc_type", default="Luật", show_default=True)
@click.option("--summary", default="")
@click.option("--opens", default=None, help="Local date/time; default now")
@click.option("--closes", default=None, help="Local date/time; default 30 days after opening")
@click.option("--publish/--no-publish", default=True, show_default=True)
def import_draft(path, title, agency_name, doc_type, summary, opens, closes, publish):
    """Import a draft from a .docx, .txt or .md file as a new consultation."""
    from consult.drafts.docx_import import read_draft_upload
    from consult.drafts.services import (
        create_consultation,
        get_or_create_agency,
        publish_consultation,
    )

    if not path.exists():
        _fail(f"File not found: {path}")
    try:
        text = read_draft_upload(path.name, path.read_bytes())  # .docx, or UTF-8 text
    except ServiceError as error:
        _fail(f"{path}: {error.message}")
    opens_at = _parse_local(opens, "--opens") or utcnow()
    closes_at = _parse_local(closes, "--closes") or opens_at + timedelta(days=30)
    try:
        agency = get_or_create_agency(agency_name)
        consultation = create_consultation(agency, title, doc_type, summary, opens_at,
                                           closes_at, text)
        if publish:
            publish_consultation(consultation)
    except ServiceError as error:
        _fail(error.message)
    db.session.commit()
    articles = len(consultation.current_version.articles())
    click.echo(f"Imported /c/{consultation.slug}: {articles} articles, "
               f"status {consultation.phase()}.")


@bp.cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when consultations already exist")
@click.option("--comments", default=300, show_default=True, help="Number of demo comments")
def seed_demo(if_empty, comments):
    """Load demo agencies, users, two real laws as consultations and comments."""
    from consult.demo import seed_demo_data
    from consult.drafts.models import Consultation

    if if_empty and db.session.scalar(select(func.count(Consultation.id))):
        click.echo("Database already has consultations; demo data not loaded.")
        return
    summary = seed_demo_data(comment_count=comments)
    db.session.commit()
    click.echo(summary)


@bp.cli.command("backup")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
def backup(out_path):
    """Write a consistent backup of the database (safe while the site runs)."""
    from flask import current_app

    from consult.core.backup import backup_database

    try:
        backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], out_path)
    except ServiceError as error:
        _fail(error.message)
    click.echo(f"Backup written to {out_path} ({out_path.stat().st_size} bytes).")


@bp.cli.command("restore")
@click.argument("backup_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
def restore(backup_path, yes):
    """Replace the database with a backup (stop the site first; rebuild the search index)."""
    from flask import current_app

    from consult.core.backup import restore_database

    if not yes:
        click.confirm("This replaces every row of the current database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore_database(current_app.config["SQLALCHEMY_DATABASE_URI"], backup_path)
    except ServiceError as error:
        _fail(error.message)
    click.echo(f"Database restored from {backup_path}.")


def init_app(app):
    from consult.dossier.cli import dossier_cli
    from consult.notifications.cli import notifications_cli
    from consult.search.cli import search_cli

    bp.cli.add_command(search_cli)
    bp.cli.add_command(notifications_cli)
    bp.cli.add_command(dossier_cli)
    app.register_blueprint(bp)
