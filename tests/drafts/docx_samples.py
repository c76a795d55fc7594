"""Real-looking Word files built from the laws in ../shared/data, for the .docx import tests.

``build_docx`` writes one paragraph per line of a law, in the ways agencies' Word files come:
"Điều" lines as Heading styles or as plain paragraphs; "Điều N." and "N." khoản typed or
produced by automatic numbering (direct ``numPr`` or through a paragraph style); the
national-motto header and the signature block in layout tables; a table inside an article;
bold / italic runs; tracked changes (insertions kept, deletions dropped).
"""

import io
import re
import unicodedata
from pathlib import Path

import docx
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from consult.drafts.parser import heading_kind, looks_like_closing

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
DEMO = ROOT / "consult" / "demo_data"
LAWS = ("luat-an-ninh-mang-2018.txt", "luat-thu-vien-2019.txt")

_DIEU = re.compile(r"^Điều (\d+)\.\s*(.*)$")
_CHUONG = re.compile(r"^Chương ([IVXLC]+)$")
_KHOAN = re.compile(r"^(\d+)\.\s+(.*)$")

NUM_CHUONG, NUM_DIEU, ABSTRACT_KHOAN = "901", "902", "903"


def law_text(name):
    """A law's text from ../shared/data (the demo copy when shared/ is missing)."""
    path = SHARED / name if (SHARED / name).exists() else DEMO / name
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))


def _add_numbering(document, style_linked):
    """Lists: "Chương %1" (upper roman), "Điều %1." and "%1." (khoản, restarted per Điều)."""
    root = document.part.numbering_part.element
    link = '<w:pStyle w:val="DieuLuat"/>' if style_linked else ""
    definitions = [
        (NUM_CHUONG, "upperRoman", "Chương %1", "nothing", ""),
        (NUM_DIEU, "decimal", "Điều %1.", "space", link),
        (ABSTRACT_KHOAN, "decimal", "%1.", "space", ""),
    ]
    first_num = root.find(qn("w:num"))
    for abstract_id, fmt, text, suffix, extra in definitions:
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/>{extra}<w:suff w:val="{suffix}"/>'
            f'<w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>')
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            root.append(abstract)
    for num_id in (NUM_CHUONG, NUM_DIEU):
        root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                              f'<w:abstractNumId w:val="{num_id}"/></w:num>'))
    if style_linked:
        style = document.styles.add_style("DieuLuat", 1)
        style.base_style = document.styles["Normal"]
        ppr = style.element.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="{NUM_DIEU}"/></w:numPr>'))


def _restart_khoan(document, article_number):
    """A new list instance of the khoản list that starts again at 1 (one per Điều)."""
    num_id = str(1000 + article_number)
    document.part.numbering_part.element.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{ABSTRACT_KHOAN}"/>'
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
    return num_id


def _number(paragraph, num_id, ilvl=0):
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                         f'<w:numId w:val="{num_id}"/></w:numPr>'))


def _run(parent, text, bold=False, italic=False, deleted=False):
    run = OxmlElement("w:r")
    if bold or italic:
        rpr = OxmlElement("w:rPr")
        if bold:
            rpr.append(OxmlElement("w:b"))
        if italic:
            rpr.append(OxmlElement("w:i"))
        run.append(rpr)
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    parent.append(run)
    return run


def _revision(tag, n):
    element = OxmlElement(tag)
    element.set(qn("w:id"), str(n))
    element.set(qn("w:author"), "Chuyên viên")
    element.set(qn("w:date"), "2026-11-02T09:00:00Z")
    return element


def _tracked(paragraph, text, n):
    """``text`` written with revisions: a kept part, a deleted phrase, an inserted part."""
    words = text.split(" ")
    half = len(words) // 2
    _run(paragraph._p, " ".join(words[:half]) + " ")
    deletion = _revision("w:del", 2 * n)
    _run(deletion, "nội dung đã bị xoá ", deleted=True)
    paragraph._p.append(deletion)
    insertion = _revision("w:ins", 2 * n + 1)
    _run(insertion, " ".join(words[half:]))
    paragraph._p.append(insertion)


def _emphasised(paragraph, text):
    """First word bold, last word italic (after any "1." / "a)" marker); returns the markup."""
    words = text.split(" ")
    marker = words[:1] if re.match(r"^(\d+\.|[a-zđ]\))$", words[0]) else []
    words = words[len(marker):]
    lead = marker[0] + " " if marker else ""
    if len(words) < 3:
        _run(paragraph._p, text)
        return text
    _run(paragraph._p, lead)
    _run(paragraph._p, words[0], bold=True)
    _run(paragraph._p, " " + " ".join(words[1:-1]) + " ")
    _run(paragraph._p, words[-1], italic=True)
    last = f"*{words[-1][:-3]}*." if words[-1].endswith("./.") else f"*{words[-1]}*"
    return f"{lead}**{words[0]}** {' '.join(words[1:-1])} {last}"  # as stored in the body


def _joined_by_deleted_mark(document, paragraph, text):
    """``text`` split over two paragraphs whose first paragraph mark is a tracked deletion."""
    words = text.split(" ")
    _run(paragraph._p, " ".join(words[:2]) + " ")
    rpr = parse_xml(f'<w:rPr {nsdecls("w")}><w:del w:id="9999" w:author="Chuyên viên" '
                    f'w:date="2026-11-02T09:00:00Z"/></w:rPr>')
    paragraph._p.get_or_add_pPr().append(rpr)
    _run(document.add_paragraph()._p, " ".join(words[2:]))


def _layout_table(document, cells, columns):
    table = document.add_table(rows=len(cells) // columns, cols=columns)
    for index, text in enumerate(cells):
        table.cell(index // columns, index % columns).text = text


def _khoan_sequences(lines):
    """Line indexes of khoản that can be auto-numbered: each Điều's "1. … n." in order."""
    numbered, current, expected = set(), [], 1
    for index, line in enumerate(lines + ["Điều 0."]):
        kind = heading_kind(line)
        if kind is not None:
            numbered.update(current)
            current, expected = [], 1
            continue
        match = _KHOAN.match(line)
        if match and int(match.group(1)) == expected:
            current.append(index)
            expected += 1
    return numbered


def build_docx(text, headings=False, numbering=None, bold=False, tracked=False,
               layout_tables=False, table_after=None):
    """The law ``text`` as .docx bytes, and the marked-up article lines bold=True produced.

    numbering: None (typed numbers), "direct" (numPr on paragraphs) or "style" ("Điều"
    numbered through a paragraph style). table_after: (line index, rows) to add a table
    after that line. Returns (bytes, {plain line: expected marked-up line}).
    """
    document = docx.Document()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if numbering:
        _add_numbering(document, numbering == "style")
    auto_khoan = _khoan_sequences(lines) if numbering else set()
    marked, in_article, title_next, khoan_num, revisions = {}, False, False, None, 0
    header = lines[:2] if layout_tables else []
    signature = lines[-2:] if layout_tables else []
    if header:
        _layout_table(document, header, 2)
    body_lines = lines[len(header):len(lines) - len(signature)]
    for offset, line in enumerate(body_lines):
        index = offset + len(header)
        kind = heading_kind(line)
        if kind is None and looks_like_closing(line) and not line.endswith("./."):
            in_article = False  # the signature block
        paragraph = document.add_paragraph()
        if kind is not None or title_next:
            in_article = kind == "dieu" or (in_article and kind is None)
            if headings:
                paragraph.style = document.styles[
                    "Heading 3" if kind == "dieu" else "Heading 1" if kind in (
                        "phan", "chuong") or title_next else "Heading 2"]
            title_next = kind in ("phan", "chuong") and not _has_title(line)
            dieu, chuong = _DIEU.match(line), _CHUONG.match(line)
            if numbering and dieu:
                if numbering == "style":
                    paragraph.style = document.styles["DieuLuat"]
                else:
                    _number(paragraph, NUM_DIEU)
                khoan_num = _restart_khoan(document, int(dieu.group(1)))
                _run(paragraph._p, dieu.group(2), bold=True)
            elif numbering and chuong:
                _number(paragraph, NUM_CHUONG)
            else:
                _run(paragraph._p, line, bold=True)
        elif index in auto_khoan:
            _run(paragraph._p, _KHOAN.match(line).group(2))
            _number(paragraph, khoan_num)
        elif tracked and in_article and len(line.split(" ")) >= 4:
            revisions += 1
            if revisions == 1:
                _joined_by_deleted_mark(document, paragraph, line)
            else:
                _tracked(paragraph, line, revisions)
        elif bold and in_article:
            marked[line] = _emphasised(paragraph, line)
        else:
            _run(paragraph._p, line)
        if line.endswith("./."):
            in_article = False  # the signature block follows
        if table_after and table_after[0] == index:
            rows = table_after[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    if signature:
        _layout_table(document, signature, 1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), marked


def _has_title(line):
    return not (_CHUONG.match(line) or re.match(r"^Phần thứ \w+$", line))


def with_pipe_table(text, after_index, rows):
    """``text`` with ``rows`` as a Markdown pipe table after non-blank line ``after_index``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    table = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join(["---"] * len(rows[0])) + " |"]
    table += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines[:after_index + 1] + table + lines[after_index + 1:]) + "\n"
