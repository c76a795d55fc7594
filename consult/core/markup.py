"""User Markdown → safe HTML. The only place user HTML is produced."""

import re
import threading
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a",
}
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


_local = threading.local()


def _renderers():
    """This thread's Markdown converter and sanitiser (neither is thread-safe; building them
    is half the cost of rendering a comment)."""
    if not hasattr(_local, "markdown"):
        _local.markdown = markdown.Markdown(extensions=["sane_lists", "nl2br"],
                                            output_format="html")
        _local.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
            strip=True, filters=[partial(LinkifyFilter, callbacks=[_link_attributes],
                                         skip_tags={"pre", "code"})])
    return _local.markdown, _local.cleaner


def render_markdown(source):
    """Render Markdown, sanitise it on an allowlist and turn bare addresses into links
    (``rel="nofollow noopener ugc"``); returns a ``Markup`` string."""
    converter, cleaner = _renderers()
    html = converter.reset().convert(source or "")
    return Markup(cleaner.clean(html))  # noqa: S704 - sanitised just above


# ---- draft text (staff documents, not user comments) ---------------------------------------

_DRAFT_MARK = re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*"
                         r"|\*\*(?=\S)(.+?)(?<=\S)\*\*"
                         r"|(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")
TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td", "strong", "em", "p", "br"}


def draft_segments(text):
    """Split draft text at its ``***bold italic***`` / ``**bold**`` / ``*italic*`` marks:
    yields (text, bold, italic). The one reading of these marks (pages, diff, export)."""
    text, position = text or "", 0
    for match in _DRAFT_MARK.finditer(text):
        if match.start() > position:
            yield text[position:match.start()], False, False
        both, bold, italic = match.groups()
        yield both or bold or italic, bool(both or bold), bool(both or italic)
        position = match.end()
    if position < len(text):
        yield text[position:], False, False


def render_draft_inline(text):
    """One line of draft text with its marks as <strong> / <em>; everything else escaped
    (so nothing but those two tags can come out)."""
    parts = []
    for part, bold, italic in draft_segments(text):
        html = str(escape(part))
        if italic:
            html = f"<em>{html}</em>"
        if bold:
            html = f"<strong>{html}</strong>"
        parts.append(html)
    return Markup("".join(parts))  # noqa: S704 - escaped above, only constant tags added


def strip_draft_markup(text):
    """Draft text without its bold / italic marks (for comparing wording)."""
    return "".join(part for part, _bold, _italic in draft_segments(text))


def render_draft_table(text):
    """A Markdown pipe table of a draft (as the .docx import writes it) as a sanitised,
    horizontally scrollable HTML table."""
    html = markdown.markdown(text or "", extensions=["tables"], output_format="html")
    clean = bleach.clean(html, tags=TABLE_TAGS, attributes={}, strip=True)
    return Markup(f'<div class="table-scroll">{clean}</div>')  # noqa: S704 - sanitised
