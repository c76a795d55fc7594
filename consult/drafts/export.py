"""Any version of a draft as plain text or as a Word (.docx) file.

Both are written from the stored section tree, so importing an export gives the same tree
(tests/drafts/test_export.py): containers as "Chương I" with the title on the next line
("Mục 1. Title" for Mục / Tiểu mục), articles as "Điều 5. Title" followed by their lines,
the last article closed with "./." before the signature block. In the .docx, headings use
Word's Heading 1–3 styles, ``**bold**`` / ``*italic*`` become bold / italic runs and pipe
tables become Word tables; the text is Times New Roman 14 pt as official documents are.
"""

import io
import re

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from consult.core.markup import draft_segments

_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _heading_lines(section):
    if section.kind == "dieu":
        return [f"{section.label}. {section.title}".rstrip()]
    if section.kind in ("phan", "chuong"):
        return [section.label] + ([section.title] if section.title else [])
    return [f"{section.label}. {section.title}" if section.title else section.label]


def _terminated(lines):
    """The last line of the last article ending with './.' (the end of the articles)."""
    last = lines[-1]
    return lines[:-1] + [last[:-1] + "./." if last.endswith(".") else last + "./."]


def _blocks(version):
    """(kind, lines) in order: 'preamble', 'phan'…'dieu' (heading), 'body', 'closing'."""
    sections = sorted(version.sections, key=lambda s: s.position)
    articles = [s for s in sections if s.kind == "dieu"]
    blocks = [("preamble", version.preamble.splitlines())] if version.preamble else []
    for section in sections:
        blocks.append((section.kind, _heading_lines(section)))
        if section.kind == "dieu" and section.body:
            body = section.body.splitlines()
            if version.closing and section is articles[-1]:
                body = _terminated(body)
            blocks.append(("body", body))
    if version.closing:
        blocks.append(("closing", version.closing.splitlines()))
    return blocks


def version_text(version):
    """The version as UTF-8 plain text (Markdown-ish: bold / italic marks and pipe tables)."""
    return "\n".join(line for _kind, lines in _blocks(version) for line in lines) + "\n"


def _cells(line):
    line = line.strip()
    inner = line[1:-1] if line.endswith("|") and len(line) > 1 else line[1:]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(inner)]


def _add_runs(paragraph, text):
    for part, bold, italic in draft_segments(text):
        run = paragraph.add_run(part)
        run.bold = bold or None
        run.italic = italic or None


def _add_table(document, lines):
    rows = [_cells(line) for line in lines]
    rows = [row for row in rows if not all(_SEPARATOR_CELL.match(c) for c in row if c)]
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell_paragraph = table.cell(r, c).paragraphs[0]
            _add_runs(cell_paragraph, text)


def _setup(document, version):
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold = "Times New Roman", Pt(14), True
        style.font.color.rgb = None
    properties = document.core_properties
    properties.title = version.consultation.title[:255]
    properties.author = version.consultation.agency.name[:255]
    properties.revision = version.number


def version_docx(version):
    """The version as a .docx file (bytes)."""
    document = docx.Document()
    _setup(document, version)
    styles = {"phan": "Heading 1", "chuong": "Heading 1", "muc": "Heading 2",
              "tieu_muc": "Heading 2", "dieu": "Heading 3"}
    for kind, lines in _blocks(version):
        if kind in styles:
            for line in lines:
                paragraph = document.add_paragraph(line, style=styles[kind])
                if kind != "dieu":
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        table = []
        for line in lines + [""]:
            if kind == "body" and line.startswith("|"):
                table.append(line)
                continue
            if table:
                _add_table(document, table)
                table = []
            if line and kind == "body":
                _add_runs(document.add_paragraph(), line)
            elif line:
                document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
