"""Give freed memory back to the operating system.

glibc keeps freed heap pages in the process: after a pass that made and dropped millions of
small objects (the dossier reads a million comments), the resident size stays hundreds of
megabytes above what is still in use. ``malloc_trim`` returns those pages.
"""

import ctypes
import ctypes.util

_libc = None


def release_free_memory():
    """Return freed heap pages to the system (glibc only; elsewhere nothing happens)."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        _libc.malloc_trim(0)
    except (OSError, AttributeError):
        _libc = False  # not glibc: nothing to do
