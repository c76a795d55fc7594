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
@click.option("--poll", default=0.5, show_default=True, type=click.FloatRange(min=0),
              help="Seconds between empty polls")
@click.option("--batch", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds between index commits while changes keep coming")
@click.option("--stop-after", type=float, default=None, help="Exit after this many seconds")
def worker(poll, batch, stop_after):
    """Drain the outbox continuously (run one per deployment; set CONSULT_SEARCH_INLINE=0)."""
    click.echo("Search worker started.")
    indexer.run_worker(poll, stop_after, batch)
