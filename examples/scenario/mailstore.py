"""Lines the mailstores (mbx01, mbx02) write in log4j format: ``mailbox.log``, ``audit.log`` and
``sync.log``; here also the IMAP/POP logins behind the proxy and the nightly purge.

    >>> mailstore = Mailstore(scene)  # doctest: +SKIP
    >>> mailstore.purge(t, account)  # doctest: +SKIP
    2026-10-24 00:12:41,000 INFO  [MailboxPurge] [name=…;mid=3;] purge - Purging messages.
"""

from __future__ import annotations

from scenario.world import Account, NGINX_VIA, PROXY_IP
from scenario.localtime import ts_log4j
from scenario.scene import Scene


# 2026-10-24 09:00:00,123 INFO  [qtp1394336709-42:https://mail.example.gov/service/soap/SearchRequest] [name=a@example.gov;mid=3;oip=1.2.3.4;port=5555;ua=ZimbraWebClient - FF128 (Win)/10.1.4_GA_4200;soapId=1a2b3c4d;] soap - SearchRequest elapsed=4
LOG4J = "{ts} {level:<5} [{thread}] [{ctx}] {cat} - {msg}"


class Mailstore:
    def __init__(self, scene: Scene):
        self.scene, self.rng = scene, scene.rng

    def log4j(self, store: str, src: str, t: float, level: str, thread: str, ctx: list, cat: str, msg: str) -> None:
        c = "".join(f"{k}={str(v).replace(';', ';;')};" for k, v in ctx)
        self.scene.out.add(store, src, t, LOG4J.format(ts=ts_log4j(t), level=level, thread=thread, ctx=c, cat=cat, msg=msg))

    def mailbox(self, store, t, level, thread, ctx, cat, msg):
        self.log4j(store, "mailbox.log", t, level, thread, ctx, cat, msg)

    def audit(self, store, t, level, thread, ctx, msg):
        self.log4j(store, "audit.log", t, level, thread, ctx, "security", msg)

    def imap_login(self, t: float, acct: Account, ip: str, ua: str = "", ok: bool = True, name: str = "") -> None:
        store = acct.store if acct else "mbx01"
        name = name or acct.name
        thread = f"ImapServer-{self.rng.randint(100, 999)}"
        ctx = ([("name", name)] if ok else []) + [("ip", PROXY_IP), ("oip", ip), ("via", NGINX_VIA)] + ([("ua", ua)] if ua else [])
        if ok:
            self.mailbox(store, t, "INFO", thread, ctx, "imap", f"user {name} authenticated, mechanism=PLAIN [TLS]")
            self.audit(store, t + 0.001, "INFO", thread, ctx, f"cmd=Auth; account={name}; protocol=imap;")
        elif acct is None:
            self.mailbox(store, t, "INFO", thread, ctx, "imap", f"authentication failed for [{name}] (account not found)")
        else:
            self.mailbox(store, t, "INFO", thread, ctx, "imap", f"authentication failed for [{name}] (invalid password)")
            self.audit(store, t + 0.001, "WARN", thread, ctx,
                       f"cmd=Auth; account={name}; protocol=imap; error=authentication failed for [{name}], invalid password;")

    def pop_login(self, t: float, acct: Account, ip: str) -> None:
        thread = f"Pop3Server-{self.rng.randint(10, 99)}"
        self.mailbox(acct.store, t, "INFO", thread, [("ip", PROXY_IP), ("oip", ip)], "pop", f"POP3 client identified as: {ip}")
        ctx = [("name", acct.name), ("ip", PROXY_IP), ("oip", ip)]
        self.mailbox(acct.store, t + 0.05, "INFO", thread, ctx, "pop", f"user {acct.name} authenticated, mechanism=PLAIN [TLS]")
        self.audit(acct.store, t + 0.051, "INFO", thread, ctx, f"cmd=Auth; account={acct.name}; protocol=pop3;")

    def purge(self, t: float, acct: Account) -> None:
        self.mailbox(acct.store, t, "INFO", "MailboxPurge", [("name", acct.name), ("mid", acct.mid)], "purge", "Purging messages.")
