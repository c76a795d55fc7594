"""Search arrays of large segments shared by every process through files.

Each web worker used to derive the same arrays from the same segments (a word's postings,
its positions, a consultation's documents) and keep its own copy: at a million comments
~130 MiB per worker, loaded again by every worker after each start. A segment never changes
once written, so an array derived from a large one is written once, as a ``.npy`` file in a
folder beside the index, and every process maps it read-only: the pages are the operating
system's page cache, shared, and a worker that starts (or restarts after a crash) finds the
arrays ready.

Files are written to a temporary name and renamed, so a reader sees a whole file or none;
two processes deriving the same array at once write the same bytes. A file that cannot be
read is derived again and replaced. The folder of a segment that left the index (merged
away, or a rebuild) is removed by the process that commits the index (``prune``), with
the temporary files of writers killed mid-write.
"""

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

#: the derived arrays worth sharing (the rest are small, or change with deletions)
SHARED_KINDS = {"union", "exact", "positions", "scope"}
#: seconds after which a temporary file is taken for one whose writer died
ABANDONED_AFTER = 600


def arrays_dir(index_path):
    """The folder beside the index (``…/search`` → ``…/search-arrays``)."""
    index_path = Path(index_path)
    return index_path.with_name(index_path.name + "-arrays")


class SharedArrays:
    """The shared array files of segments with at least ``min_docs`` documents."""

    def __init__(self, folder, min_docs):
        self.folder = Path(folder)
        self.min_docs = min_docs

    def applies(self, segment, name):
        """Whether the array ``name`` of ``segment`` is kept in a shared file."""
        return self.min_docs > 0 and segment.count >= self.min_docs and name[0] in SHARED_KINDS

    def _base(self, segment, name):
        digest = hashlib.sha1(repr(name).encode("utf-8"), usedforsecurity=False).hexdigest()[:24]
        return self.folder / segment.key / digest

    def load(self, segment, name):
        """The mapped array (or tuple of arrays) kept for ``name``, or None."""
        base = self._base(segment, name)
        try:
            if base.with_suffix(".npy").exists():
                return _mapped(base.with_suffix(".npy"))
            parts = []
            while (path := base.with_suffix(f".{len(parts)}.npy")).exists():
                parts.append(_mapped(path))
            return tuple(parts) if parts else None
        except (OSError, ValueError, EOFError) as error:  # damaged or gone: derive it again
            log.warning("search array %s unreadable (%s); deriving it again", base, error)
            return None

    def save(self, segment, name, value):
        """Write ``value`` (an array or a tuple of arrays) for every process; returns the
        mapped copy, or ``value`` itself when the folder cannot be written."""
        base = self._base(segment, name)
        try:
            base.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(value, tuple):
                # part 0 last: a reader that finds it finds the others
                for number in reversed(range(len(value))):
                    _write(base.with_suffix(f".{number}.npy"), value[number])
            else:
                _write(base.with_suffix(".npy"), value)
        except OSError as error:  # e.g. a read-only disk: stop trying, say it once
            log.warning("search arrays not shared: %s cannot be written (%s); each process "
                        "keeps its own", self.folder, error)
            self.min_docs = 0
            return value
        mapped = self.load(segment, name)
        return value if mapped is None else mapped


def prune(folder, live_keys, now=None):
    """Remove the folders of segments not in ``live_keys`` (after an index commit), and the
    temporary files a process killed while writing left behind."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    now = time.time() if now is None else now
    for entry in folder.iterdir():
        if not entry.is_dir():
            continue
        if entry.name not in live_keys:
            shutil.rmtree(entry, ignore_errors=True)
            continue
        for left in entry.glob("*.tmp"):
            with contextlib.suppress(OSError):
                if now - left.stat().st_mtime > ABANDONED_AFTER:
                    left.unlink()


def _mapped(path):
    return np.load(path, mmap_mode="r", allow_pickle=False)


def _write(path, array):
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.save(out, np.ascontiguousarray(array), allow_pickle=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
