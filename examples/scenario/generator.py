"""The generator wired together, and one run from a seed to the files and their ground truth.

The parts share one ``Scene`` (one random stream); the amavis child pids are drawn when the mail
flow is built, after the accounts and before the plan, as they always were.

    >>> truth = generate("/tmp/evidence", 1, 1.0, dt.date(2026, 10, 24), 3)  # doctest: +SKIP
    >>> truth["messages"]["total"]  # doctest: +SKIP
    465
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random

from scenario.world import Account, make_accounts
from scenario.localtime import local_midnight
from scenario.scene import Scene
from scenario.mailstore import Mailstore
from scenario.proxy import Proxy
from scenario.mailflow import MailFlow
from scenario.output import Out
from scenario.schedule import Schedule
from scenario.background import Background
from scenario.attacks import Attacks
from scenario.plan import plan
from scenario.truth import ground_truth


class Generator:
    """The parts of the generator, each a small class over the shared scene."""

    def __init__(self, out: Out, rng: random.Random, accounts: list[Account], t0: float, t1: float, activity: float):
        self.scene = Scene(out, rng, accounts, t0, t1, activity)
        self.schedule = Schedule(out, rng, t0, t1)
        self.mailstore = Mailstore(self.scene)
        self.proxy = Proxy(self.scene, self.mailstore)
        self.mailflow = MailFlow(self.scene, self.mailstore)
        self.background = Background(self.scene, self.schedule, self.mailstore, self.proxy, self.mailflow)
        self.attacks = Attacks(self.scene, self.mailstore, self.proxy, self.mailflow)


def generate(outdir: str, seed: int, scale: float, start: dt.date, days: int) -> dict:
    """Write the evidence under ``outdir`` and ``ground_truth.json``; return the ground truth."""
    rng = random.Random(seed)
    n_accounts = 60 if scale <= 1 else int(round(60 * math.sqrt(scale)))
    activity = scale * 60 / n_accounts
    accounts = make_accounts(rng, n_accounts)
    day_list = [start + dt.timedelta(days=k) for k in range(days)]
    t0, t1 = local_midnight(day_list[0]), local_midnight(day_list[-1] + dt.timedelta(days=1))
    out = Out(outdir, day_list)
    g = Generator(out, rng, accounts, t0, t1, activity)
    facts = plan(g, start, days, rng)
    g.schedule.run()
    files = out.close()
    truth = ground_truth(g, facts, files, seed=seed, scale=scale, start=start, days=days)
    with open(os.path.join(outdir, "ground_truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=1, sort_keys=False)
        fh.write("\n")
    return truth
