"""What a web worker holds: no export libraries until they are used, large blocks mapped."""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: libraries only exports, imports, feeds and migrations need (python-docx, lxml, fpdf2,
#: scikit-learn, Flask-Migrate with alembic)
HEAVY = ("docx", "lxml", "feedgen", "fpdf", "sklearn", "scipy", "flask_migrate", "alembic")


def _modules_after(code):
    script = (f"import sys\n{code}\n"
              f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def test_a_web_process_loads_no_export_library(tmp_path):
    code = (f"from consult import create_app\n"
            f"from consult.extensions import db\n"
            f"app = create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'SECRET_KEY': 'x'}})\n"
            f"with app.app_context(): db.create_all()\n"
            f"for url in ('/', '/search?q=a'):\n"
            f"    assert app.test_client().get(url).status_code == 200")
    assert _modules_after(code) == ""


def test_the_flask_command_still_migrates(tmp_path):
    env = {**os.environ, "CONSULT_INSTANCE_PATH": str(tmp_path), "CONSULT_DATABASE_URL": ""}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    current = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "current"],
                             capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert "(head)" in current.stdout


def test_the_export_libraries_load_on_first_use():
    assert _modules_after("from consult.drafts.docx_import import read_draft_upload") \
        == "docx,lxml"
    assert "feedgen" in _modules_after(
        "from feedgen.feed import FeedGenerator")  # the feed's own import, as _feed does


_AFTER_A_LARGE_FREE = """
import ctypes
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free(ctypes.c_void_p(libc.malloc(8 << 20)))  # glibc now serves up to 8 MiB from its heap
block = libc.malloc(1 << 20)
print(block % 4096 == 16)  # mapped on its own: 16 bytes of header into a fresh page
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
@pytest.mark.parametrize("fixed, mapped", [(False, "False"), (True, "True")])
def test_large_blocks_stay_mapped_on_their_own(fixed, mapped):
    setup = "from consult.core.memory import map_large_blocks; assert map_large_blocks()\n"
    script = (setup if fixed else "") + _AFTER_A_LARGE_FREE
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == mapped
