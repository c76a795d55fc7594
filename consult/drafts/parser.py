"""Legal-structure parser for Vietnamese legal text (plain text or light Markdown).

``parse_draft`` turns a draft law into a tree of Phần / Chương / Mục / Tiểu mục / Điều
plus the preamble (header block, "Căn cứ ..." lines) and the closing (signature block).
``split_clauses`` and ``clause_choices`` split one article body into khoản and điểm.

Input is normalised to Unicode NFC, ``\\r\\n`` and ``\\r`` count as line breaks, and
Markdown decoration (leading ``#``, ``**`` / ``__`` emphasis) is ignored when
recognising headings. Blank lines are dropped from every text block.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_CHARS = 2_000_000

KIND_LABELS = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "tieu_muc": "Tiểu mục",
               "dieu": "Điều"}
_LETTERS = "abcdđeghiklmnopqrstuvxy"  # letters used for điểm (and Điều 5a)
_LEVELS = {"phan": 0, "chuong": 1, "muc": 2, "tieu_muc": 3}  # containers, outermost first

_NUM = r"[IVXLC]{1,8}|\d{1,3}"  # roman or arabic
_ORDINAL = (r"(?i:thứ(?:\s+(?:nhất|một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín"
            r"|mười|mươi)){1,4})")
_HEADINGS = [
    ("phan", re.compile(rf"^(?:Phần|PHẦN)\s+({_ORDINAL}|{_NUM})(.*)$")),
    ("chuong", re.compile(rf"^(?:Chương|CHƯƠNG)\s+({_NUM})(.*)$")),
    ("tieu_muc", re.compile(rf"^(?:Tiểu mục|TIỂU MỤC)\s+({_NUM})(.*)$")),
    ("muc", re.compile(rf"^(?:Mục|MỤC)\s+({_NUM})(.*)$")),
    ("dieu", re.compile(rf"^(?:Điều|ĐIỀU)\s+(\d{{1,4}}[{_LETTERS}]?)(.*)$")),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DECORATION = re.compile(r"[-*_=]{3,}")
_CLOSING = [
    re.compile(r"^(Luật|Bộ luật|Nghị quyết|Pháp lệnh|Nghị định|Thông tư|Quyết định) này "
               r"(đã )?được .*(thông qua|ban hành)"),
    re.compile(r"^(Nơi nhận:|TM\.|KT\.|(PHÓ )?CHỦ TỊCH|BỘ TRƯỞNG|THỨ TRƯỞNG|(PHÓ )?THỦ TƯỚNG)"),
]
_TERMINATOR = "./."
_KHOAN = re.compile(r"^(\d{1,3})\.\s+(.*)$")
_DIEM = re.compile(rf"^([{_LETTERS}])\)\s+(.*)$")


class DraftParseError(ValueError):
    """The text cannot be read as a legal document; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message, line)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"Dòng {self.line}: {self.message}" if self.line else self.message


@dataclass
class ParsedSection:
    """One heading of the document tree; only 'dieu' nodes carry a body."""

    kind: str
    number: str
    title: str
    body: str = ""
    line: int = 0
    children: list["ParsedSection"] = field(default_factory=list)
    anchor: str = ""

    @property
    def label(self) -> str:
        """Human label such as 'Điều 5', 'Chương II' or 'Phần thứ nhất'."""
        return f"{KIND_LABELS[self.kind]} {self.number}"


@dataclass
class ParsedDocument:
    """Result of :func:`parse_draft`."""

    preamble: str
    sections: list[ParsedSection]
    closing: str

    def walk(self) -> Iterator[ParsedSection]:
        """Yield every section in document order (pre-order)."""
        stack = list(reversed(self.sections))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def articles(self) -> list[ParsedSection]:
        """Every 'dieu' section in document order."""
        return [node for node in self.walk() if node.kind == "dieu"]


@dataclass
class Clause:
    """A khoản, điểm or plain paragraph of an article body (see :func:`split_clauses`)."""

    kind: str
    number: str
    text: str
    anchor: str
    children: list["Clause"] = field(default_factory=list)


def _clean(line: str) -> str:
    """Strip whitespace and Markdown decoration (leading '#', '**' / '__', '*x*')."""
    text = line.strip().lstrip("#").strip().replace("**", "").replace("__", "").strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "*_":
        text = text[1:-1].strip()
    return text


def _slug(value: str) -> str:
    """Fold to URL-safe ASCII: lower case, no diacritics, đ -> d, runs of others -> '-'."""
    value = unicodedata.normalize("NFD", value.lower().replace("đ", "d"))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", value).strip("-")


def _is_upper(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and text == text.upper()


def _match_heading(text: str) -> tuple[str, str, str] | None:
    """Return (kind, number, title) if ``text`` (already cleaned) is a heading line.

    After the number there must be nothing, a separator ('. ', ': ', ' - ') before the
    title, or (except for Điều) an upper-case title after a space. Anything else, such as
    "Mục tiêu ..." or "Chương II của Luật này ...", is ordinary text.
    """
    for kind, pattern in _HEADINGS:
        match = pattern.match(text)
        if not match:
            continue
        number, rest = match.group(1), match.group(2)
        if number.lower().startswith("thứ"):
            number = " ".join(number.lower().split())
        if not rest.strip():
            return kind, number, ""
        sep = re.match(r"\s*[.:]\s*(.*)$", rest)
        if sep is None and kind != "dieu":
            sep = re.match(r"\s+[-–—]\s*(.*)$", rest)
        if sep:
            return kind, number, sep.group(1).strip()
        if kind != "dieu" and rest[0].isspace() and _is_upper(rest):
            return kind, number, rest.strip()
        return None
    return None


def heading_kind(line: str) -> str | None:
    """The kind of heading ``line`` is ('dieu', 'chuong', ...), or None for ordinary text."""
    heading = _match_heading(_clean(line))
    return heading[0] if heading else None


def looks_like_closing(line: str) -> bool:
    """Whether ``line`` starts the closing ("Nơi nhận:", "CHỦ TỊCH ...", "Luật này được ...
    thông qua") or ends the last article with './.' (what follows is the closing)."""
    text = _clean(line)
    return text.endswith(_TERMINATOR) or any(p.match(text) for p in _CLOSING)


def _split_lines(text: str) -> list[str]:
    """Validate and normalise ``text``; return its lines (line N is at index N-1)."""
    if not isinstance(text, str):
        raise TypeError("parse_draft() expects str")
    if len(text) > MAX_CHARS:
        raise DraftParseError("Văn bản quá dài (tối đa 2.000.000 ký tự).")
    text = unicodedata.normalize("NFC", text).removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise DraftParseError(f"Văn bản chứa ký tự không hợp lệ (U+{ord(bad.group()):04X}).",
                              line)
    if not text.strip():
        raise DraftParseError("Văn bản trống.")
    return text.split("\n")


def _closing_start(lines: list[str], headings: dict[int, tuple], last_article: int) -> int:
    """Index of the first closing line after the last article (len(lines) if none)."""
    after_terminator = False
    for index in range(last_article, len(lines)):
        text = _clean(lines[index])
        if not text:
            continue
        if after_terminator or (index > last_article and index not in headings
                                and any(p.match(text) for p in _CLOSING)):
            return index
        after_terminator = text.endswith(_TERMINATOR)
    return len(lines)


def _body_line(line: str) -> str:
    """An article line as stored: stripped, with a final './.' reduced to '.'."""
    text = line.strip()
    return text[:-2].rstrip() if text.endswith(_TERMINATOR) else text


def parse_draft(text: str) -> ParsedDocument:
    """Parse a Vietnamese legal text into preamble, section tree and closing.

    Raises :class:`DraftParseError` (with a 1-based line where it applies) for empty or
    oversized text, control characters, no article, article numbers that repeat or go
    backwards, a Chương without a title and duplicated headings.
    """
    lines = _split_lines(text)
    headings = {i: h for i, line in enumerate(lines) if (h := _match_heading(_clean(line)))}
    article_lines = [i for i, h in headings.items() if h[0] == "dieu"]
    if not article_lines:
        raise DraftParseError('Không tìm thấy Điều nào (mỗi Điều phải bắt đầu dòng bằng '
                              '"Điều 1.", "Điều 2." ...).')
    end = _closing_start(lines, headings, article_lines[-1])

    preamble: list[str] = []
    roots: list[ParsedSection] = []
    stack: list[ParsedSection] = []  # open containers, outermost first
    anchors: set[str] = set()
    article: ParsedSection | None = None
    body: list[str] = []
    container: ParsedSection | None = None  # latest container while no article is open
    needs_title = False
    previous: tuple[int, str] = (-1, "")  # (number, letter suffix) of the last article

    def finish_article() -> None:
        if article is not None:
            article.body = "\n".join(body)
            body.clear()

    def check_title() -> None:
        if needs_title and container.kind == "chuong":
            raise DraftParseError(f"{container.label} thiếu tên chương.", container.line)

    for index in range(end):
        raw, lineno = lines[index].strip(), index + 1
        if not raw or _DECORATION.fullmatch(raw):
            continue
        heading = headings.get(index)
        if needs_title and heading is None:
            container.title, needs_title = _clean(raw), False
            continue
        check_title()
        needs_title = False
        if heading is None:
            if article is not None:
                if (line := _body_line(raw)).strip("."):  # drop a bare './.' line
                    body.append(line)
            elif container is None:
                preamble.append(raw)
            elif _is_upper(container.title) and _is_upper(_clean(raw)):
                container.title += " " + _clean(raw)  # title wrapped over several lines
            else:
                raise DraftParseError("Đoạn văn bản nằm ngoài mọi Điều.", lineno)
            continue

        kind, number, title = heading
        node = ParsedSection(kind=kind, number=number, title=title, line=lineno)
        finish_article()
        if kind == "dieu":
            digits = number.rstrip(_LETTERS)
            key = (int(digits), number[len(digits):])
            if key <= previous:
                last = f"{previous[0]}{previous[1]}"
                raise DraftParseError(
                    f"Điều {number} bị lặp lại." if key == previous else
                    f"Điều {number} đứng sau Điều {last}: số Điều phải tăng dần.", lineno)
            previous, article, container = key, node, None
            parent = stack[-1] if stack else None
            node.anchor = f"dieu-{_slug(number)}"
        else:
            while stack and _LEVELS[stack[-1].kind] >= _LEVELS[kind]:
                stack.pop()
            parent = stack[-1] if stack else None
            stack.append(node)
            article, container, needs_title = None, node, not title
            prefix = f"{parent.anchor}-" if parent and kind in ("muc", "tieu_muc") else ""
            node.anchor = f"{prefix}{kind.replace('_', '-')}-{_slug(number)}"
        if node.anchor in anchors:
            raise DraftParseError(f"{node.label} bị lặp lại.", lineno)
        anchors.add(node.anchor)
        (parent.children if parent else roots).append(node)

    check_title()
    finish_article()
    closing = [line.strip() for line in lines[end:] if line.strip()]
    return ParsedDocument(preamble="\n".join(preamble), sections=roots,
                          closing="\n".join(closing))


def split_clauses(body: str) -> list[Clause]:
    """Split an article body into khoản ("1. ..."), điểm ("a) ...") and text lines.

    Nesting rule (at most two levels): a điểm goes under the latest khoản, or at the top
    level if no khoản came before it. A text line goes under the latest khoản as a 'text'
    child (it continues that khoản, also when it follows one of its điểm); text before
    the first khoản, or after a top-level điểm, stays at the top level. Anchors are
    'khoan-2', 'khoan-2-diem-a', 'diem-a' ('đ' -> 'dd'); a repeated anchor gets '-2', '-3'.
    Consecutive lines starting with '|' form one 'table' clause (a Markdown pipe table, as
    the .docx import writes tables). Texts keep inline ``**bold**`` / ``*italic*`` markup.
    """
    result: list[Clause] = []
    khoan: Clause | None = None
    seen: dict[str, int] = {}

    def unique(anchor: str) -> str:
        seen[anchor] = seen.get(anchor, 0) + 1
        return anchor if seen[anchor] == 1 else f"{anchor}-{seen[anchor]}"

    for raw in unicodedata.normalize("NFC", body).splitlines():
        line = _clean(raw)
        if not line:
            continue
        shown = raw.strip().lstrip("#").strip()  # keeps inline **bold** / *italic* markup
        target = khoan.children if khoan else result
        if shown.startswith("|"):
            if target and target[-1].kind == "table":
                target[-1].text += "\n" + shown
            else:
                target.append(Clause("table", "", shown, ""))
        elif match := _KHOAN.match(line):
            number = match.group(1)
            kept = _KHOAN.match(shown)
            khoan = Clause("khoan", number, (kept or match).group(2), unique(f"khoan-{number}"))
            result.append(khoan)
        elif match := _DIEM.match(line):
            letter = match.group(1)
            base = f"{khoan.anchor}-" if khoan else ""
            anchor = unique(f"{base}diem-{'dd' if letter == 'đ' else letter}")
            kept = _DIEM.match(shown)
            target.append(Clause("diem", letter, (kept or match).group(2), anchor))
        else:
            target.append(Clause("text", "", shown, ""))
    return result


def clause_choices(body: str) -> list[tuple[str, str]]:
    """(anchor, label) pairs for every khoản and điểm of an article body, in order.

    Labels read 'Khoản 2', 'Điểm a khoản 2' or, for a điểm outside any khoản, 'Điểm a'.
    """
    choices: list[tuple[str, str]] = []
    for clause in split_clauses(body):
        if clause.kind == "khoan":
            choices.append((clause.anchor, f"Khoản {clause.number}"))
            choices.extend((child.anchor, f"Điểm {child.number} khoản {clause.number}")
                           for child in clause.children if child.kind == "diem")
        elif clause.kind == "diem":
            choices.append((clause.anchor, f"Điểm {clause.number}"))
    return choices
