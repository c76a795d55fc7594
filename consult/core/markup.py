"""User Markdown → safe HTML. The only place user HTML is produced."""

import bleach
import markdown
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a",
}
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


def render_markdown(source):
    """Render Markdown and sanitise it on an allowlist; returns a ``Markup`` string."""
    html = markdown.markdown(source or "", extensions=["sane_lists", "nl2br"], output_format="html")
    clean = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    linked = bleach.linkify(clean, callbacks=[_link_attributes], skip_tags={"pre", "code"})
    return Markup(linked)  # noqa: S704 - sanitised just above
