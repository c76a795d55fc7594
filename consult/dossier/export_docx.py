"""The dossier as an official Word document: landscape A4, Times New Roman (with the
east-Asian and complex-script font slots set too, so Word never substitutes a font without
Vietnamese letters), the title block, the introduction and the table."""

from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask_babel import force_locale
from flask_babel import gettext as _

from consult.dossier.table import (
    introduction,
    load_dossier,
    row_answer,
    row_content,
    table_headings,
    title_lines,
)

FONT = "Times New Roman"
COLUMN_WIDTHS = (Mm(12), Mm(40), Mm(45), Mm(80), Mm(80))


def _set_fonts(style, size):
    style.font.name = FONT
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _paragraph(container, text, bold=False, italic=False, align=None, size=None, after=4):
    paragraph = container.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _title_block(document, consultation):
    block = document.add_table(rows=1, cols=2)
    block.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = block.rows[0].cells
    left.paragraphs[0].add_run(consultation.agency.name.upper()).bold = True
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    today = date.today()
    _paragraph(right, f"Ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
               italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    title, subject, period = title_lines(consultation)
    _paragraph(document, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14, after=0)
    _paragraph(document, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _paragraph(document, period, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)


def _repeat_as_header(row):
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _fill(cell, parts):
    first = True
    for text, bold in parts:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.add_run(text).bold = bold
        paragraph.paragraph_format.space_after = Pt(2)


def _table(document, rows):
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, heading, width in zip(header.cells, table_headings(), COLUMN_WIDTHS, strict=True):
        cell.width = width
        _fill(cell, [(heading, True)])
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = table.add_row().cells
        section = row.section_label + (f". {row.section_title}" if row.section_title and
                                       row.section_id is not None else "")
        values = ([(str(row.number), False)], [(section, False)], [(row.subjects, False)],
                  row_content(row), row_answer(row))
        for cell, parts, width in zip(cells, values, COLUMN_WIDTHS, strict=True):
            cell.width = width
            _fill(cell, parts)


def build_document(dossier):
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(15)
    _set_fonts(document.styles["Normal"], 12)
    _set_fonts(document.styles["Table Grid"], 11)
    _title_block(document, dossier.consultation)
    _paragraph(document, _("I. TÌNH HÌNH LẤY Ý KIẾN"), bold=True)
    for line in introduction(dossier):
        _paragraph(document, line)
    _paragraph(document, _("II. TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN"), bold=True)
    if dossier.rows:
        _table(document, dossier.rows)
    else:
        _paragraph(document, _("Không có ý kiến góp ý để tổng hợp."))
    return document


def write_docx(consultation, target):
    """Write the dossier of ``consultation`` (its cached analysis) as DOCX to a path or a
    binary file."""
    with force_locale("vi"):
        build_document(load_dossier(consultation)).save(target)
