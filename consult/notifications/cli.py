"""``flask --app app consult notifications tick|send|worker``."""

import click
from flask.cli import AppGroup

from consult.extensions import db
from consult.notifications import mailer, schedule

notifications_cli = AppGroup("notifications", help="Notification commands.")


@notifications_cli.command("tick")
def tick():
    """Record the clock events that are due (opened, 7 days left, closed); safe to repeat."""
    created = schedule.tick()
    db.session.commit()
    click.echo(f"Recorded {created} notifications.")


@notifications_cli.command("send")
def send():
    """Send every queued e-mail that is due, then exit."""
    sent, failed = mailer.send_all()
    click.echo(f"Sent {sent} e-mails, {failed} failed (kept for retry).")


@notifications_cli.command("worker")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between empty polls")
@click.option("--stop-after", type=float, default=None, help="Exit after this many seconds")
def worker(poll, stop_after):
    """Send queued e-mails continuously (set CONSULT_MAIL_INLINE=0 when it runs)."""
    click.echo("E-mail worker started.")
    mailer.run_worker(poll, stop_after)
