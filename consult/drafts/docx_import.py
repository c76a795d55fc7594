"""Word (.docx) drafts → the text the legal-structure parser reads.

``docx_to_text`` walks the document body in order and writes one line per paragraph, so a
.docx goes through exactly the same parser as a pasted text:

- automatic numbering is written out as Word shows it ("Điều %1." → "Điều 7. ..."), from
  the paragraph's own numbering or its style's; counters follow Word (per list definition,
  a ``startOverride`` restarts a list, a level resets the deeper ones);
- tracked changes are read as accepted: inserted text (``w:ins``, ``w:moveTo``) is kept,
  deleted text (``w:del``, ``w:moveFrom``) dropped, a deleted paragraph mark joins the
  paragraph to the next one; hidden text, text boxes and pictures are skipped;
- direct bold / italic inside a paragraph becomes ``**bold**`` / ``*italic*`` (a paragraph
  bold or italic throughout — a heading, a title — is layout and gets no markup);
- a table inside an article becomes a Markdown pipe table; a table before the first heading
  (the national-motto header) or after the last article (the signature block) is layout and
  is read cell by cell as lines.

Anything that is not a readable .docx (an old .doc, a password-protected file, a renamed
PDF, a damaged archive) raises :class:`DocxImportError` with a message for the user.
"""

import io
import re
import zipfile
import zlib

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from flask_babel import gettext as _
from lxml import etree

from consult.core.exceptions import ServiceError
from consult.drafts.parser import heading_kind, looks_like_closing

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE compound file: .doc, or encrypted OOXML
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # refuse archives that unpack to more (zip bombs)

_W_P, _W_TBL, _W_R, _W_T = qn("w:p"), qn("w:tbl"), qn("w:r"), qn("w:t")
_VAL = qn("w:val")
_SKIPPED = {qn(tag) for tag in ("w:del", "w:moveFrom", "w:pPr", "w:rPr", "w:drawing",
                                "w:pict", "w:object", "w:tbl")}
_SKIPPED.add("{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent")
_CONTAINERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}
_OFF = {"0", "false", "off", "none"}


class DocxImportError(ServiceError):
    """The upload is not a .docx we can read; ``message`` says why, in Vietnamese."""

    def __init__(self, message):
        super().__init__(message, field="upload")


def looks_like_office_file(data: bytes) -> bool:
    """True for a zip archive or an OLE compound file (what .docx and .doc files are)."""
    return data[:4] == ZIP_MAGIC or data[:8] == OLE_MAGIC


def docx_to_text(data: bytes) -> str:
    """The text of a .docx file as parser input (one line per paragraph)."""
    document = _open(data)
    numbering = _Numbering(document)
    blocks = _blocks(document.element.body, numbering)
    return "\n".join(_render(blocks)).strip() + "\n"


# ---- opening -------------------------------------------------------------------------------

def _open(data: bytes):
    if data[:8] == OLE_MAGIC:
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise DocxImportError(_("Tệp Word này được đặt mật khẩu. Hãy gỡ mật khẩu trong Word "
                                    "(Tệp → Thông tin → Bảo vệ tài liệu) rồi tải lên lại."))
        raise DocxImportError(_("Đây là tệp Word cũ (.doc). Hãy mở trong Word và lưu lại dưới "
                                "dạng .docx rồi tải lên lại."))
    if data[:4] != ZIP_MAGIC:
        raise DocxImportError(_("Tệp không phải là tài liệu Word .docx (có thể đã bị đổi đuôi). "
                                "Hãy tải lên tệp .docx, .txt hoặc .md."))
    damaged = _("Tệp .docx bị hỏng hoặc không đầy đủ, không đọc được. Hãy mở trong Word, lưu "
                "lại rồi tải lên lại.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {info.filename for info in members}
            if sum(info.file_size for info in members) > MAX_UNCOMPRESSED:
                raise DocxImportError(_("Tệp .docx giải nén ra quá lớn."))
            if archive.testzip() is not None:
                raise DocxImportError(damaged)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise DocxImportError(damaged) from error
    if "word/document.xml" not in names and "[Content_Types].xml" in names:
        raise DocxImportError(_("Tệp là tài liệu Office nhưng không phải văn bản Word (.docx)."))
    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as error:  # e.g. a .docm / .dotx: python-docx names the content type
        raise DocxImportError(_("Tệp không phải là văn bản Word .docx (có thể là mẫu hoặc tệp "
                                "có macro). Hãy lưu lại dưới dạng .docx.")) from error
    except (KeyError, OpcError, etree.LxmlError, zipfile.BadZipFile, zlib.error,
            EOFError, OSError) as error:
        raise DocxImportError(damaged) from error
    return document


# ---- numbering -----------------------------------------------------------------------------

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _roman(n):
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n):
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def _format_number(n, fmt):
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


def _attr(parent, path, default=None):
    element = parent.find(path) if parent is not None else None
    return element.get(_VAL, default) if element is not None else default


class _Numbering:
    """Word's list numbering: definitions from numbering.xml, counters as Word keeps them."""

    def __init__(self, document):
        self.levels = {}      # abstractNumId -> {ilvl: (fmt, text, start, suffix)}
        self.nums = {}        # numId -> (abstractNumId, {ilvl: startOverride})
        self.style_levels = {}  # styleId -> ilvl, from a level's w:pStyle link
        self.counters = {}    # abstractNumId -> {ilvl: current value}
        self.started = set()  # numIds whose start overrides were applied
        self.styles = {}      # styleId -> (numId, ilvl, basedOn)
        try:
            root = document.part.part_related_by(RT.NUMBERING).element
        except KeyError:
            root = None
        if root is not None:
            self._read_definitions(root)
        for style in document.styles.element.iterchildren(qn("w:style")):
            ppr = style.find(qn("w:pPr"))
            self.styles[style.get(qn("w:styleId"))] = (
                _attr(ppr, f"{qn('w:numPr')}/{qn('w:numId')}"),
                _attr(ppr, f"{qn('w:numPr')}/{qn('w:ilvl')}"),
                _attr(style, qn("w:basedOn")))

    def _read_definitions(self, root):
        for abstract in root.iterchildren(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.iterchildren(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                levels[ilvl] = (_attr(lvl, qn("w:numFmt"), "decimal"),
                                _attr(lvl, qn("w:lvlText"), ""),
                                int(_attr(lvl, qn("w:start"), "1")),
                                _attr(lvl, qn("w:suff"), "tab"))
                if (style := _attr(lvl, qn("w:pStyle"))) is not None:
                    self.style_levels[style] = ilvl
            self.levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.iterchildren(qn("w:num")):
            overrides = {}
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = _attr(override, qn("w:startOverride"))
                if start is not None:
                    overrides[int(override.get(qn("w:ilvl"), "0"))] = int(start)
            self.nums[num.get(qn("w:numId"))] = (_attr(num, qn("w:abstractNumId")), overrides)

    def _num_pr(self, paragraph):
        ppr = paragraph.find(qn("w:pPr"))
        num_id = _attr(ppr, f"{qn('w:numPr')}/{qn('w:numId')}")
        ilvl = _attr(ppr, f"{qn('w:numPr')}/{qn('w:ilvl')}")
        style_id = _attr(ppr, qn("w:pStyle"))
        seen = set()
        while style_id and style_id not in seen and (num_id is None or ilvl is None):
            seen.add(style_id)
            style_num, style_ilvl, based_on = self.styles.get(style_id, (None, None, None))
            if num_id is None and style_num is not None:
                num_id = style_num
                if ilvl is None and style_id in self.style_levels:
                    ilvl = str(self.style_levels[style_id])
            ilvl = ilvl if ilvl is not None else style_ilvl
            style_id = based_on
        return num_id, int(ilvl or 0)

    def label(self, paragraph):
        """The number Word shows before ``paragraph`` ("Điều 7. ", "2. "), or ""."""
        num_id, ilvl = self._num_pr(paragraph)
        if num_id is None or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.levels.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in overrides.items():
                counters[level] = start - 1
                for deeper in [k for k in counters if k > level]:
                    del counters[deeper]
        fmt, text, start, suffix = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "- "

        def number(match):
            level = int(match.group(1)) - 1
            value = counters.get(level, levels.get(level, ("decimal", "", 1, ""))[2])
            return _format_number(value, levels.get(level, ("decimal",))[0])

        label = re.sub(r"%([1-9])", number, text)
        return label + ("" if suffix == "nothing" or not label else " ")


# ---- paragraphs ----------------------------------------------------------------------------

def _on(rpr, tag):
    element = rpr.find(qn(tag)) if rpr is not None else None
    return element is not None and element.get(_VAL, "true").lower() not in _OFF


def _run_text(run):
    parts = []
    for child in run:
        tag = child.tag
        if tag == _W_T:
            parts.append(child.text or "")
        elif tag in (qn("w:tab"), qn("w:ptab")):
            parts.append(" ")
        elif tag == qn("w:br"):
            if child.get(qn("w:type"), "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag == qn("w:cr"):
            parts.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            parts.append("-")
    return "".join(parts)


def _segments(element):
    """(text, bold, italic) for every visible run under ``element``, in order."""
    for child in element:
        tag = child.tag
        if tag == _W_R:
            rpr = child.find(qn("w:rPr"))
            if not _on(rpr, "w:vanish") and (text := _run_text(child)):
                yield text, _on(rpr, "w:b"), _on(rpr, "w:i")
        elif tag not in _SKIPPED and isinstance(tag, str):
            yield from _segments(child)  # w:ins, w:moveTo, w:hyperlink, w:smartTag, w:sdt ...


def _mark_line(segments):
    visible = [s for s in segments if s[0].strip()]
    all_bold = bool(visible) and all(s[1] for s in visible)
    all_italic = bool(visible) and all(s[2] for s in visible)
    merged = []
    for text, bold, italic in segments:
        bold, italic = bold and not all_bold, italic and not all_italic
        if merged and (not text.strip() or merged[-1][1:] == (bold, italic)):
            merged[-1][0] += text
        else:
            merged.append([text, bold, italic])
    out = []
    for text, bold, italic in merged:
        core = text.strip()
        if not core or not (bold or italic):
            out.append(text)
            continue
        mark = "***" if bold and italic else "**" if bold else "*"
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        if core.endswith("./."):  # the end-of-articles mark stays outside, the parser reads it
            core, trail = core[:-3].rstrip(), "./." + trail
        out.append(f"{lead}{mark}{core}{mark}{trail}" if core else f"{lead}{trail}")
    return "".join(out)


def _paragraph_text(paragraph, numbering):
    lines = [[]]
    for text, bold, italic in _segments(paragraph):
        for k, part in enumerate(text.split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append((part, bold, italic))
    text = "\n".join(_mark_line(line) for line in lines)
    return numbering.label(paragraph) + text


def _mark_deleted(paragraph):
    return paragraph.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:del')}") is not None


# ---- tables and blocks ---------------------------------------------------------------------

def _cell_text(cell, numbering):
    """A cell's paragraphs (nested tables too) on one line."""
    texts = (_paragraph_text(p, numbering).replace("\n", " ").strip() for p in cell.iter(_W_P))
    return " ".join(t for t in texts if t)


def _table_rows(table, numbering):
    rows = []
    for tr in table.iterchildren(qn("w:tr")):
        if tr.find(f"{qn('w:trPr')}/{qn('w:del')}") is not None:
            continue
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            span = int(_attr(tcpr, qn("w:gridSpan"), "1"))
            merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            continued = merge is not None and merge.get(_VAL, "continue") != "restart"
            cells.append("" if continued else _cell_text(tc, numbering))
            cells.extend([""] * (span - 1))
        if any(cell.strip() for cell in cells):
            rows.append(cells)
    return rows


def _blocks(body, numbering):
    """("text", str) and ("table", rows) in document order."""
    blocks, pending = [], ""
    for element in body.iterchildren():
        if element.tag in _CONTAINERS:
            for inner_kind, inner in _blocks(element, numbering):
                blocks.append((inner_kind, inner))
            continue
        if element.tag == _W_P:
            text = pending + _paragraph_text(element, numbering)
            if _mark_deleted(element):
                pending = text
                continue
            pending = ""
            blocks.append(("text", text))
        elif element.tag == _W_TBL:
            if pending:
                blocks.append(("text", pending))
                pending = ""
            blocks.append(("table", _table_rows(element, numbering)))
    if pending:
        blocks.append(("text", pending))
    return blocks


def _pipe_row(cells):
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _render(blocks):
    """Lines of parser input; tables inside articles become pipe tables."""
    lines_of = [b[1].split("\n") if b[0] == "text" else [] for b in blocks]
    kinds = [[heading_kind(line) for line in lines] for lines in lines_of]
    headed = [i for i, ks in enumerate(kinds) if any(ks)]
    articles = [i for i, ks in enumerate(kinds) if "dieu" in ks]
    first_heading = headed[0] if headed else len(blocks)
    last_article = articles[-1] if articles else len(blocks)
    out, closing = [], False
    for index, (kind, value) in enumerate(blocks):
        if kind == "text":
            out.extend(lines_of[index])
            if index >= last_article and any(looks_like_closing(x) for x in lines_of[index]):
                closing = True
            continue
        if not value:
            continue
        width = max(len(row) for row in value)
        rows = [row + [""] * (width - len(row)) for row in value]
        flat = [cell for row in rows for cell in row if cell.strip()]
        if index > last_article and not closing and flat and looks_like_closing(flat[0]):
            closing = True
        if index < first_heading or (index > last_article and closing):
            out.extend(flat)
        else:
            out.append(_pipe_row(rows[0]))
            out.append(_pipe_row(["---"] * width))
            out.extend(_pipe_row(row) for row in rows[1:])
    return out


def read_draft_upload(filename, data):
    """The text of an uploaded draft: a .docx converted, a .txt / .md decoded as UTF-8.

    The content decides, not the name: a Word file renamed .txt is still read as Word, and
    a file named .docx that is not one is refused with a reason.
    """
    if looks_like_office_file(data) or (filename or "").lower().endswith((".docx", ".doc")):
        return docx_to_text(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(_("Tệp phải được mã hoá UTF-8."), field="upload") from None
