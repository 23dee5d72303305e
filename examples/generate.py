#!/usr/bin/env python3
"""Write a realistic multi-node Zimbra log collection with known attacks, and its ground truth.

    python3 examples/generate.py OUTDIR [--seed N] [--scale F] [--start 2026-10-24] [--days 3]

Nodes (the first folder under OUTDIR is the node name):

* ``proxy01/opt/zimbra/log/nginx.access.log`` (+ ``.1``, ``.2.gz`` …: logrotate delaycompress)
* ``mbx01``/``mbx02``: ``opt/zimbra/log/mailbox.log``, ``audit.log``, ``sync.log`` (+ ``.YYYY-MM-DD.gz``
  per past day) and ``access_log.YYYY-MM-DD``
* ``mta01/var/log/zimbra.log`` (+ ``.1.gz``, ``.2.gz`` …): syslog without year (postfix, amavis at
  log level 3 with amavisd-new 2.13 part digests, saslauthd, cbpolicyd)

Every clock is Europe/Paris. The default period (3 days from 2026-10-24) contains the end of
summer time on 2026-10-25, so local time steps back from 03:00 to 02:00 and the repeated hour
has lines in both passes. Lines are written in true chronological order.

Deterministic: the same arguments give byte-identical files (one ``random.Random(seed)``, no
wall clock, gzip with mtime 0 and no file name, file mtimes set to the end of each file's period).
Standard library only. The ground truth (what the attacks were) is ``OUTDIR/ground_truth.json``.
The scenario itself lives in the ``scenario`` package next to this script (see its modules).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from scenario.generator import generate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("outdir")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies the benign volume (1.0 ≈ 30k lines, 7 MB of text; ~171 for 1 GB)")
    p.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 10, 24))
    p.add_argument("--days", type=int, default=3)
    a = p.parse_args(argv)
    if a.days < 1 or a.scale <= 0:
        p.error("--days must be >= 1 and --scale > 0")
    if os.path.exists(a.outdir) and os.listdir(a.outdir):
        p.error(f"{a.outdir} exists and is not empty")
    truth = generate(a.outdir, a.seed, a.scale, a.start, a.days)
    lines = sum(f["lines"] for f in truth["files"])
    print(f"wrote {len(truth['files'])} files, {lines} lines, {len(truth['accounts'])} accounts, "
          f"{truth['messages']['total']} messages to {a.outdir} (ground truth: ground_truth.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
