"""Give freed memory back to the operating system; keep the start-up heap out of the
garbage collector's way.

glibc keeps freed heap pages in the process: after a pass that made and dropped millions of
small objects (the dossier reads a million comments), the resident size stays hundreds of
megabytes above what is still in use. ``malloc_trim`` returns those pages. Large blocks
(search arrays, a searcher's tables) are mapped on their own and returned when freed
(``map_large_blocks``).
"""

import ctypes
import ctypes.util
import gc

_libc = None
_M_MMAP_THRESHOLD = -3  # mallopt's parameter (malloc.h)


def _glibc():
    """glibc, or None elsewhere."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _libc.malloc_trim, _libc.mallopt  # noqa: B018 - both must exist
        except (OSError, AttributeError):
            _libc = False  # not glibc: nothing to do
    return _libc or None


def release_free_memory():
    """Return freed heap pages to the system (glibc only; elsewhere nothing happens)."""
    if _glibc():
        _libc.malloc_trim(0)


def map_large_blocks(threshold=128 * 1024):
    """Blocks of ``threshold`` bytes and more get pages of their own, given back to the
    system as soon as they are freed. glibc starts at the same 128 KiB but raises the
    threshold to the largest block freed so far (up to 32 MiB): after a web worker has
    dropped its first searcher, every large array came from the heap, whose freed pages the
    process keeps. Fixing it keeps a worker's memory near what it uses. Returns whether it
    was applied (glibc only)."""
    return bool(_glibc() and _libc.mallopt(_M_MMAP_THRESHOLD, threshold))


def freeze_startup_objects():
    """Leave the objects made while the site started (modules, mappings, compiled
    statements: ~140,000) out of the garbage collector's passes: they live as long as the
    process. A full pass visited them all, ~100 ms on a 2-core machine about every 200
    requests, while every request waiting on that worker waited too (the load benchmark's
    p95); after ``gc.freeze()`` the longest pass measured 7 ms. Call once, when the app is
    made for serving (``app.py``), not in processes that make many apps (the tests)."""
    gc.freeze()
