"""Text normalisation and Vietnamese folding."""

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_text(value):
    """NFC, unified line ends, control characters removed, spaces tidied, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def normalize_line(value):
    """Single-line variant: NFC, whitespace collapsed, trimmed."""
    return " ".join(normalize_text(value).split())


def fold(value):
    """Lower-case, diacritics removed, đ→d: "ĐIỆN TỬ" → "dien tu"."""
    text = unicodedata.normalize("NFD", str(value or "").lower()).replace("đ", "d")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def slugify(value, max_length=80):
    """URL slug from Vietnamese text: "Luật An ninh mạng" → "luat-an-ninh-mang"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
    return slug[:max_length].rstrip("-") or "van-ban"
