"""Whole numbers typed by users into URLs, forms and commands, read without ever raising.

``int()`` accepts non-ASCII digits and raises on strings of more than 4,300 digits, and
ids beyond PostgreSQL's integer range fail in the database: one check for all of it.
"""

from flask import request

MAX_DIGITS = 9  # below 2**31: every id and page number fits PostgreSQL's integer


def whole_number(value):
    """``value`` (a string) as a non-negative int when it is 1–9 ASCII digits, else None."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
        return int(value)
    return None


def int_arg(name):
    """The query-string argument ``name`` as a whole number, or None."""
    return whole_number(request.args.get(name, ""))


def whole_numbers(values):
    """The whole numbers among ``values`` (e.g. ticked ids of a form), others left out."""
    return [n for n in map(whole_number, values) if n is not None]
