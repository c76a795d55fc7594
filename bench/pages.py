"""Reading the site's pages as a client does: the hidden fields of its forms."""

import html
import re

INPUT = re.compile(r"<input\b[^>]*>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
COMMENT_URL = re.compile(r"#y-kien-(\d+)$")


def hidden_fields(page):
    """{name: value} of the page's hidden inputs (CSRF tokens, form keys, section id)."""
    fields = {}
    for tag in INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


def comment_form(page):
    """The comment form's hidden fields (section, CSRF token, form key), without the prefix
    of the other forms of the page."""
    return {name: value for name, value in hidden_fields(page).items()
            if name.startswith("comment-")}
