"""Writing the log files: one heap of (time, seq, node, source, line) flushed in time order into
logs that rotate by local day (plain, ``.N.gz``, dated), gzip without name or mtime, and file
mtimes set to the end of each file's period.

    >>> out = Out("/tmp/evidence", [dt.date(2026, 10, 24)])
    >>> out.add("mta01", "zimbra.log", 1793000000.0, "Oct 24 ...")  # doctest: +SKIP
    >>> files = out.close()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import gzip
import heapq
import math
import os

from scenario.localtime import local_date, local_midnight
from scenario.world import PROXY, STORES

class Log:
    """One logical log file with its rotated siblings. ``style`` picks the rotated names."""

    def __init__(self, root: str, node: str, folder: str, base: str, style: str, days: list[dt.date]):
        self.dir = os.path.join(root, node, folder)
        self.node, self.base, self.style, self.days = node, base, style, days
        self.day, self.fh, self.path, self.count, self.size = None, None, None, 0, 0
        self.files: list[tuple[str, int, int, float]] = []  # (path, lines, text bytes, mtime)

    def name(self, day: dt.date) -> str:
        age = (self.days[-1] - day).days
        if self.style == "access":  # access_log.YYYY-MM-DD, never compressed
            return f"{self.base}.{day.isoformat()}"
        if age == 0:
            return self.base
        if self.style == "log4j":  # mailbox.log.2026-10-24.gz
            return f"{self.base}.{day.isoformat()}.gz"
        if self.style == "nginx":  # delaycompress: .1 then .2.gz
            return f"{self.base}.1" if age == 1 else f"{self.base}.{age}.gz"
        return f"{self.base}.{age}.gz"  # syslog: compress at once

    def write(self, t: float, line: str) -> None:
        day = min(max(local_date(t), self.days[0]), self.days[-1])
        if day != self.day:
            self.close()
            self.day = day
            self.path = os.path.join(self.dir, self.name(day))
            os.makedirs(self.dir, exist_ok=True)
            raw = open(self.path, "wb")
            self.fh = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) \
                if self.path.endswith(".gz") else raw
            self.raw = raw
        data = line.encode("utf-8") + b"\n"
        self.fh.write(data)
        self.count += 1
        self.size += len(data)

    def close(self) -> None:
        if self.fh is None:
            return
        self.fh.close()
        if self.raw is not self.fh:
            self.raw.close()
        self.files.append((self.path, self.count, self.size, local_midnight(self.day + dt.timedelta(days=1))))
        self.fh, self.count, self.size = None, 0, 0


class Out:
    def __init__(self, root: str, days: list[dt.date]):
        self.root, self.heap, self.seq, self.logs = root, [], 0, {}
        for node in PROXY:
            self.logs[(node, "nginx")] = Log(root, node, "opt/zimbra/log", "nginx.access.log", "nginx", days)
        for node in STORES:
            for src in ("mailbox.log", "audit.log", "sync.log"):
                self.logs[(node, src)] = Log(root, node, "opt/zimbra/log", src, "log4j", days)
            self.logs[(node, "access_log")] = Log(root, node, "opt/zimbra/log", "access_log", "access", days)
        self.logs[("mta01", "zimbra.log")] = Log(root, "mta01", "var/log", "zimbra.log", "syslog", days)

    def add(self, node: str, src: str, t: float, line: str) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, node, src, line))

    def flush(self, upto: float) -> None:
        heap, logs = self.heap, self.logs
        while heap and heap[0][0] < upto:
            t, _, node, src, line = heapq.heappop(heap)
            logs[(node, src)].write(t, line)

    def close(self) -> list[dict]:
        self.flush(math.inf)
        files = []
        for log in self.logs.values():
            log.close()
            for path, lines, size, mtime in log.files:
                os.utime(path, (mtime, mtime))
                files.append({"path": os.path.relpath(path, self.root), "lines": lines, "text_bytes": size,
                              "disk_bytes": os.path.getsize(path)})
        return sorted(files, key=lambda f: f["path"])
