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
                          timeout=120, check=True, cwd=ROOT)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _site(tmp_path, *requests):
    """A web process's code: the app on a new database with one open consultation, then
    GETs of ``requests`` (formatted with its slug), each answered 200."""
    return (f"from consult import create_app\n"
            f"from consult.extensions import db\n"
            f"from tests.factories import make_consultation\n"
            f"app = create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'SECRET_KEY': 'x'}})\n"
            f"with app.app_context():\n"
            f"    db.create_all()\n"
            f"    slug = make_consultation().slug\n"
            f"    db.session.commit()\n"
            f"for url in {requests!r}:\n"
            f"    assert app.test_client().get(url.format(slug)).status_code == 200, url")


def test_a_web_process_loads_no_export_library(tmp_path):
    assert _modules_after(_site(tmp_path, "/", "/search?q=a", "/c/{}", "/c/{}/dieu-1")) == ""


def test_the_export_libraries_load_on_first_use(tmp_path):
    assert _modules_after(_site(tmp_path, "/feeds/consultations.rss")) == "lxml,feedgen"
    assert _modules_after(_site(tmp_path, "/c/{}/phien-ban/1.docx")) == "docx,lxml"


def test_the_flask_command_still_migrates(tmp_path):
    env = {**os.environ, "CONSULT_INSTANCE_PATH": str(tmp_path), "CONSULT_DATABASE_URL": ""}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    current = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "current"],
                             capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert "(head)" in current.stdout


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


def test_the_served_app_keeps_its_startup_objects_out_of_the_collector(tmp_path):
    """``app.py`` (what gunicorn and ``make run`` load) freezes what it made at start; a
    full collection then visits only what requests made since."""
    env = {**os.environ, "CONSULT_INSTANCE_PATH": str(tmp_path), "CONSULT_DATABASE_URL": ""}
    script = ("import gc\nbefore = len(gc.get_objects())\nimport app\n"
              "print(gc.get_freeze_count() > 50_000, len(gc.get_objects()) < before)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True, env=env, cwd=ROOT)
    assert done.stdout.split() == ["True", "True"]
