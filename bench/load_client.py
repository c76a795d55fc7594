"""Simulated users for bench/load.py, driven by locust (FastHttpUser) in their own process
(locust patches the standard library with gevent on import).

    python -m bench.load_client PLAN.json RESULT.json

The plan (written by bench/load.py) names the server, the consultations and their articles,
the accounts, the mode and the sizes. Modes:

- ``mix``: 90 % reads (home, consultation, article with its first comment page, search) and
  10 % writes (log in, comment, react, report) through the real forms, CSRF token and form
  key parsed from the page the user just read;
- ``reads``: the same reads only;
- ``comments``: each user logs in, reads one article, then posts comments one after another
  (a fresh form key each, as a new page would carry);
- ``ceiling``: ``GET /`` of the trivial app.
"""

import itertools
import json
import random
import re
import secrets
import sys
import time
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, constant, task
from locust.env import Environment

from bench.corpus import comments as generate_texts
from bench.pages import comment_form, hidden_fields
from bench.search import QUERIES

PLAN = json.loads(open(sys.argv[1], encoding="utf-8").read()) if __name__ == "__main__" else {}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
COMMENT_ID = re.compile(r'action="/y-kien/(\d+)/bay-to/support"')
REPORT_ID = re.compile(r'action="/y-kien/(\d+)/bao-cao"')
_accounts = itertools.count()
TEXTS = []


def _wait():
    think = PLAN.get("think", 0)
    return constant(0) if not think else between(0, 2 * think)


class Visitor(FastHttpUser):
    """One person on the site: reads, and now and then writes."""

    abstract = True
    wait_time = _wait()

    def on_start(self):
        self.rng = random.Random(secrets.randbits(32))
        self.account = next(_accounts) % PLAN.get("accounts", 1) + 1 + PLAN.get("account_offset", 0)
        self.logged_in = False
        self.page = None  # the last article page read while logged in: (html, url)

    # ---- reads ---------------------------------------------------------------------------

    def _consultation(self):
        return self.rng.choice(PLAN["consultations"])

    def home(self):
        self.client.get("/", name="home")

    def consultation(self):
        self.client.get(f"/c/{self._consultation()['slug']}", name="consultation")

    def article(self):
        consultation = self._consultation()
        url = f"/c/{consultation['slug']}/{self.rng.choice(consultation['articles'])}"
        response = self.client.get(url, name="article")
        if self.logged_in and response.status_code == 200:
            self.page = (response.text, url)

    def search(self):
        _kind, q, _filters = self.rng.choice(QUERIES)
        params = {"q": q}
        if self.rng.random() < 0.5:
            params["consultation"] = self._consultation()["id"]
        self.client.get("/search?" + urlencode(params), name="search")

    # ---- writes --------------------------------------------------------------------------

    def login(self):
        page = self.client.get("/dang-nhap", name="login").text
        data = {**hidden_fields(page), "email": f"nguoi{self.account}@bench.vn",
                "password": PLAN["password"]}
        with self.client.post("/dang-nhap", data=urlencode(data), headers=FORM, name="login",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302:
                self.logged_in = True
            else:
                response.failure(f"login answered {response.status_code}")

    def _post(self, url, data, name, expect="#y-kien-"):
        """POST a form without following the redirect; a success is a 302 to ``expect``."""
        with self.client.post(url, data=urlencode(data), headers=FORM, name=name,
                              allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code == 302 and expect in location:
                response.success()
                return True
            response.failure(f"{name} answered {response.status_code} {location[:60]}")
            return False

    def comment(self, key=None):
        page, url = self.page
        data = comment_form(page)
        data.update({"comment-body": self.rng.choice(TEXTS),
                     "comment-stance": self.rng.choice(["agree", "disagree", "amend", "other"])})
        if key:
            data["comment-idempotency_key"] = key
        slug = url.split("/")[2]
        return self._post(f"/c/{slug}/y-kien", data, "comment")

    def react(self):
        page, _url = self.page
        ids = COMMENT_ID.findall(page)
        if ids:
            token = hidden_fields(page).get("csrf_token", "")
            kind = self.rng.choice(["support", "oppose"])
            self._post(f"/y-kien/{self.rng.choice(ids)}/bay-to/{kind}", {"csrf_token": token},
                       "react")

    def report(self):
        page, _url = self.page
        ids = REPORT_ID.findall(page)
        if ids:
            comment_id = self.rng.choice(ids)
            prefix = f"report-{comment_id}-"
            data = {prefix + "csrf_token": hidden_fields(page).get(prefix + "csrf_token", ""),
                    prefix + "reason": self.rng.choice(["spam", "off_topic", "offensive"])}
            self._post(f"/y-kien/{comment_id}/bao-cao", data, "report", expect="/")

    def write(self):
        if not self.logged_in:
            self.login()
        elif self.page is None:
            self.article()
        else:
            action = self.rng.choices([self.comment, self.react, self.report], [5, 3, 2])[0]
            action()
            if action == self.comment:
                self.page = None  # the next comment comes from a freshly read page


class Reads(Visitor):
    @task(10)
    def read_home(self):
        self.home()

    @task(15)
    def read_consultation(self):
        self.consultation()

    @task(45)
    def read_article(self):
        self.article()

    @task(20)
    def read_search(self):
        self.search()


class Mix(Reads):
    @task(10)
    def do_write(self):
        self.write()


class Commenter(Visitor):
    """Logs in, reads one article, then posts comments as fast as they are accepted."""

    def on_start(self):
        super().on_start()
        self.login()
        for _attempt in range(5):
            if self.page is None:
                self.article()
        self.environment.ready += 1

    @task
    def post_comment(self):
        if self.comment(key=secrets.token_urlsafe(24)):
            self.environment.accepted += 1


class Ceiling(FastHttpUser):
    wait_time = _wait()

    @task
    def hello(self):
        self.client.get("/", name="trivial")


MODES = {"mix": Mix, "reads": Reads, "comments": Commenter, "ceiling": Ceiling}


def _summary(env, seconds):
    requests = {}
    for (name, method), entry in sorted(env.stats.entries.items()):
        key = name if method == "GET" or name in ("comment", "react", "report") else \
            f"{name} {method}"
        requests[key] = {"count": entry.num_requests, "failures": entry.num_failures,
                         "rps": entry.num_requests / seconds,
                         **{p: entry.get_response_time_percentile(q) if entry.num_requests
                            else 0 for p, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}}
    total = env.stats.total
    return {"seconds": seconds, "requests": requests, "count": total.num_requests,
            "failures": total.num_failures, "rps": total.num_requests / seconds,
            "accepted_comments": getattr(env, "accepted", 0),
            "errors": [f"{e.method} {e.name}: {e.error} ×{e.occurrences}"
                       for e in list(env.stats.errors.values())[:10]]}


def run(plan):
    user_class = MODES[plan["mode"]]
    user_class.host = plan["host"]
    TEXTS.extend(generate_texts(500, seed=plan.get("seed", 1), noisy_share=0))
    env = Environment(user_classes=[user_class])
    env.accepted = env.ready = 0
    runner = env.create_local_runner()
    runner.start(plan["users"], spawn_rate=plan.get("spawn_rate", plan["users"]))
    if user_class is Commenter:  # timing starts once every user has logged in
        waited = time.monotonic()
        while env.ready < plan["users"] and time.monotonic() - waited < 120:
            gevent.sleep(0.1)
    gevent.sleep(plan.get("warmup", 2))
    env.stats.reset_all()
    env.accepted = 0
    started = time.monotonic()
    gevent.sleep(plan["duration"])
    seconds = time.monotonic() - started
    summary = _summary(env, seconds)
    runner.quit()
    return summary


if __name__ == "__main__":
    result = run(PLAN)
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(result, out)
