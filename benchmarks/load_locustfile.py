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


class Applicant(FastHttpUser):
    wait_time = constant(0)

    @task
    def request_once(self) -> None:
        if SCENARIO == "save":
            pk, token = random.choice(SAVE)
            self.client.patch(
                f"/api/v1/applications/{pk}/",
                json=body(),
                headers={"Authorization": f"Token {token}"},
                name="save answers",
            )
        elif SCENARIO == "submit":
            pk, token = next(TO_SUBMIT)
            self.client.post(
                f"/api/v1/applications/{pk}/submit/",
                json={},
                headers={"Authorization": f"Token {token}"},
                name="submit",
            )
        elif SCENARIO == "floor":
            pk, token = random.choice(SAVE)
            self.client.patch(
                f"/bench/floor-write/{pk}/",
                json=body(),
                headers={"Authorization": f"Token {token}"},
                name="floor write",
            )
        else:
            pk, _token = random.choice(SAVE)
            self.client.patch(f"/bench/bare-write/{pk}/", json=body(), name="bare DB write")
