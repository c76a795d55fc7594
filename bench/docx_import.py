"""Word import benchmark: the largest law in shared/data as .docx, and the section matcher.

    python -m bench.docx_import                 # the largest law, 20 repeats
    python -m bench.docx_import --copies 10     # the law's articles repeated 10 times

Measures, per repeat: .docx → text (python-docx + our reader), text → section tree (the
parser), and matching the tree against a revision with an article inserted at the start of
Chương II (every following article renumbered). Prints median and p95 in milliseconds.
Run it under the shared lock: ``flock /tmp/bench.lock .venv/bin/python -m bench.docx_import``.
"""

import argparse
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIRS = (ROOT.parent / "shared" / "data", ROOT / "consult" / "demo_data")


def largest_law():
    """(name, text) of the largest .txt law in shared/data (the demo copy if missing)."""
    for folder in DATA_DIRS:
        laws = sorted(folder.glob("*.txt"), key=lambda p: p.stat().st_size, reverse=True)
        if laws:
            text = laws[0].read_text(encoding="utf-8")
            return laws[0].name, unicodedata.normalize("NFC", text)
    raise SystemExit("no law found in shared/data or consult/demo_data")


def multiplied(text, copies):
    """The law with its articles repeated ``copies`` times: the copies are appended to the
    last chapter and numbered on, for sizes beyond the real laws."""
    from consult.drafts.parser import parse_draft

    if copies <= 1:
        return text
    document = parse_draft(text)
    out = document.preamble.splitlines()
    for node in document.walk():
        if node.kind == "dieu":
            out += [f"Điều {node.number}. {node.title}", *node.body.splitlines()]
        else:
            out += [node.label] + ([node.title] if node.title else [])
    number = len(document.articles())
    for _copy in range(copies - 1):
        for article in document.articles():
            number += 1
            out += [f"Điều {number}. {article.title}", *article.body.splitlines()]
    out[-1] += "./."
    return "\n".join(out + document.closing.splitlines()) + "\n"


def _stats(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def run(text, repeats, variant):
    from bench.revisions import insert_article
    from consult.drafts.docx_import import docx_to_text
    from consult.drafts.parser import parse_draft
    from consult.drafts.versions import match_sections
    from tests.drafts.docx_samples import build_docx

    data, _ = build_docx(text, **variant)
    revised, inserted = insert_article(text, "II")
    old = list(parse_draft(text).walk())
    new = list(parse_draft(revised).walk())
    read, parse, match = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        imported = docx_to_text(data)
        read.append(time.perf_counter() - started)
        started = time.perf_counter()
        document = parse_draft(imported)
        parse.append(time.perf_counter() - started)
        started = time.perf_counter()
        matches = match_sections(old, new)
        match.append(time.perf_counter() - started)
    articles = len(document.articles())
    new_articles = [j for j, s in enumerate(new) if s.kind == "dieu"]
    followed = sum(1 for j in new_articles if j in matches
                   and int(new[j].number) == int(old[matches[j]].number) + (
                       1 if int(new[j].number) > inserted else 0))
    return {"bytes": len(data), "articles": articles, "read": _stats(read),
            "parse": _stats(parse), "match": _stats(match), "followed": followed,
            "added": len(new_articles) - len([j for j in new_articles if j in matches])}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--copies", type=int, default=1,
                        help="repeat the law's articles this many times (default: the law)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.copies < 1:
        parser.error("--repeats and --copies must be at least 1")
    name, text = largest_law()
    text = multiplied(text, args.copies)
    print(f"Word import of {name} (x{args.copies}), {args.repeats} repeats, median / p95 ms")
    variants = {"plain paragraphs": {}, "heading styles + auto numbering":
                {"headings": True, "numbering": "direct"}, "tracked changes": {"tracked": True}}
    for label, variant in variants.items():
        r = run(text, args.repeats, variant)
        total = r["read"][0] + r["parse"][0]
        print(f"  {label:34s} {r['bytes'] / 1024:7.0f} KiB  {r['articles']:4d} articles  "
              f"read {r['read'][0]:7.1f} / {r['read'][1]:7.1f}  parse {r['parse'][0]:6.1f} / "
              f"{r['parse'][1]:6.1f}  import {total:7.1f}")
    print(f"  matcher, article inserted at the start of Chương II: {r['match'][0]:.1f} / "
          f"{r['match'][1]:.1f} ms; {r['followed']} of {r['articles'] + 1} articles followed "
          f"to their new number, {r['added']} added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
