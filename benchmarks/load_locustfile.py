"""Locust users of `make bench-load` (run by benchmarks/load.py, headless): one scenario per run,
chosen by LOAD_SCENARIO, on the applications and tokens listed in the LOAD_PLAN JSON file.

    save    PATCH /api/v1/applications/<id>/ with answers, on drafts picked at random
    submit  POST /api/v1/applications/<id>/submit/, each draft once
    bare    PATCH /bench/bare-write/<id>/ with the same JSON (the baseline)
    floor   PATCH /bench/floor-write/<id>/ with the same JSON and token (the stack's floor)
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, constant, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
SCENARIO = os.environ["LOAD_SCENARIO"]
SAVE = PLAN["save"]  # [[application id, token], ...]
TO_SUBMIT = iter(PLAN["submit"])  # one process, gevent: a shared iterator hands each draft out once
COUNTER = itertools.count()


def body() -> dict:
    n = next(COUNTER)
    return {"answers": {**PLAN["answers"], "number": str(n % 10_000), "short": f"Проєкт {n}"}}


# The PATCHes of a draft picked at random: the scenario's path, its name, and whether it sends the token.
PATCHES = {
    "save": ("/api/v1/applications/{pk}/", "save answers", True),
    "floor": ("/bench/floor-write/{pk}/", "floor write", True),
    "bare": ("/bench/bare-write/{pk}/", "bare DB write", False),
}


class Applicant(FastHttpUser):
    wait_time = constant(0)

    @task
    def request_once(self) -> None:
        if SCENARIO == "submit":
            pk, token = next(TO_SUBMIT)
            self.client.post(
                f"/api/v1/applications/{pk}/submit/",
                json={},
                headers={"Authorization": f"Token {token}"},
                name="submit",
            )
            return
        path, name, authenticated = PATCHES[SCENARIO]
        pk, token = random.choice(SAVE)
        headers = {"Authorization": f"Token {token}"} if authenticated else {}
        self.client.patch(path.format(pk=pk), json=body(), headers=headers, name=name)
