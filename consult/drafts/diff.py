"""Word-level differences between two versions of a draft, article by article.

Text is cut into words (``\\w+``: a Vietnamese syllable with its diacritics), punctuation
marks and runs of whitespace; ``difflib.SequenceMatcher`` aligns the two token lists. A
replaced stretch is shown as the deleted words followed by the inserted ones, and a lone
space between two changes joins them so the reader sees whole phrases. Inline
``**bold**`` / ``*italic*`` marks are left out of the comparison (the wording is compared).
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from consult.core.markup import strip_draft_markup

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")


def tokenize(text):
    """Words, punctuation marks, runs of spaces and line breaks, in order."""
    return _TOKEN.findall(text or "")


def diff_words(old, new):
    """[(op, text)] turning ``old`` into ``new``; op is 'equal', 'delete' or 'insert'."""
    a, b = tokenize(strip_draft_markup(old)), tokenize(strip_draft_markup(new))
    ops = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            ops.append([DELETE, "".join(a[i1:i2])])
        if tag in ("insert", "replace"):
            ops.append([INSERT, "".join(b[j1:j2])])
        if tag == "equal":
            ops.append([EQUAL, "".join(a[i1:i2])])
    return _join_phrases(ops)


def _join_phrases(ops):
    """Fold a whitespace-only 'equal' between two changes into them; merge same-op runs."""
    out = []
    for index, (op, text) in enumerate(ops):
        between = 0 < index < len(ops) - 1 and ops[index - 1][0] != EQUAL \
            and ops[index + 1][0] != EQUAL
        if op == EQUAL and between and text.strip(" ") == "":
            out.extend([[DELETE, text], [INSERT, text]])
            continue
        out.append([op, text])
    # reorder each run of changes as all deletions then all insertions, and merge
    result, run = [], {DELETE: "", INSERT: ""}
    for op, text in out + [[EQUAL, ""]]:
        if op == EQUAL:
            result.extend((kind, run[kind]) for kind in (DELETE, INSERT) if run[kind])
            run = {DELETE: "", INSERT: ""}
            if text:
                result.append((EQUAL, text))
        else:
            run[op] += text
    return result


def diff_lines(old, new):
    """The word diff cut at line breaks: a list of lines, each a list of (op, text)."""
    lines = [[]]
    for op, text in diff_words(old, new):
        for k, part in enumerate(text.split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append((op, part))
    return [line for line in lines if line]


def is_changed(lines):
    return any(op != EQUAL for line in lines for op, _text in line)


@dataclass
class ArticleChange:
    """How one article reads in two versions (``old`` or ``new`` is None if absent)."""

    old: object
    new: object
    title: list = field(default_factory=list)   # [(op, text)] of the title
    body: list = field(default_factory=list)    # lines of [(op, text)] of the body

    @property
    def status(self):
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        if is_changed([self.title]) or is_changed(self.body):
            return "changed"
        return "unchanged"

    def body_blocks(self, context=1):
        """The body as ("shown", lines) and ("same", lines) blocks: unchanged lines more than
        ``context`` lines away from a change are grouped so a page can fold them."""
        changed = [k for k, line in enumerate(self.body) if is_changed([line])]
        near = {k + d for k in changed for d in range(-context, context + 1)}
        blocks = []
        for k, line in enumerate(self.body):
            kind = "shown" if k in near or not changed else "same"
            if blocks and blocks[-1][0] == kind:
                blocks[-1][1].append(line)
            else:
                blocks.append((kind, [line]))
        return blocks

    @property
    def renumbered(self):
        return self.old is not None and self.new is not None and self.old.number != self.new.number

    @property
    def anchor(self):
        """Where this article is on the change page: its new anchor (old one if removed)."""
        return f"thay-doi-{(self.new or self.old).anchor}"


def article_change(old, new):
    """The :class:`ArticleChange` of one article (either side may be None)."""
    return ArticleChange(old, new,
                         diff_words(old.title if old else "", new.title if new else ""),
                         diff_lines(old.body if old else "", new.body if new else ""))


def article_changes(old_articles, new_articles, matches):
    """Every article of two versions in reading order, with its change.

    ``matches`` maps the index of a new article to the index of the old article it
    continues; removed articles appear where they stood, before the next article that is
    still there.
    """
    kept = set(matches.values())
    removed = [i for i in range(len(old_articles)) if i not in kept]
    changes, next_removed = [], 0
    for j, article in enumerate(new_articles):
        i = matches.get(j)
        if i is not None:
            while next_removed < len(removed) and removed[next_removed] < i:
                changes.append(article_change(old_articles[removed[next_removed]], None))
                next_removed += 1
        changes.append(article_change(old_articles[i] if i is not None else None, article))
    changes.extend(article_change(old_articles[i], None) for i in removed[next_removed:])
    return changes
