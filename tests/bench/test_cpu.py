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


class _Timed(CpuWatch):
    """A CpuWatch that also says how many CPU seconds each kind used (cores × its wall
    time): what a process spun is known whatever else the machine is doing."""

    def __enter__(self):
        self.started = time.monotonic()
        return super().__enter__()

    def __exit__(self, *exc):
        super().__exit__(*exc)
        wall = time.monotonic() - self.started
        self.seconds = {kind: cores * wall for kind, cores in self.cores.items()}


def test_time_spent_in_the_watched_process_counts_as_web():
    with _Timed(web_pid=os.getpid(), search_pid=None) as watch:
        _spin(0.3)
    assert watch.seconds["web"] >= 0.25
    assert watch.cores["search worker"] < 0.2
    assert set(KINDS) <= set(watch.cores) and watch.cores["idle"] >= 0


def test_a_child_of_the_search_worker_counts_as_search():
    with subprocess.Popen([sys.executable, "-c",
                           "import time\ninput()\nt=time.process_time()+0.4\n"
                           "while time.process_time()<t: pass\nprint(flush=True)\n"
                           "time.sleep(5)"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as spinner:
        try:
            with _Timed(web_pid=None, search_pid=spinner.pid) as watch:
                spinner.stdin.write("\n")
                spinner.stdin.flush()
                spinner.stdout.readline()  # it has spun
            assert watch.seconds["search worker"] >= 0.3
            assert watch.cores["web"] == 0
        finally:
            spinner.kill()


def test_describe_lists_the_busy_kinds_and_the_idle_cores():
    text = describe({"web": 1.41, "search worker": 0.3, "database": 0.0, "idle": 0.06})
    assert text == "web 1.41, search worker 0.30; idle 0.06"
    assert describe({}) == ""


def test_a_child_that_ends_within_the_phase_counts_as_the_load_generator():
    with _Timed(web_pid=None, search_pid=None) as watch:
        subprocess.run([sys.executable, "-c", "import time\nt=time.process_time()+0.4\n"
                        "while time.process_time()<t: pass"], check=True)
    assert watch.seconds["load generator"] >= 0.3
