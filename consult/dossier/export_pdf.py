"""The dossier as PDF (fpdf2, pure Python): the same content as the DOCX, landscape A4, in
the DejaVu Serif font shipped in static/fonts (every Vietnamese letter, embedded).

fpdf2 cannot split one table row over two pages, so a row too tall for a page continues in
further rows of the same STT.
"""

from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from consult.dossier.table import (
    introduction,
    load_dossier,
    row_answer,
    row_content,
    table_headings,
    title_lines,
)

FAMILY = "DejaVuSerif"
COLUMN_WIDTHS = (12, 40, 45, 90, 90)  # mm, of 277 mm between the margins
LINE_HEIGHT = 4.2
MAX_LINES = 36  # lines of a cell in one table row (a page holds ~42 below the heading)
SIZE = 9


def _fonts_folder():
    return Path(current_app.static_folder) / "fonts"


class DossierPDF(FPDF):
    def __init__(self, title):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.dossier_title = title
        folder = _fonts_folder()
        self.add_font(FAMILY, "", folder / "DejaVuSerif.ttf")
        self.add_font(FAMILY, "B", folder / "DejaVuSerif-Bold.ttf")
        self.add_font(FAMILY, "I", folder / "DejaVuSerif-Italic.ttf")
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(True, margin=12)
        self.set_title(title)
        self.set_creator("consult")

    def footer(self):
        self.set_y(-10)
        self.set_font(FAMILY, "I", 8)
        self.cell(0, 5, f"{self.dossier_title} — {_('Trang %(n)d', n=self.page_no())}",
                  align="C")


def _text(parts):
    return "\n".join(text for text, _bold in parts)


def _lines(pdf, text, width):
    """The lines ``text`` takes in a column; measured only when it could be too long
    (fpdf2 measures character by character)."""
    if len(text) < width * MAX_LINES / 4 and text.count("\n") < MAX_LINES // 2:
        return None
    return pdf.multi_cell(width - 2, LINE_HEIGHT, text, dry_run=True, output="LINES")


def _chunks(pdf, texts):
    """Split the cells of one row into pieces of at most MAX_LINES lines each."""
    lines = [_lines(pdf, text, width) for text, width in zip(texts, COLUMN_WIDTHS, strict=True)]
    if all(cell is None for cell in lines):
        return [texts]
    lines = [cell if cell is not None else text.split("\n")
             for cell, text in zip(lines, texts, strict=True)]
    pieces = max(1, max(-(-len(cell) // MAX_LINES) for cell in lines))
    return [["\n".join(cell[i * MAX_LINES:(i + 1) * MAX_LINES]) for cell in lines]
            for i in range(pieces)]


def _line(pdf, height, text, width=0, align="L"):
    pdf.multi_cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _title_block(pdf, consultation):
    pdf.set_font(FAMILY, "B", 11)
    half = pdf.epw / 2
    top = pdf.get_y()
    _line(pdf, 5, consultation.agency.name.upper(), half, "C")
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.multi_cell(half, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
                   align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "I", 10)
    today = date.today()
    _line(pdf, 5, f"Ngày {today.day:02d} tháng {today.month:02d} năm {today.year}", half, "C")
    pdf.ln(4)
    title, subject, period = title_lines(consultation)
    pdf.set_font(FAMILY, "B", 13)
    _line(pdf, 6, title, align="C")
    pdf.set_font(FAMILY, "B", 11)
    _line(pdf, 5.5, subject, align="C")
    pdf.set_font(FAMILY, "I", 10)
    _line(pdf, 5, period, align="C")
    pdf.ln(4)


def _heading(pdf, text):
    pdf.set_font(FAMILY, "B", 11)
    _line(pdf, 6, text)
    pdf.ln(1)


def _table(pdf, rows):
    pdf.set_font(FAMILY, "", SIZE)
    with pdf.table(col_widths=COLUMN_WIDTHS, width=sum(COLUMN_WIDTHS), line_height=LINE_HEIGHT,
                   text_align="LEFT", v_align="TOP", repeat_headings=1,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
                   padding=1) as table:
        heading = table.row()
        for text in table_headings():
            heading.cell(text, align="CENTER")
        for row in rows:
            section = row.section_label + (f". {row.section_title}" if row.section_title and
                                           row.section_id is not None else "")
            texts = [str(row.number), section, row.subjects, _text(row_content(row)),
                     _text(row_answer(row))]
            for piece, cells in enumerate(_chunks(pdf, texts)):
                line = table.row()
                for column, text in enumerate(cells):
                    if piece and column == 0:
                        text = f"{row.number} " + _("(tiếp)")
                    line.cell(text)


def build_pdf(dossier):
    consultation = dossier.consultation
    pdf = DossierPDF(title_lines(consultation)[0].capitalize() + " — " + consultation.title)
    pdf.add_page()
    _title_block(pdf, consultation)
    _heading(pdf, _("I. TÌNH HÌNH LẤY Ý KIẾN"))
    pdf.set_font(FAMILY, "", 10)
    for line in introduction(dossier):
        _line(pdf, 5, line)
        pdf.ln(1)
    _heading(pdf, _("II. TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN"))
    if dossier.rows:
        _table(pdf, dossier.rows)
    else:
        pdf.set_font(FAMILY, "", 10)
        _line(pdf, 5, _("Không có ý kiến góp ý để tổng hợp."))
    return pdf


def write_pdf(consultation, target):
    """Write the dossier of ``consultation`` as PDF to a path or a binary file."""
    with force_locale("vi"):
        data = bytes(build_pdf(load_dossier(consultation)).output())
    if hasattr(target, "write"):
        target.write(data)
    else:
        Path(target).write_bytes(data)
