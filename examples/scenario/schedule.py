"""The run's agenda: tasks (a callable and its arguments) at a time, run in time order; a task may
schedule later ones. Before each task the log writer flushes every line older than it.

    >>> import random
    >>> schedule = Schedule(None, random.Random(1), 0.0, 86400.0)
    >>> schedule.at(90000.0, print, "after the period: dropped")
    >>> schedule.tasks
    []
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable

from scenario.output import Out
from scenario.localtime import local_date, local_hour


class Schedule:
    def __init__(self, out: Out, rng: random.Random, t0: float, t1: float):
        self.out, self.rng, self.t0, self.t1 = out, rng, t0, t1
        self.tasks: list[tuple[float, int, Callable, tuple]] = []  # heap of (time, seq, task, args)
        self.task_seq = 0

    def at(self, t: float, task: Callable, *args) -> None:
        if self.t0 <= t < self.t1:
            self.task_seq += 1
            heapq.heappush(self.tasks, (t, self.task_seq, task, args))

    def run(self) -> None:
        """Run the tasks in time order; a task may schedule later ones (heap)."""
        while self.tasks:
            t, _, task, args = heapq.heappop(self.tasks)
            self.out.flush(t)
            task(t, *args)

    def diurnal_times(self, per_day: float, profile) -> list[float]:
        """Times over the period with intensity per_day × profile(local hour) (thinning, in UTC)."""
        rng, span = self.rng, self.t1 - self.t0
        n = int(per_day * span / 86400 / 0.45 + rng.random())
        times = [self.t0 + rng.random() * span for _ in range(n)]
        return sorted(t for t in times if rng.random() < profile(local_hour(t), local_date(t).weekday()) / 2.2)
