"""Where the cores went: bench/cpu.py tells the processes apart by kind."""

import os
import subprocess
import sys
import time

from bench.cpu import KINDS, CpuWatch, describe


def _spin(seconds):
    ends = time.process_time() + seconds
    while time.process_time() < ends:
        pass


def test_time_spent_in_the_watched_process_counts_as_web():
    with CpuWatch(web_pid=os.getpid(), search_pid=None) as watch:
        _spin(0.3)
    assert watch.cores["web"] >= 0.5
    assert watch.cores["search worker"] < 0.2
    assert set(KINDS) <= set(watch.cores) and watch.cores["idle"] >= 0


def test_a_child_of_the_search_worker_counts_as_search():
    spinner = subprocess.Popen([sys.executable, "-c",
                                "import time\nt=time.process_time()+0.4\n"
                                "while time.process_time()<t: pass\ntime.sleep(5)"])
    try:
        with CpuWatch(web_pid=None, search_pid=spinner.pid) as watch:
            time.sleep(1.0)
        assert watch.cores["search worker"] >= 0.2
        assert watch.cores["web"] == 0
    finally:
        spinner.kill()
        spinner.wait()


def test_describe_lists_the_busy_kinds_and_the_idle_cores():
    text = describe({"web": 1.41, "search worker": 0.3, "database": 0.0, "idle": 0.06})
    assert text == "web 1.41, search worker 0.30; idle 0.06"
    assert describe({}) == ""


def test_a_child_that_ends_within_the_phase_counts_as_the_load_generator():
    with CpuWatch(web_pid=None, search_pid=None) as watch:
        subprocess.run([sys.executable, "-c", "import time\nt=time.process_time()+0.4\n"
                        "while time.process_time()<t: pass"], check=True)
    assert watch.cores["load generator"] >= 0.2
