"""What every part of the generator shares: the log writer, the one random stream, the accounts,
the period, the facts observed for the ground truth, and the identifiers drawn from the stream.

There is one ``random.Random(seed)`` for the whole run and every draw happens in a fixed order:
that order is the output, so a helper must never draw more, less, or earlier than it did.

    >>> import random
    >>> scene = Scene(None, random.Random(1), [], 0.0, 86400.0, 1.0)
    >>> len(scene.hexid()), len(scene.sha1())
    (8, 40)
"""

from __future__ import annotations

import random

from scenario.world import Account, QTP
from scenario.output import Out


def random_hex(rng: random.Random, n: int) -> str:
    """``n`` lowercase hex digits from one ``getrandbits`` draw."""
    return f"{rng.getrandbits(4 * n):0{n}x}"


class Scene:
    def __init__(self, out: Out, rng: random.Random, accounts: list[Account], t0: float, t1: float, activity: float):
        self.out, self.rng, self.accounts, self.t0, self.t1, self.activity = out, rng, accounts, t0, t1, activity
        self.by_name = {a.name: a for a in accounts}
        self.observed: dict = {"phishing_message_ids": [], "spoofing": [], "web_paths": set(), "sprayed": set(),
                               "device_ids": set()}

    def hexid(self, n: int = 8) -> str:
        return random_hex(self.rng, n)

    def sha1(self) -> str:
        return self.hexid(40)

    def zimbra_msgid(self, t: float) -> str:
        return f"{self.rng.randint(10**8, 2 * 10**9)}.{self.rng.randint(1, 9999)}.{int(t * 1000)}.JavaMail.zimbra@example.gov"

    def external_msgid(self, style: str, domain: str) -> str:
        if style == "gmail":
            return f"CA+{self.hexid(24)}@mail.gmail.com"
        if style == "java":
            return self.zimbra_msgid(self.rng.randint(10**9, 2 * 10**9)).replace("@example.gov", f"@{domain}")
        return f"{self.hexid(16).upper()}@{domain}"

    def port(self) -> int:
        return self.rng.randint(20000, 65000)

    def thread(self, store: str, path: str) -> str:
        return f"{QTP[store]}-{self.rng.randint(20, 480)}:{path}"
