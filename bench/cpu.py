"""Where a machine's cores go during a benchmark phase: CPU time per kind of process.

On a small machine the web workers share the cores with the search worker, the database
server, Redis and the load generator itself; a throughput figure alone does not say which of
them took the time. ``CpuWatch`` reads every process's CPU time (user + system) when a phase
starts and ends and reports, per kind, the cores it kept busy on average (CPU seconds per
second of the phase).
"""

import resource
import time

import psutil

KINDS = ("web", "search worker", "database", "redis", "load generator", "other")


def _descendants(pid):
    """``pid`` and all its children (none for ``None`` or a process that has gone)."""
    if pid is None:
        return set()
    try:
        parent = psutil.Process(pid)
        return {pid, *(child.pid for child in parent.children(recursive=True))}
    except psutil.Error:
        return set()


def _kind(process, web, search):
    if process.pid in web:
        return "web"
    if process.pid in search:
        return "search worker"
    name = process.info["name"] or ""
    if name == "postgres" or name.startswith("postgres:"):
        return "database"
    if name == "redis-server":
        return "redis"
    return "other"


def _sample(web_pid, search_pid):
    """{pid: (kind, CPU seconds so far)} for every process on the machine."""
    web, search = _descendants(web_pid), _descendants(search_pid)
    sample = {}
    for process in psutil.process_iter(["name", "cpu_times"]):
        times = process.info["cpu_times"]
        if times is not None:
            sample[process.pid] = (_kind(process, web, search), times.user + times.system)
    return sample


def _ended_children():
    """CPU seconds of this process's children that have ended and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuWatch:
    """CPU time per kind of process between ``__enter__`` and ``__exit__``.

    ``web_pid``: the gunicorn master (its workers are its children); ``search_pid``: the
    search worker (either None when there is none). A process that ends during the phase
    (a killed worker) takes its time with it; one that starts counts from zero. The load
    generator is a child of this process that ends with the phase: its time is what this
    process's ended children used (``RUSAGE_CHILDREN``).
    """

    def __init__(self, web_pid, search_pid):
        self.web_pid, self.search_pid = web_pid, search_pid
        self.cores = {}

    def __enter__(self):
        self._before = _sample(self.web_pid, self.search_pid)
        self._children = _ended_children()
        self._machine = psutil.cpu_times()
        self._started = time.monotonic()
        return self

    def __exit__(self, *_exc):
        seconds = max(time.monotonic() - self._started, 1e-9)
        after = _sample(self.web_pid, self.search_pid)
        used = dict.fromkeys(KINDS, 0.0)
        for pid, (kind, cpu) in after.items():
            before = self._before.get(pid, (kind, 0.0))[1]
            used[kind] += max(cpu - before, 0.0)
        used["load generator"] = _ended_children() - self._children
        self.cores = {kind: round(cpu / seconds, 2) for kind, cpu in used.items()}
        machine = psutil.cpu_times()
        idle = (machine.idle + getattr(machine, "iowait", 0.0)
                - self._machine.idle - getattr(self._machine, "iowait", 0.0))
        self.cores["idle"] = round(max(idle, 0.0) / seconds, 2)


def describe(cores):
    """"web 1.41, search worker 0.32, …; idle 0.06" (cores busy on average)."""
    if not cores:
        return ""
    busy = ", ".join(f"{kind} {cores[kind]:.2f}" for kind in KINDS if cores.get(kind))
    return f"{busy}; idle {cores.get('idle', 0.0):.2f}"
