"""What a message is made of: its benign recipients, the MIME parts with their digests as amavis logs
them, and the SpamAssassin hits that decide its verdict.

    >>> scored({"BAYES_00": -1.9, "SPF_PASS": -0.001})
    (-1.901, 'BAYES_00=-1.9,SPF_PASS=-0.001')
    >>> import random
    >>> [p[1] for p in body_parts(random.Random(1))]
    ['multipart/alternative', 'text/plain', 'text/html']
"""

from __future__ import annotations

import random

from scenario.world import Account, FIRST, LAST, PARTNERS
from scenario.scene import random_hex


SPAM_RULES = [("URIBL_BLACK", 1.7), ("RCVD_IN_SBL", 2.5), ("URIBL_ABUSE_SURBL", 1.948), ("RCVD_IN_PBL", 3.335),
              ("BAYES_999", 0.2), ("FREEMAIL_FROM", 0.001), ("HTML_IMAGE_ONLY_16", 1.092), ("TVD_SPACE_RATIO", 0.001),
              ("URIBL_DBL_SPAM", 2.5), ("PYZOR_CHECK", 1.985), ("RAZOR2_CHECK", 1.729), ("DIGEST_MULTIPLE", 0.293)]


def body_parts(rng: random.Random, attachment: tuple | None = None, html: bool = False) -> list:
    """MIME tree: (placement, type, encoding, size, sha1, name)."""
    text = ("1/1", "text/plain", "QP", rng.randint(300, 4000), random_hex(rng, 40), "")
    if html:
        text = ("1/1", "text/html", "QP", rng.randint(2000, 9000), random_hex(rng, 40), "")
    if not attachment:
        return [("1", "multipart/alternative", "", 0, "", ""), text,
                ("1/2", "text/html", "QP", rng.randint(800, 9000), random_hex(rng, 40), "")]
    mime, size, sha1, name = attachment
    return [("1", "multipart/mixed", "", 0, "", ""), text, ("1/2", mime, "base64", size, sha1, name)]


def scored(rules: dict) -> tuple[float, str]:
    """(SpamAssassin score = sum of the hits, ``RULE=score,…`` sorted)."""
    return round(sum(rules.values()), 3), ",".join(f"{k}={v:g}" for k, v in sorted(rules.items()))


def spam_tests(rng: random.Random, extra: dict | None = None) -> tuple[float, str]:
    """A benign message's hits (ham Bayes, DKIM and SPF pass) plus ``extra``."""
    rules = {"BAYES_00": -1.9, "DKIM_SIGNED": 0.1, "DKIM_VALID": -0.1, "DKIM_VALID_AU": -0.1,
             "HTML_MESSAGE": 0.001, "SPF_PASS": -0.001, "RCVD_IN_DNSWL_NONE": -0.0001}
    if rng.random() < 0.3:
        rules["BAYES_00"], rules["BAYES_20"] = None, -0.001
    rules = {k: v for k, v in rules.items() if v is not None}
    rules.update(extra or {})
    return scored(rules)


def benign_recipients(rng: random.Random, accounts: list[Account], acct: Account) -> list[str]:
    """One to three recipients of a benign message: colleagues or partners, never the sender."""
    out = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if rng.random() < 0.5:
            out.append(rng.choice(accounts).name)
        else:
            domain = rng.choice(PARTNERS)[0]
            out.append(f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{domain}")
    return sorted(set(out) - {acct.name}) or [f"contact@{PARTNERS[2][0]}"]
