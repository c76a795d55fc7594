"""``flask --app app consult search reindex|worker|drain``."""

import time

import click
from flask.cli import AppGroup

from consult.search import indexer

search_cli = AppGroup("search", help="Search index commands.")


@search_cli.command("reindex")
def reindex():
    """Rebuild the whole index from the database."""
    started = time.perf_counter()
    count = indexer.reindex(progress=lambda n: click.echo(f"  {n} documents…"))
    click.echo(f"Indexed {count} documents in {time.perf_counter() - started:.1f} s.")


@search_cli.command("drain")
def drain():
    """Apply every pending outbox row to the index, then exit."""
    click.echo(f"Applied {indexer.drain_all()} changes.")


@search_cli.command("worker")
@click.option("--poll", default=0.5, show_default=True, help="Seconds between empty polls")
@click.option("--stop-after", type=float, default=None, help="Exit after this many seconds")
def worker(poll, stop_after):
    """Drain the outbox continuously (run one per deployment; set CONSULT_SEARCH_INLINE=0)."""
    click.echo("Search worker started.")
    indexer.run_worker(poll, stop_after)
