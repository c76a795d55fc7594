"""``flask --app app consult dossier <consultation> --format docx|pdf|csv|json --out FILE``
and ``flask --app app consult dossier analyse <consultation>``."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from consult.core.exceptions import ServiceError
from consult.core.numbers import whole_number
from consult.dossier import analysis as analysis_job
from consult.drafts.models import Consultation
from consult.extensions import db

FORMATS = ("docx", "pdf", "csv", "json")
STAGE_LABELS = {"collect": "reading comments", "campaigns": "finding campaigns",
                "themes": "finding themes", "phrases": "key phrases", "save": "saving"}


class _ExportByDefault(AppGroup):
    """``dossier <consultation> …`` means ``dossier export <consultation> …``."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["export", *args]
        return super().parse_args(ctx, args)


dossier_cli = _ExportByDefault("dossier", help="Feedback dossier: analyse, export.")


def _consultation(reference):
    """A consultation by slug or id, or exit 2."""
    query = select(Consultation).where(Consultation.slug == reference)
    if whole_number(reference) is not None:
        query = select(Consultation).where((Consultation.slug == reference)
                                           | (Consultation.id == int(reference)))
    consultation = db.session.scalar(query)
    if consultation is None:
        raise click.UsageError(f"No consultation '{reference}' (give its slug or id).")
    if not consultation.is_public:
        raise click.UsageError(f"Consultation '{reference}' is still a draft.")
    return consultation


def _analyse(consultation):
    with click.progressbar(length=1000, label="Analysing", show_percent=True) as bar:
        def progress(stage, value):
            bar.label = f"Analysing: {STAGE_LABELS.get(stage, stage):<18}"
            bar.update(max(0, int(value * 1000) - bar.pos))

        try:
            analysis = analysis_job.analyse_consultation(consultation, progress=progress)
        except ServiceError as error:
            raise click.UsageError(error.message) from error
        bar.update(1000 - bar.pos)
    click.echo(f"Analysed {analysis.comment_count} comments in {analysis.seconds:.1f} s.")


@dossier_cli.command("analyse")
@click.argument("consultation")
def analyse(consultation):
    """Rebuild the cached analysis of a consultation (slug or id), with a progress bar."""
    _analyse(_consultation(consultation))


@dossier_cli.command("export")
@click.argument("consultation")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="docx", show_default=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False,
                                                                  path_type=Path))
@click.option("--reanalyse", is_flag=True, help="Analyse again even if the cache is current")
def export(consultation, fmt, out_path, reanalyse):
    """Write the dossier of a consultation (analysing it first if needed)."""
    from consult.dossier.export_docx import write_docx
    from consult.dossier.export_pdf import write_pdf
    from consult.dossier.export_tabular import write_csv, write_json

    target = _consultation(consultation)
    if not out_path.parent.exists():
        raise click.UsageError(f"--out: folder {out_path.parent} does not exist.")
    cached = analysis_job.get_analysis(target.id)
    if reanalyse or cached is None or not cached.has_result or cached.is_stale:
        _analyse(target)
    writers = {"docx": write_docx, "pdf": write_pdf, "csv": write_csv, "json": write_json}
    writers[fmt](target, out_path)
    db.session.commit()  # the answers summary the export computed is kept
    click.echo(f"Wrote {out_path} ({out_path.stat().st_size} bytes).")
