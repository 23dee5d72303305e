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
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import heapq
import json
import math
import os
import random
import sys
import time

from scenario.localtime import _local, local_date, local_hour, local_midnight, local_to_utc, ts_clf, ts_log4j, ts_rfc2822, ts_syslog
from scenario.output import Out
from scenario.world import AMAVIS_LOG_LEVEL, ATTACKER_BROWSER, ATTACKER_DEVICE, ATTACKER_IPS, Account, BENIGN_SOAP, CARRIER_IPS, DOMAINS, DROP_DOMAINS, EXPLOITS, EXPLOIT_IP, EXPLOIT_UA, FIRST, HOSTILE_UA, LAST, LOGIN_ONLY_IP, MOBILE_BROWSERS, MTA, MTA_IP, NEWSLETTER, NGINX_VIA, OFFICE_NAT, PARTNERS, PHISH, PROXY_IP, PUBLIC_HOST, QTP, REMOTE_MX, SCANNER_IP, SCANNER_PATHS, SCANNER_UA, SECOND_CAMPAIGN_IP, SPAM_KILL, SPAM_TAG2, SPOOF_IPS, SPRAY_GUESSES, SPRAY_IMAP_IP, SPRAY_SMTP_IP, SPRAY_SOAP_IP, SPRAY_UA, STORES, TZ_NAME, WEBSHELL, ZCS, make_accounts

# ----------------------------------------------------------------------------------------------
# Line formats (one sample each)
# ----------------------------------------------------------------------------------------------

# 2026-10-24 09:00:00,123 INFO  [qtp1394336709-42:https://mail.example.gov/service/soap/SearchRequest] [name=a@example.gov;mid=3;oip=1.2.3.4;port=5555;ua=ZimbraWebClient - FF128 (Win)/10.1.4_GA_4200;soapId=1a2b3c4d;] soap - SearchRequest elapsed=4
LOG4J = "{ts} {level:<5} [{thread}] [{ctx}] {cat} - {msg}"
# 203.0.113.7:51234 - - [24/Oct/2026:09:00:00 +0200]  "POST https://mail.example.gov/service/soap/AuthRequest HTTP/1.1" 200 1234 "https://mail.example.gov/" "Mozilla/5.0 (…)" "10.0.1.11:8080" "10.0.0.10:443"
NGINX = '{ip}:{port} - {user} [{ts}]  "{method} https://{host}{uri} HTTP/1.1" {status} {size} "{ref}" "{ua}" "{upstream}" "{proxy}:443"'
# 203.0.113.7 - - [24/Oct/2026:09:00:00 +0200] "POST /service/soap/AuthRequest HTTP/1.1" 200 1100 "https://mail.example.gov/" "Mozilla/5.0 (…)" 12
ACCESS = '{ip} - - [{ts}] "{method} {uri} HTTP/1.1" {status} {size} "{ref}" "{ua}" {lat}'
# Oct 24 09:00:00 mta01 postfix/smtpd[9392]: 7663A160D70: client=mail.tubui.xyz[103.124.94.220]
SYSLOG = "{ts} mta01 {prog}[{pid}]: {msg}"
# (02526-20) Passed CLEAN {RelayedInbound}, [209.85.128.54]:44683 [209.85.128.54] <a@gmail.com> -> <b@example.gov>, Queue-ID: E511C160D75, Message-ID: <…>, mail_id: wJaUl1M0hUI2, Hits: -1.9, size: 2569, queued_as: 30056160D76, 260 ms
AMAVIS_VERDICT = ("{verdict} {{{actions}}}, {banks}[{ip}]:{port} [{orig}] <{sender}> -> {rcpts}, {quarantine}Queue-ID: {qid}, "
                  "Message-ID: <{msgid}>, mail_id: {mail_id}, Hits: {hits}, size: {size}, {queued}{ms} ms")
# (02526-20) ESMTP :10024 /opt/zimbra/data/amavisd/tmp/amavis-20261024T070001-02526-WK1FJfLF: <a@gmail.com> -> <b@example.gov> SIZE=2569 Received: from mta01.example.gov ([127.0.0.1]) by localhost (mta01.example.gov [127.0.0.1]) (amavisd-new, port 10024) with ESMTP for <b@example.gov>; Sat, 24 Oct 2026 09:25:15 +0200 (CEST)
AMAVIS_ESMTP = ("ESMTP :{port} {tmp}: <{sender}> -> {rcpts} SIZE={size} Received: from mta01.example.gov ([127.0.0.1]) by localhost "
                "(mta01.example.gov [127.0.0.1]) (amavisd-new, port {port}) with ESMTP for <{first}>; {date}")
# (02526-20) 2mwr_Uo4Q4fX FWD from <a@gmail.com> -> <b@example.gov>, BODY=7BIT 250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 9B378160D71
AMAVIS_FWD = "{mail_id} FWD from <{sender}> -> {rcpts}, BODY=7BIT 250 2.0.0 from MTA(smtp:[127.0.0.1]:{port}): 250 2.0.0 Ok: queued as {qid}"
# (02526-20) p003 1/2 Content-Type: application/pdf, base64, size: 84172, SHA1 digest: <40 hex>, name: invoice.pdf   (RECONSTRUCTED, amavisd-new >= 2.11)
AMAVIS_PART = "{part} {place} Content-Type: {mime}, {enc}, size: {size}, SHA1 digest: {sha1}{name}"
# (02526-20) spam_scan: score=-1.9 autolearn=no tests=[BAYES_00=-1.9,SPF_PASS=-0.001] recips=1
AMAVIS_SPAM_SCAN = "spam_scan: score={score} autolearn={autolearn} tests=[{tests}] recips={n}"
# cbpolicyd[3960]: module=Quotas, mode=update, host=10.0.1.11, helo=mbx01.example.gov, from=a@example.gov, to=x@gmail.com, reason=quota_update, policy=1, quota=3, limit=4, track=Sender:a@example.gov, counter=MessageCount, quota=2.00/100 (2.0%)
CBPOLICYD = ("module=Quotas, mode=update, host={host}, helo={helo}, from={sender}, to={rcpt}, reason=quota_update, policy=1, "
             "quota=3, limit=4, track=Sender:{sender}, counter=MessageCount, quota={n}.00/{limit} ({pct:.1f}%)")
SPAM_RULES = [("URIBL_BLACK", 1.7), ("RCVD_IN_SBL", 2.5), ("URIBL_ABUSE_SURBL", 1.948), ("RCVD_IN_PBL", 3.335),
              ("BAYES_999", 0.2), ("FREEMAIL_FROM", 0.001), ("HTML_IMAGE_ONLY_16", 1.092), ("TVD_SPACE_RATIO", 0.001),
              ("URIBL_DBL_SPAM", 2.5), ("PYZOR_CHECK", 1.985), ("RAZOR2_CHECK", 1.729), ("DIGEST_MULTIPLE", 0.293)]
AMAVIS_MAXLEN = 980  # $logline_maxlen: longer amavis lines are split with "..."


# ----------------------------------------------------------------------------------------------
# Generator: one method per log shape / scenario
# ----------------------------------------------------------------------------------------------

class Generator:
    def __init__(self, out: Out, rng: random.Random, accounts: list[Account], t0: float, t1: float, activity: float):
        self.out, self.rng, self.accounts, self.t0, self.t1, self.activity = out, rng, accounts, t0, t1, activity
        self.by_name = {a.name: a for a in accounts}
        self.tasks: list[tuple[float, int, str, tuple]] = []  # heap of (time, seq, method, args)
        self.task_seq = 0
        self.queue_ids: set[str] = set()
        self.children = [[rng.randint(2000, 9000) + 1000 * i, 0, t0] for i in range(6)]  # amavis [pid, seq, start]
        self.sent_today: dict[str, int] = {}
        self.msg_in: set[str] = set()
        self.msg_out: set[str] = set()
        self.gt: dict = {"phishing_message_ids": [], "spoofing": [], "web_paths": set(), "sprayed": set(),
                         "device_ids": set()}

    # -- scheduling -------------------------------------------------------------------------------
    def at(self, t: float, method: str, *args) -> None:
        if self.t0 <= t < self.t1:
            self.task_seq += 1
            heapq.heappush(self.tasks, (t, self.task_seq, method, args))

    def run(self) -> None:
        """Run the tasks in time order; a task may schedule later ones (heap)."""
        while self.tasks:
            t, _, method, args = heapq.heappop(self.tasks)
            self.out.flush(t)
            getattr(self, method)(t, *args)

    def diurnal_times(self, per_day: float, profile) -> list[float]:
        """Times over the period with intensity per_day × profile(local hour) (thinning, in UTC)."""
        rng, span = self.rng, self.t1 - self.t0
        n = int(per_day * span / 86400 / 0.45 + rng.random())
        times = [self.t0 + rng.random() * span for _ in range(n)]
        return sorted(t for t in times if rng.random() < profile(local_hour(t), local_date(t).weekday()) / 2.2)

    # -- small helpers ----------------------------------------------------------------------------
    def hexid(self, n: int = 8) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    def sha1(self) -> str:
        return self.hexid(40)

    def qid(self) -> str:
        while True:
            q = f"{self.rng.randint(0x10000000000, 0xFFFFFFFFFFF):011X}"
            if q not in self.queue_ids:
                self.queue_ids.add(q)
                return q

    def mail_id(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "".join(self.rng.choice(alphabet) for _ in range(12))

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

    # -- log4j files (mailbox.log, audit.log, sync.log) --------------------------------------------
    def log4j(self, store: str, src: str, t: float, level: str, thread: str, ctx: list, cat: str, msg: str) -> None:
        c = "".join(f"{k}={str(v).replace(';', ';;')};" for k, v in ctx)
        self.out.add(store, src, t, LOG4J.format(ts=ts_log4j(t), level=level, thread=thread, ctx=c, cat=cat, msg=msg))

    def mailbox(self, store, t, level, thread, ctx, cat, msg):
        self.log4j(store, "mailbox.log", t, level, thread, ctx, cat, msg)

    def audit(self, store, t, level, thread, ctx, msg):
        self.log4j(store, "audit.log", t, level, thread, ctx, "security", msg)

    # -- web access logs ---------------------------------------------------------------------------
    def http(self, t: float, ip: str, method: str, uri: str, status: int, size: int, ua: str, store: str,
             ref: str = "-", user: str = "-", xff_first: str = "") -> None:
        """One request through the proxy: nginx.access.log on proxy01 and access_log on the mailstore."""
        esc = ua.replace("\\", "\\x5C").replace('"', "\\x22")
        up = f"{STORES[store]}:8080" if store else "-"
        self.out.add("proxy01", "nginx", t, NGINX.format(ip=ip, port=self.port(), user=user, ts=ts_clf(t), method=method,
                     host=PUBLIC_HOST, uri=uri, status=status, size=size, ref=ref, ua=esc, upstream=up, proxy=PROXY_IP))
        if store:  # Jetty logs the first X-Forwarded-For element (preferProxiedForAddress)
            lat = self.rng.randint(1, 40)
            self.out.add(store, "access_log", t + lat / 1000, ACCESS.format(ip=xff_first or ip, ts=ts_clf(t + lat / 1000),
                         method=method, uri=uri, status=status, size=max(size - 250, 0), ref=ref, ua=ua, lat=lat))

    # -- syslog (zimbra.log) -----------------------------------------------------------------------
    def syslog(self, t: float, prog: str, pid: int, msg: str) -> None:
        self.out.add("mta01", "zimbra.log", t, SYSLOG.format(ts=ts_syslog(t), prog=prog, pid=pid, msg=msg))

    def amavis(self, t: float, child: list, msg: str) -> None:
        am_id = f"({child[0]:05d}-{child[1]:02d}) "
        while len(am_id) + len(msg) > AMAVIS_MAXLEN:  # split like amavisd's write_log
            cut = AMAVIS_MAXLEN - len(am_id) - 3
            self.syslog(t, "amavis", child[0], am_id + msg[:cut] + "...")
            msg = "..." + msg[cut:]
        self.syslog(t, "amavis", child[0], am_id + msg)

    def amavis_child(self, t: float) -> list:
        child = self.rng.choice(self.children)
        if child[1] >= 20:  # $max_requests reached: a new child process
            child[0], child[1], child[2] = child[0] + self.rng.randint(50, 900), 0, t
        child[1] += 1
        return child

    # ==============================================================================================
    # Webmail (SOAP through the proxy)
    # ==============================================================================================

    def soap(self, t: float, acct: Account, ip: str, browser: tuple[str, str], request: str, status: int = 200,
             oip: str = "", elapsed: int = 0, proxied: bool = False) -> tuple[list, str]:
        """One SOAP request: nginx + access_log + ``soap - X elapsed=N``; returns (context, thread) of
        the account's mailstore, for the other lines the same request writes."""
        rng = self.rng
        soap_id, port = self.hexid(), self.port()
        store = acct.store
        entry = sorted(STORES)[1 - sorted(STORES).index(store)] if proxied else store
        xff = oip or ip
        self.http(t, ip, "POST", f"/service/soap/{request}", status, rng.randint(600, 9000), browser[0], entry,
                  ref=f"https://{PUBLIC_HOST}/", xff_first=xff.split(",")[0])
        ctx = [("name", acct.name)] + ([("mid", acct.mid)] if request != "AuthRequest" else []) + \
              [("oip", xff), ("port", port), ("ua", browser[1]), ("soapId", soap_id)]
        thread_path = f"https://{PUBLIC_HOST}/service/soap/{request}"
        el = elapsed or rng.randint(1, 60)
        if proxied:
            self.mailbox(entry, t + el / 1000 + 0.004, "INFO", self.thread(entry, thread_path), ctx, "soap",
                         f"{request} proxy={store}.example.gov,elapsed={el + 5}")
        thread = self.thread(store, thread_path)
        self.mailbox(store, t + el / 1000, "INFO", thread, ctx, "soap", f"{request} elapsed={el}")
        return ctx, thread

    def auth_ok(self, t: float, acct: Account, ip: str, browser: tuple[str, str], oip: str = "") -> None:
        ctx, thread = self.soap(t, acct, ip, browser, "AuthRequest", oip=oip)
        self.audit(acct.store, t + 0.002, "INFO", thread, ctx, f"cmd=Auth; account={acct.name}; protocol=soap;")

    def auth_fail(self, t: float, name: str, ip: str, ua: tuple[str, str], reason: str = "invalid password") -> None:
        """Webmail/SOAP login failure. Unknown accounts appear only in mailbox.log (SoapEngine)."""
        acct = self.by_name.get(name)
        store = acct.store if acct else "mbx01"
        self.http(t, ip, "POST", "/service/soap/AuthRequest", 500, self.rng.randint(650, 720), ua[0], store,
                  ref=f"https://{PUBLIC_HOST}/" if "Mozilla" in ua[0] else "-")
        ctx = [("name", name), ("oip", ip), ("port", self.port()), ("ua", ua[1]), ("soapId", self.hexid())]
        thread = self.thread(store, f"https://{PUBLIC_HOST}/service/soap/AuthRequest")
        if acct is None:
            reason = "account not found"
        self.mailbox(store, t + 0.01, "INFO", thread, ctx, "SoapEngine", f"handler exception: authentication failed for [{name}], {reason}")
        if acct:
            self.audit(store, t + 0.009, "WARN", thread, ctx,
                       f"cmd=Auth; account={name}; protocol=soap; error=authentication failed for [{name}], {reason};")

    def webmail_session(self, t: float, acct: Account, ip: str = "", browser=None, n_requests: int = 0) -> None:
        rng = self.rng
        ip, browser = ip or acct.home_ip, browser or acct.browser
        self.http(t, ip, "GET", "/", 200, rng.randint(4000, 6000), browser[0], acct.store)
        t += rng.uniform(3, 15)
        if rng.random() < 0.04:  # typo, then success
            self.auth_fail(t, acct.name, ip, browser)
            t += rng.uniform(4, 12)
        self.auth_ok(t, acct, ip, browser)
        t += rng.uniform(0.3, 1.5)
        self.soap(t, acct, ip, browser, "GetInfoRequest", proxied=rng.random() < 0.08)
        names, weights = zip(*BENIGN_SOAP)
        for _ in range(n_requests or rng.randint(3, 14)):
            t += rng.expovariate(1 / 25)
            req = rng.choices(names, weights)[0]
            if req == "SendMsgRequest":
                ctx, thread = self.soap(t, acct, ip, browser, req, elapsed=rng.randint(200, 900))
                self.send_from_mailbox(t + 0.05, acct, self.benign_recipients(acct), ctx, thread)
            else:
                self.soap(t, acct, ip, browser, req, proxied=rng.random() < 0.03)

    def benign_recipients(self, acct: Account) -> list[str]:
        rng = self.rng
        out = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            if rng.random() < 0.5:
                out.append(rng.choice(self.accounts).name)
            else:
                domain = rng.choice(PARTNERS)[0]
                out.append(f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{domain}")
        return sorted(set(out) - {acct.name}) or [f"contact@{PARTNERS[2][0]}"]

    # ==============================================================================================
    # IMAP / POP through the proxy, ActiveSync
    # ==============================================================================================

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

    def eas_request(self, t: float, acct: Account, ip: str, device: tuple[str, str, str], cmd: str = "Sync") -> None:
        dev_id, dtype, dua = device
        query = f"User={acct.local}&DeviceId={dev_id}&DeviceType={dtype}&Cmd={cmd}"
        uri = f"/Microsoft-Server-ActiveSync?{query}"
        self.http(t, ip, "POST", uri, 200, self.rng.randint(300, 4000), dua, acct.store, user=acct.name)
        thread = self.thread(acct.store, f"https://{PUBLIC_HOST}{uri}")
        ctx = [("name", acct.name), ("mid", acct.mid), ("ip", PROXY_IP), ("oip", ip),
               ("Cmd", cmd), ("DeviceID", dev_id), ("Version", "14.1")]
        policy_key = int(dev_id.encode().hex()[-9:], 16) % 10**9
        el = self.rng.uniform(0.02, 0.4)
        self.log4j(acct.store, "sync.log", t + el, "INFO", thread, ctx, "sync",
                   f"User={acct.local}; DeviceID={dev_id}; DeviceType={dtype}; UA={dua}; Protocol=14.1; PolicyKey={policy_key}")
        self.log4j(acct.store, "sync.log", t + el + 0.003, "INFO", thread, ctx, "sync", "HTTP/1.1 200 OK")
        self.gt["device_ids"].add(dev_id)

    def eas_day(self, t: float, acct: Account) -> None:
        """Poll chain of one device: reschedules itself every 20–70 minutes."""
        cmd = "Ping" if self.rng.random() < 0.5 else "Sync"
        self.eas_request(t, acct, acct.carrier_ip if self.rng.random() < 0.8 else acct.home_ip, acct.device, cmd)
        gap = self.rng.uniform(20, 70) * 60 / max(self.activity, 0.2)
        self.at(t + gap, "eas_day", acct)

    # ==============================================================================================
    # MTA flows (zimbra.log) and mailbox delivery
    # ==============================================================================================

    def cleanup(self, t: float, q: str, msgid: str) -> None:
        self.syslog(t, "postfix/cleanup", 4410, f"{q}: message-id=<{msgid}>")

    def qmgr_from(self, t: float, q: str, sender: str, size: int, n: int) -> None:
        self.syslog(t, "postfix/qmgr", 2210, f"{q}: from=<{sender}>, size={size}, nrcpt={n} (queue active)")

    def reinject(self, t: float, prog: str, sender: str, msgid: str, size: int, n: int) -> str:
        """amavis → postfix/amavisd/smtpd (10025) or postfix/dkimmilter/smtpd (10030): a new queue id."""
        pid, q = self.rng.randint(3000, 9000), self.qid()
        self.syslog(t, prog, pid, "connect from localhost[127.0.0.1]")
        self.syslog(t, prog, pid, f"{q}: client=localhost[127.0.0.1]")
        self.cleanup(t, q, msgid)
        self.syslog(t, prog, pid, f"disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt={n} data=1 quit=1 commands={4 + n}")
        self.qmgr_from(t + 0.01, q, sender, size, n)
        return q

    def relay_sent(self, t: float, q: str, rcpts: list[str], port: int, via: int, q2: str) -> None:
        delay = self.rng.uniform(0.2, 2.5)
        for r in rcpts:
            self.syslog(t, "postfix/smtp", 5120, f"{q}: to=<{r}>, relay=127.0.0.1[127.0.0.1]:{port}, delay={delay:.2g}, "
                        f"delays=0.01/0/0.01/{delay - 0.02:.2g}, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:{via}): "
                        f"250 2.0.0 Ok: queued as {q2})")
        self.syslog(t, "postfix/qmgr", 2210, f"{q}: removed")

    def amavis_scan(self, t: float, child: list, port: int, bank: str, ip: str, sender: str, rcpts: list[str], size: int,
                    msgid: str, parts: list, spam: tuple | None) -> str:
        """ESMTP, Checking, level-3 part lines and spam_scan; returns the mail_id."""
        mid = self.mail_id()
        started = time.strftime("%Y%m%dT%H%M%S", _local(int(child[2]))[0])
        tmp = f"/opt/zimbra/data/amavisd/tmp/amavis-{started}-{child[0]:05d}-{self.mail_id()[:8]}"
        rc = ",".join(f"<{r}>" for r in rcpts)
        self.amavis(t, child, AMAVIS_ESMTP.format(port=port, tmp=tmp, sender=sender, rcpts=rc, size=size, first=rcpts[0],
                                                  date=ts_rfc2822(t)))
        self.amavis(t, child, f"Checking: {mid} {bank}[{ip}] <{sender}> -> {rc}")
        for i, (place, mime, enc, psize, sha1, name) in enumerate(parts, 1):
            if mime.startswith("multipart/"):
                self.amavis(t, child, f"p{i:03d} {place} Content-Type: {mime}")
            else:
                self.amavis(t, child, AMAVIS_PART.format(part=f"p{i:03d}", place=place, mime=mime, enc=enc, size=psize,
                                                         sha1=sha1, name=f", name: {name}" if name else ""))
        if spam:
            score, tests = spam
            autolearn = "ham" if score < 0.1 else "no" if score < 12 else "spam"
            self.amavis(t + 0.3, child, AMAVIS_SPAM_SCAN.format(score=score, autolearn=autolearn,
                                                              tests=tests, n=len(rcpts)))
        return mid

    def body_parts(self, attachment: tuple | None = None, html: bool = False) -> list:
        """MIME tree: (placement, type, encoding, size, sha1, name)."""
        rng = self.rng
        text = ("1/1", "text/plain", "QP", rng.randint(300, 4000), self.sha1(), "")
        if html:
            text = ("1/1", "text/html", "QP", rng.randint(2000, 9000), self.sha1(), "")
        if not attachment:
            return [("1", "multipart/alternative", "", 0, "", ""), text,
                    ("1/2", "text/html", "QP", rng.randint(800, 9000), self.sha1(), "")]
        mime, size, sha1, name = attachment
        return [("1", "multipart/mixed", "", 0, "", ""), text, ("1/2", mime, "base64", size, sha1, name)]

    @staticmethod
    def scored(rules: dict) -> tuple[float, str]:
        """(SpamAssassin score = sum of the hits, ``RULE=score,…`` sorted)."""
        return round(sum(rules.values()), 3), ",".join(f"{k}={v:g}" for k, v in sorted(rules.items()))

    def spam_tests(self, extra: dict | None = None) -> tuple[float, str]:
        """A benign message's hits (ham Bayes, DKIM and SPF pass) plus ``extra``."""
        rng = self.rng
        rules = {"BAYES_00": -1.9, "DKIM_SIGNED": 0.1, "DKIM_VALID": -0.1, "DKIM_VALID_AU": -0.1,
                 "HTML_MESSAGE": 0.001, "SPF_PASS": -0.001, "RCVD_IN_DNSWL_NONE": -0.0001}
        if rng.random() < 0.3:
            rules["BAYES_00"], rules["BAYES_20"] = None, -0.001
        rules = {k: v for k, v in rules.items() if v is not None}
        rules.update(extra or {})
        return self.scored(rules)

    def deliver(self, t: float, rcpt: str, sender: str, msgid: str, size: int, folder: tuple[int, str] = (2, "Inbox")) -> None:
        """postfix/lmtp → mailstore: ``lmtp - Delivering message`` and ``mailop - Adding Message``."""
        acct = self.by_name[rcpt]
        d = self.rng.uniform(0.05, 0.6)
        self.syslog(t + d, "postfix/lmtp", 6230, f"{self.pending_q}: to=<{rcpt}>, relay={acct.store}.example.gov[{STORES[acct.store]}]:7025, "
                    f"delay={d + 0.1:.2g}, delays=0.01/0/0.02/{d:.2g}, dsn=2.1.5, status=sent (250 2.1.5 Delivery OK)")
        thread = f"LmtpServer-{self.rng.randint(1, 400)}"
        ctx = [("name", rcpt), ("mid", acct.mid), ("msgid", f"<{msgid}>")]
        self.mailbox(acct.store, t + d - 0.02, "INFO", thread, ctx, "lmtp",
                     f"Delivering message: size={size} bytes, nrcpts=1, sender={sender}, msgid=<{msgid}>")
        acct.items += self.rng.randint(1, 3)
        self.mailbox(acct.store, t + d - 0.01, "INFO", thread, ctx, "mailop",
                     f"Adding Message: id={acct.items}, sender={sender}, Message-ID=<{msgid}>, parentId=-1, "
                     f"folderId={folder[0]}, folderName={folder[1]} acct={acct.uuid}.")

    def inbound(self, t: float, sender: str, host: str, ip: str, rcpts: list[str], msgid: str, size: int,
                parts: list, spam: tuple[float, str], dkim: str = "") -> bool:
        """External MTA → smtpd → amavis 10024 → 10025 → lmtp. Returns True when delivered."""
        rng = self.rng
        self.msg_in.add(msgid)
        cport, spid = self.port(), rng.randint(10000, 30000)
        self.syslog(t, "postfix/postscreen", 1890, f"CONNECT from [{ip}]:{cport} to [{MTA_IP}]:25")
        self.syslog(t, "postfix/postscreen", 1890, f"PASS OLD [{ip}]:{cport}")
        t += rng.uniform(0.05, 0.5)
        peer = f"{host}[{ip}]"
        self.syslog(t, "postfix/smtpd", spid, f"connect from {peer}")
        self.syslog(t, "postfix/smtpd", spid, f"NOQUEUE: filter: RCPT from {peer}: <{sender}>: Sender address triggers FILTER "
                    f"smtp-amavis:[127.0.0.1]:10024; from=<{sender}> to=<{rcpts[0]}> proto=ESMTP helo=<{host}>")
        q1 = self.qid()
        self.syslog(t + 0.1, "postfix/smtpd", spid, f"{q1}: client={peer}")
        self.cleanup(t + 0.15, q1, msgid)
        self.qmgr_from(t + 0.2, q1, sender, size, len(rcpts))
        self.syslog(t + 0.25, "postfix/smtpd", spid,
                    f"disconnect from {peer} ehlo=1 mail=1 rcpt={len(rcpts)} data=1 quit=1 commands={4 + len(rcpts)}")
        t += 0.3
        child = self.amavis_child(t)
        mid = self.amavis_scan(t, child, 10024, "", ip, sender, rcpts, size, msgid, parts, spam)
        score = spam[0]
        ms = rng.randint(150, 2500)
        t += ms / 1000
        rc = ",".join(f"<{r}>" for r in rcpts)
        common = dict(banks="", ip=ip, port=cport, orig=ip, sender=sender, rcpts=rc, qid=q1, msgid=msgid, mail_id=mid,
                      hits=f"{score:g}", size=size, ms=ms)
        if score >= SPAM_KILL:
            self.amavis(t, child, AMAVIS_VERDICT.format(verdict="Blocked SPAM", actions="DiscardedInbound,Quarantined",
                                                        quarantine=f"quarantine: spam-{mid}.gz, ", queued="", **common))
            for r in rcpts:
                self.syslog(t + 0.01, "postfix/smtp", 5120, f"{q1}: to=<{r}>, relay=127.0.0.1[127.0.0.1]:10024, delay={ms / 1000 + 0.3:.2g}, "
                            f"delays=0.01/0/0.01/{ms / 1000:.2g}, dsn=2.7.0, status=sent (250 2.7.0 Ok, discarded, id={child[0]:05d}-{child[1]:02d} - spam)")
            self.syslog(t + 0.01, "postfix/qmgr", 2210, f"{q1}: removed")
            return False
        q2 = self.reinject(t - 0.05, "postfix/amavisd/smtpd", sender, msgid, size + 650, len(rcpts))
        self.amavis(t, child, AMAVIS_FWD.format(mail_id=mid, sender=sender, rcpts=rc, port=10025, qid=q2))
        ccat = "CLEAN" if score < SPAM_TAG2 else "SPAMMY"
        self.amavis(t, child, AMAVIS_VERDICT.format(verdict=f"Passed {ccat}", actions="RelayedInbound", quarantine="",
                                                    queued=f"queued_as: {q2}, " + (f"dkim_sd={dkim}, " if dkim else ""), **common))
        self.relay_sent(t + 0.01, q1, rcpts, 10024, 10025, q2)
        self.pending_q = q2
        folder = (2, "Inbox") if ccat == "CLEAN" else (4, "Junk")
        for r in rcpts:
            self.deliver(t + 0.02, r, sender, msgid, size + 650, folder)
        self.syslog(t + 0.7, "postfix/qmgr", 2210, f"{q2}: removed")
        return True

    def outbound(self, t: float, sender: str, rcpts: list[str], msgid: str, size: int, parts: list,
                 client: tuple[str, str], sasl: str = "", prog: str = "postfix/smtpd") -> None:
        """Mailstore or SASL client → smtpd → amavis 10026 → 10030 dkimmilter → amavis 10032 → 10025 → smtp/lmtp."""
        rng = self.rng
        self.msg_out.add(msgid)
        host, ip = client
        spid, peer = rng.randint(10000, 30000), f"{host}[{ip}]"
        self.syslog(t, prog, spid, f"connect from {peer}")
        self.cbpolicyd(t + 0.01, ip, host.split("[")[0], sender, rcpts[0])
        q1 = self.qid()
        self.syslog(t + 0.02, prog, spid, f"{q1}: client={peer}" + (f", sasl_method=LOGIN, sasl_username={sasl}" if sasl else ""))
        self.cleanup(t + 0.05, q1, msgid)
        self.qmgr_from(t + 0.07, q1, sender, size, len(rcpts))
        self.syslog(t + 0.08, prog, spid, f"disconnect from {peer} ehlo=1 {'auth=1 ' if sasl else ''}mail=1 rcpt={len(rcpts)} "
                    f"data=1 quit=1 commands={4 + len(rcpts) + (1 if sasl else 0)}")
        rc = ",".join(f"<{r}>" for r in rcpts)
        # pass 1: ORIGINATING (10026) → dkimmilter (10030)
        t += 0.1
        child = self.amavis_child(t)
        mid1 = self.amavis_scan(t, child, 10026, "ORIGINATING/MYNETS ", ip, sender, rcpts, size, msgid, parts, None)
        ms = rng.randint(100, 600)
        t += ms / 1000
        q2 = self.reinject(t - 0.05, "postfix/dkimmilter/smtpd", sender, msgid, size + 500, len(rcpts))
        self.amavis(t, child, AMAVIS_FWD.format(mail_id=mid1, sender=sender, rcpts=rc, port=10030, qid=q2))
        self.amavis(t, child, AMAVIS_VERDICT.format(verdict="Passed CLEAN", actions="RelayedOutbound", banks="ORIGINATING/MYNETS LOCAL ",
                    ip=ip, port=rng.randint(30000, 60000), orig=ip, sender=sender, rcpts=rc, quarantine="", qid=q1, msgid=msgid,
                    mail_id=mid1, hits="-", size=size, queued=f"queued_as: {q2}, ", ms=ms))
        self.relay_sent(t + 0.01, q1, rcpts, 10026, 10030, q2)
        # pass 2: ORIGINATING_POST (10032) → 10025
        t += 0.05
        child = self.amavis_child(t)
        spam = self.spam_tests({"ALL_TRUSTED": -1.0})
        mid2 = self.amavis_scan(t, child, 10032, "ORIGINATING_POST/MYNETS ", "127.0.0.1", sender, rcpts, size + 500, msgid, [], spam)
        ms = rng.randint(300, 3000)
        t += ms / 1000
        q3 = self.reinject(t - 0.05, "postfix/amavisd/smtpd", sender, msgid, size + 1100, len(rcpts))
        self.amavis(t, child, AMAVIS_FWD.format(mail_id=mid2, sender=sender, rcpts=rc, port=10025, qid=q3))
        self.amavis(t, child, AMAVIS_VERDICT.format(verdict="Passed CLEAN", actions="RelayedOutbound", banks="ORIGINATING_POST/MYNETS LOCAL ",
                    ip="127.0.0.1", port=rng.randint(30000, 60000), orig=ip, sender=sender, rcpts=rc, quarantine="", qid=q2,
                    msgid=msgid, mail_id=mid2, hits=f"{spam[0]:g}", size=size + 500,
                    queued=f"queued_as: {q3}, dkim_new=zimbra2026:{sender.split('@')[1]}, ", ms=ms))
        self.relay_sent(t + 0.01, q2, rcpts, 10032, 10025, q3)
        # final hop
        self.pending_q = q3
        t += 0.05
        for r in rcpts:
            domain = r.split("@")[1]
            if r in self.by_name:
                self.deliver(t, r, sender, msgid, size + 1100)
                continue
            mx, mxip = REMOTE_MX.get(domain, (f"mx.{domain}", "192.0.2.250"))
            d = rng.uniform(0.3, 3)
            self.syslog(t + d, "postfix/smtp", rng.randint(10000, 30000), f"{q3}: to=<{r}>, relay={mx}[{mxip}]:25, delay={d + 0.1:.2g}, "
                        f"delays=0.05/0.01/{d / 2:.2g}/{d / 2:.2g}, dsn=2.0.0, status=sent ({self.remote_reply(domain)})")
        self.syslog(t + 3.1, "postfix/qmgr", 2210, f"{q3}: removed")

    def remote_reply(self, domain: str) -> str:
        if domain == "gmail.com":
            return f"250 2.0.0 OK  {self.rng.randint(10**9, 2 * 10**9)} {self.hexid(12)}.{self.rng.randint(1, 999)} - gsmtp"
        return f"250 2.0.0 Ok: queued as {self.hexid(10).upper()}"

    def cbpolicyd(self, t: float, ip: str, helo: str, sender: str, rcpt: str) -> None:
        key = f"{local_date(t)}:{sender}"
        n = self.sent_today[key] = self.sent_today.get(key, 0) + 1
        self.syslog(t, "cbpolicyd", 3960, CBPOLICYD.format(host=ip, helo=helo, sender=sender, rcpt=rcpt, n=n, limit=500, pct=n / 5))

    def send_from_mailbox(self, t: float, acct: Account, rcpts: list[str], ctx: list, thread: str, attachment=None) -> str:
        """Inside a SendMsgRequest: ``smtp - Sending message to MTA`` + Sent copy, then the MTA chain."""
        msgid = self.zimbra_msgid(t)
        size = self.rng.randint(1500, 40000) + (attachment[1] if attachment else 0)
        self.mailbox(acct.store, t, "INFO", thread, ctx, "smtp", f"Sending message to MTA at mta01.example.gov: Message-ID=<{msgid}>, "
                     f"size={size}, sender={acct.name}, nrcpts={len(rcpts)}, " + ", ".join(f"to={r}" for r in rcpts))
        acct.items += 1
        self.mailbox(acct.store, t + 0.03, "INFO", thread, ctx, "mailop", f"Adding Message: id={acct.items}, sender={acct.name}, "
                     f"Message-ID=<{msgid}>, parentId=-1, folderId=5, folderName=Sent acct={acct.uuid}.")
        self.outbound(t + 0.05, acct.name, rcpts, msgid, size, self.body_parts(attachment),
                      (f"{acct.store}.example.gov", STORES[acct.store]))
        return msgid

    # ==============================================================================================
    # Benign background
    # ==============================================================================================

    def benign_inbound(self, t: float) -> None:
        rng = self.rng
        domain, host, ip, style = rng.choice(PARTNERS)
        sender = f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{domain}"
        rcpts = sorted({rng.choice(self.accounts).name for _ in range(rng.choice([1, 1, 1, 1, 2, 3]))})
        att = None
        if rng.random() < 0.2:
            att = rng.choice([("application/pdf", rng.randint(30000, 900000), self.sha1(), f"document_{rng.randint(1, 999)}.pdf"),
                              ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", rng.randint(20000, 300000),
                               self.sha1(), f"compte-rendu_{rng.randint(1, 99)}.docx"),
                              ("image/jpeg", rng.randint(40000, 2000000), self.sha1(), f"IMG_{rng.randint(1000, 9999)}.jpg")])
        size = rng.randint(2000, 30000) + (att[1] * 4 // 3 if att else 0)
        dkim = f"20230601:{domain}" if domain in ("gmail.com", "outlook.fr") else ""
        self.inbound(t, sender, host, ip, rcpts, self.external_msgid(style, domain), size, self.body_parts(att), self.spam_tests(), dkim)

    def spam_inbound(self, t: float) -> None:
        rng = self.rng
        ip = f"{rng.choice(['45.', '185.', '91.', '194.'])}{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
        domain = f"{rng.choice(['promo', 'deals', 'info', 'news'])}{rng.randint(10, 999)}.example.biz"
        rules = {"BAYES_99": 3.5, "HTML_MESSAGE": 0.001, "SPF_SOFTFAIL": 0.665, "RDNS_NONE": 0.793}
        for rule, score in rng.sample(SPAM_RULES, rng.randint(1, len(SPAM_RULES))):
            rules[rule] = score
        self.inbound(t, f"offers@{domain}", "unknown", ip, [rng.choice(self.accounts).name], self.external_msgid("hex", domain),
                     rng.randint(4000, 20000), self.body_parts(html=True), self.scored(rules))

    def imap_session(self, t: float, acct: Account) -> None:
        ip = acct.carrier_ip if acct.device and self.rng.random() < 0.3 else acct.home_ip
        if acct.name.endswith(DOMAINS[1]) and self.rng.random() < 0.3:
            self.pop_login(t, acct, ip)
        else:
            self.imap_login(t, acct, ip, acct.imap_ua)
        if self.rng.random() < 0.15:  # the client also submits mail with SMTP AUTH
            self.smtp_auth_send(t + self.rng.uniform(30, 600), acct, ip)

    def smtp_auth_send(self, t: float, acct: Account, ip: str, rcpts: list[str] | None = None) -> str:
        """Submission with SASL: saslauthd → mailbox admin SOAP (oproto=smtp) → audit protocol=soap, then the chain."""
        self.sasl_check(t, acct.name, ip, ok=True)
        msgid = f"{self.hexid(8)}-{self.hexid(4)}-{self.hexid(4)}@{acct.domain}"
        self.outbound(t + 0.2, acct.name, rcpts or self.benign_recipients(acct), msgid, self.rng.randint(2000, 60000),
                      self.body_parts(), (f"unknown", ip), sasl=acct.name, prog="postfix/submission/smtpd")
        return msgid

    def sasl_check(self, t: float, name: str, ip: str, ok: bool) -> None:
        acct = self.by_name.get(name)
        store = acct.store if acct else "mbx01"
        thread = self.thread(store, "smtp://mta01.example.gov:7073/service/admin/soap/")
        ctx = ([("name", name)] if ok else []) + [("oip", ip), ("oport", self.port()), ("oproto", "smtp"), ("soapId", self.hexid())]
        if ok:
            self.mailbox(store, t + 0.01, "INFO", thread, ctx, "soap", f"AuthRequest elapsed={self.rng.randint(2, 30)}")
            self.audit(store, t + 0.009, "INFO", thread, ctx, f"cmd=Auth; account={name}; protocol=soap;")
            return
        reason = "invalid password" if acct else "account not found"
        self.mailbox(store, t + 0.01, "INFO", thread, ctx, "SoapEngine", f"handler exception: authentication failed for [{name}], {reason}")
        if acct:
            self.audit(store, t + 0.009, "WARN", thread, [("name", name)] + ctx,
                       f"cmd=Auth; account={name}; protocol=soap; error=authentication failed for [{name}], {reason};")
        self.syslog(t + 0.02, "saslauthd", 1377, f"auth_zimbra: {name} auth failed: authentication failed for [{name}]")

    def purge(self, t: float, acct: Account) -> None:
        self.mailbox(acct.store, t, "INFO", "MailboxPurge", [("name", acct.name), ("mid", acct.mid)], "purge", "Purging messages.")

    def newsletter(self, t: float, sha1: str) -> None:
        """Long-standing sender, SPF pass, PDF to everyone, in batches of 8 recipients."""
        names = sorted(a.name for a in self.accounts)
        for i in range(0, len(names), 8):
            msgid = f"nl-{self.hexid(12)}@veille.example.org"
            att = ("application/pdf", NEWSLETTER["size"], sha1, NEWSLETTER["filename"])
            self.inbound(t + i * 1.5, NEWSLETTER["sender"], NEWSLETTER["host"], NEWSLETTER["ip"], names[i:i + 8], msgid,
                         NEWSLETTER["size"] * 4 // 3 + 9000, self.body_parts(att, html=True), self.spam_tests({"MIME_HTML_MOSTLY": 0.1}),
                         "veille2024:veille.example.org")

    # ==============================================================================================
    # Attacks
    # ==============================================================================================

    def spray_soap(self, t: float, targets: list[str], success: list[str]) -> None:
        for name in targets:
            self.auth_fail(t, name, SPRAY_SOAP_IP, (SPRAY_UA, SPRAY_UA))
            self.gt["sprayed"].add(name)
            t += self.rng.uniform(20, 90)
        for name in success:
            self.auth_ok(t, self.by_name[name], SPRAY_SOAP_IP, (SPRAY_UA, SPRAY_UA))
            t += self.rng.uniform(30, 90)

    def spray_imap(self, t: float, ip: str, targets: list[str], success: list[str]) -> None:
        for name in targets:
            self.imap_login(t, self.by_name.get(name), ip, ok=False, name=name)
            if ip != SECOND_CAMPAIGN_IP:
                self.gt["sprayed"].add(name)
            t += self.rng.uniform(30, 120)
        for name in success:
            self.imap_login(t, self.by_name[name], ip)
            t += 60

    def spray_smtp(self, t: float, targets: list[str]) -> None:
        rng = self.rng
        for name in targets:
            pid, peer = rng.randint(10000, 30000), f"unknown[{SPRAY_SMTP_IP}]"
            self.syslog(t, "postfix/smtpd", pid, f"connect from {peer}")
            self.sasl_check(t + 0.5, name, SPRAY_SMTP_IP, ok=False)
            self.syslog(t + 0.6, "postfix/smtpd", pid, f"warning: {peer}: SASL LOGIN authentication failed: authentication failure")
            self.syslog(t + 0.7, "postfix/smtpd", pid, f"disconnect from {peer} ehlo=1 auth=0/1 quit=1 commands=2/3")
            self.gt["sprayed"].add(name)
            t += rng.uniform(40, 150)

    def attacker_session(self, t: float, acct: Account, ip: str, drops: list[str], bursts: int, forged_xff: bool = False) -> None:
        """Login from attacker infrastructure, then forwarding rule, filter rules and a spam burst."""
        rng, browser = self.rng, ATTACKER_BROWSER
        self.http(t, ip, "GET", "/", 200, 5123, browser[0], acct.store)
        self.auth_ok(t + 4, acct, ip, browser, oip=f"{OFFICE_NAT}, {ip}" if forged_xff else "")  # client-set XFF
        t += 5
        for req in ("GetInfoRequest", "SearchRequest", "GetMsgRequest", "ModifyPrefsRequest", "ModifyFilterRulesRequest"):
            t += rng.uniform(2, 20)
            ctx, thread = self.soap(t, acct, ip, browser, req, elapsed=rng.randint(8, 60))
            if req == "ModifyPrefsRequest":  # ZCS 10.1+ names the changed preferences
                self.mailbox(acct.store, t + 0.005, "INFO", thread, ctx, "account",
                             "Setting Preference attributes: [zimbraPrefMailForwardingAddress, zimbraPrefMailLocalDeliveryDisabled]")
        for _ in range(bursts):
            t += rng.uniform(20, 60)
            ctx, thread = self.soap(t, acct, ip, browser, "SendMsgRequest", elapsed=rng.randint(300, 1500))
            rcpts = sorted({f"{rng.choice(FIRST)}{rng.randint(1, 999)}@{rng.choice(['gmail.com', 'outlook.fr'] + drops)}"
                            for _ in range(rng.randint(25, 40))})
            self.send_from_mailbox(t + 0.05, acct, rcpts, ctx, thread)

    def phishing(self, t: float, rcpts: list[str], sha1: str) -> None:
        """New-domain sender, HTML attachment; some copies hit the PHISH rules (SPAMMY)."""
        rng = self.rng
        for i in range(0, len(rcpts), 5):
            msgid = f"{self.hexid(20)}@portail-factures.example.com"
            self.gt["phishing_message_ids"].append(msgid)
            rules = {"HTML_MESSAGE": 0.001, "MIME_HTML_ONLY": 0.1, "SPF_NONE": 0.001, "MIME_SUSPECT_NAME": 0.1, "RDNS_NONE": 0.793,
                     rng.choice(["BAYES_50", "BAYES_40"]): rng.choice([0.8, -0.001])}
            if i % 10 == 0:  # some copies trip the phishing rules (Passed SPAMMY → Junk)
                rules.update({"URI_PHISH": 4.0, "PHISHING_FREEMAIL": 1.0, "FREEMAIL_FORGED_REPLYTO": 2.095})
            att = ("text/html", PHISH["size"], sha1, PHISH["filename"])
            self.inbound(t, PHISH["sender"], PHISH["host"], PHISH["ip"], rcpts[i:i + 5], msgid, PHISH["size"] + 6200,
                         self.body_parts(att), self.scored(rules))
            t += rng.uniform(5, 40)

    def spoof(self, t: float, sender: str, rcpt: str, ip: str, blocked: bool) -> None:
        """Own-domain envelope sender from outside without SASL: SPF_FAIL/SOFTFAIL."""
        rng = self.rng
        spf = "SPF_FAIL" if rng.random() < 0.7 else "SPF_SOFTFAIL"
        rules = {spf: 0.919 if spf == "SPF_FAIL" else 0.665, "HTML_MESSAGE": 0.001, "RDNS_NONE": 0.793,
                 "FROM_EXCESS_BASE64": 0.979, rng.choice(["BAYES_50", "BAYES_60"]): rng.choice([0.8, 1.5])}
        if blocked:  # score above the kill level (15): Blocked SPAM, discarded
            rules.update({"BAYES_99": 3.5, "BAYES_999": 0.2, "URIBL_DBL_PHISH": 2.5, "DMARC_REJECT": 5.0, "RCVD_IN_SBL_CSS": 3.335})
        msgid = f"{self.hexid(16)}@example.gov"
        delivered = self.inbound(t, sender, "unknown", ip, [rcpt], msgid, rng.randint(3000, 9000), self.body_parts(html=True),
                                 self.scored(rules))
        self.gt["spoofing"].append({"message_id": msgid, "sender": sender, "recipient": rcpt, "delivered": delivered})

    def lockout(self, t: float, acct: Account) -> None:
        """A benign user mistypes the password 10 times from the office and is locked out for an hour."""
        for _ in range(10):
            self.auth_fail(t, acct.name, OFFICE_NAT, acct.browser)
            t += self.rng.uniform(5, 20)
        thread = self.thread(acct.store, f"https://{PUBLIC_HOST}/service/soap/AuthRequest")
        ctx = [("name", acct.name), ("oip", OFFICE_NAT), ("port", self.port()), ("ua", acct.browser[1]), ("soapId", self.hexid())]
        self.audit(acct.store, t - 0.5, "INFO", thread, ctx,
                   f"cmd=Auth; account={acct.name}; error=account lockout due to too many failed logins;")
        for _ in range(2):
            t += self.rng.uniform(10, 30)
            self.auth_fail(t, acct.name, OFFICE_NAT, acct.browser, reason="account lockout")
        self.at(t + 3700, "webmail_session", acct, OFFICE_NAT, acct.browser, 3)

    def scanner(self, t: float) -> None:
        for path in SCANNER_PATHS:
            self.http(t, SCANNER_IP, "GET", path, 404, self.rng.randint(400, 1200), SCANNER_UA, "mbx01")
            self.gt["web_paths"].add(path.split("?")[0])
            t += self.rng.uniform(0.2, 3)
        self.http(t + 1, SCANNER_IP, "GET", "/zimbra/", 200, 5321, HOSTILE_UA, "mbx01")

    def exploit(self, t: float) -> None:
        for method, uri, status, size in EXPLOITS:
            self.http(t, EXPLOIT_IP, method, uri, status, size, EXPLOIT_UA, "mbx02" if "backup" in uri else "mbx01")
            self.gt["web_paths"].add(uri.split("?")[0])
            t += self.rng.uniform(3, 40)

    def webshell(self, t: float) -> None:
        for cmd in ("whoami", "id", "uname%20-a", "cat%20/opt/zimbra/conf/localconfig.xml"):
            self.http(t, EXPLOIT_IP, "GET", f"{WEBSHELL}?cmd={cmd}", 200, self.rng.randint(180, 3000), EXPLOIT_UA, "mbx01")
            t += self.rng.uniform(10, 60)
        self.gt["web_paths"].add(WEBSHELL)


# ----------------------------------------------------------------------------------------------
# Scenario plan
# ----------------------------------------------------------------------------------------------

def office_profile(hour: float, weekday: int) -> float:
    work = 2.0 if 8 <= hour < 12.5 or 13.5 <= hour < 18.5 else 0.8 if 7 <= hour < 21 else 0.08
    return work * (0.35 if weekday >= 5 else 1.0)


def mail_profile(hour: float, weekday: int) -> float:
    return (1.6 if 7 <= hour < 19 else 0.5) * (0.6 if weekday >= 5 else 1.0)


def plan(g: Generator, start: dt.date, days: int, rng: random.Random) -> dict:
    """Schedule benign traffic and the attacks; return the scenario facts for the ground truth."""
    accounts, act = g.accounts, g.activity

    def at_local(day: int, hour: float) -> float:
        d = start + dt.timedelta(days=min(day, days - 1))
        return local_to_utc(dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp() + hour * 3600)

    # benign
    for t in g.diurnal_times(2.0 * len(accounts) * act, office_profile):
        g.at(t, "webmail_session", rng.choice(accounts))
    for t in g.diurnal_times(110 * act * len(accounts) / 60, mail_profile):
        g.at(t, "benign_inbound")
    for t in g.diurnal_times(25 * act * len(accounts) / 60, lambda h, w: 1.0):
        g.at(t, "spam_inbound")
    mobile_users = [a for a in accounts if a.carrier_ip]
    for t in g.diurnal_times(0.8 * len(mobile_users) * act, office_profile):  # carrier IPs: many accounts each
        a = rng.choice(mobile_users)
        g.at(t, "webmail_session", a, a.carrier_ip, MOBILE_BROWSERS[len(a.name) % 2])
    imap_users = [a for a in accounts if a.imap_ua]
    for t in g.diurnal_times(4 * len(imap_users) * act, office_profile):
        g.at(t, "imap_session", rng.choice(imap_users))
    for a in accounts:
        if a.device:
            g.at(g.t0 + rng.uniform(0, 3600), "eas_day", a)
    for d in range(days):  # nightly purge, spread over 00:00–04:00 local (through the repeated hour)
        for a in accounts:
            g.at(at_local(d, 0) + rng.uniform(0, 4 * 3600 + 3600), "purge", a)

    # the repeated hour: make sure both passes carry mail and mailbox lines
    for day in range(days):
        midnight = at_local(day, 0)
        if at_local(day, 4) - midnight != 4 * 3600 + 3600:
            continue
        for k in range(6):  # 3 messages in each UTC hour 00:00–02:00 of that day
            g.at(midnight + 7200 + k * 1200 + rng.uniform(0, 600), "benign_inbound")

    # the cast
    pool = sorted(accounts, key=lambda a: a.name)
    rng.shuffle(pool)
    nat_users = [a for a in pool if a.home_ip == OFFICE_NAT]
    compromised = [nat_users[0]] + [a for a in pool if a is not nat_users[0]][:3]
    phish_rcpts = sorted({a.name for a in pool[2:22]} | {compromised[2].name, compromised[3].name})
    others = [a for a in pool if a not in compromised]
    lockout_acct = [a for a in others if a.home_ip == OFFICE_NAT][1]
    ua_trap = [a for a in others if a is not lockout_acct][-3:-1]
    for a in ua_trap:
        a.browser = ATTACKER_BROWSER
    eas_victim = compromised[0]
    spray_targets = sorted({a.name for a in pool[:40]} | {c.name for c in compromised[:2]})  # round 1 fails for all
    guesses = [f"{u}@{DOMAINS[0]}" for u in SPRAY_GUESSES]
    # the second, unrelated campaign sprays some of the same accounts, the next evening, another way
    second_targets = sorted({a.name for a in others[-6:]} | {a.name for a in others[3:8]})
    news_sha1, phish_sha1 = g.sha1(), g.sha1()

    d1 = 1 if days > 1 else 0
    g.at(at_local(0, 10.2), "newsletter", news_sha1)
    g.at(at_local(0, 15.1), "phishing", phish_rcpts, phish_sha1)
    g.at(at_local(0, 3.4), "scanner")
    g.at(at_local(d1, 1.0), "spray_soap", sorted(spray_targets + guesses), [compromised[0].name])
    g.at(at_local(d1, 2.5), "spray_imap", SPRAY_IMAP_IP, sorted(spray_targets[::2] + guesses[:5]), [compromised[1].name])
    g.at(at_local(d1, 0.5), "spray_smtp", sorted(spray_targets[1::2] + guesses[5:]))
    g.at(at_local(d1, 22.5), "spray_imap", SECOND_CAMPAIGN_IP, second_targets, [])
    g.at(at_local(d1, 8.6), "lockout", lockout_acct)
    sessions = [(compromised[0], SPRAY_SOAP_IP, 7.2, 3, False), (compromised[1], SPRAY_IMAP_IP, 7.9, 2, False),
                (compromised[2], LOGIN_ONLY_IP, 9.3, 3, True), (compromised[3], LOGIN_ONLY_IP, 10.1, 2, False),
                (compromised[0], SPRAY_SOAP_IP, 24 + 9.5, 2, False)]
    for acct, ip, hour, bursts, forged in sessions:
        g.at(at_local(d1, hour), "attacker_session", acct, ip, DROP_DOMAINS, bursts, forged)
    g.at(at_local(d1, 7.5), "eas_request", eas_victim, SPRAY_SOAP_IP, ATTACKER_DEVICE, "FolderSync")
    for k in range(1, 6):
        g.at(at_local(d1, 7.5) + k * 2400, "eas_request", eas_victim, SPRAY_SOAP_IP, ATTACKER_DEVICE, "Sync")
    g.at(at_local(d1, 12.3), "smtp_auth_send", compromised[1], SPRAY_SMTP_IP,
         sorted(f"contact{k}@yandex.example.com" for k in range(12)))
    g.at(at_local(d1, 11.0), "exploit")
    g.at(max(at_local(days - 1, 4.2), at_local(d1, 13.0)), "webshell")  # after the mboximport upload
    spoof_day = days - 1
    for k in range(8):
        sender = rng.choice(["direction", "rh", "dg", "comptabilite"]) + f"@{DOMAINS[0]}"
        g.at(at_local(spoof_day, 8 + k * 1.3) + rng.uniform(0, 1800), "spoof", sender, rng.choice(pool).name, SPOOF_IPS[k % 3], k % 3 == 2)
    return {"compromised": compromised, "phish_rcpts": phish_rcpts, "phish_sha1": phish_sha1, "news_sha1": news_sha1,
            "lockout": lockout_acct, "ua_trap": ua_trap, "second_targets": second_targets, "eas_victim": eas_victim}


def generate(outdir: str, seed: int, scale: float, start: dt.date, days: int) -> dict:
    rng = random.Random(seed)
    n_accounts = 60 if scale <= 1 else int(round(60 * math.sqrt(scale)))
    activity = scale * 60 / n_accounts
    accounts = make_accounts(rng, n_accounts)
    day_list = [start + dt.timedelta(days=k) for k in range(days)]
    t0, t1 = local_midnight(day_list[0]), local_midnight(day_list[-1] + dt.timedelta(days=1))
    out = Out(outdir, day_list)
    g = Generator(out, rng, accounts, t0, t1, activity)
    facts = plan(g, start, days, rng)
    g.run()
    files = out.close()
    gt = g.gt
    compromised = facts["compromised"]
    truth = {
        "seed": seed, "scale": scale, "start": start.isoformat(), "days": days, "timezone": TZ_NAME,
        "amavis_log_level": AMAVIS_LOG_LEVEL, "amavis_version": "2.13.0", "zimbra_version": ZCS,
        "nodes": {"proxy01": {"role": "proxy", "ip": PROXY_IP}, "mbx01": {"role": "mailstore", "ip": STORES["mbx01"]},
                  "mbx02": {"role": "mailstore", "ip": STORES["mbx02"]}, "mta01": {"role": "mta", "ip": MTA_IP}},
        "domains": DOMAINS,
        "accounts": sorted(a.name for a in accounts),
        "account_details": [{"name": a.name, "store": a.store, "mid": a.mid, "id": a.uuid, "home_ip": a.home_ip,
                      "device_id": a.device[0] if a.device else None} for a in sorted(accounts, key=lambda a: a.name)],
        "compromised_accounts": sorted(a.name for a in compromised),
        "attacker_ips": ATTACKER_IPS,
        "attacker_user_agents": [SPRAY_UA, ATTACKER_BROWSER[0], ATTACKER_BROWSER[1], ATTACKER_DEVICE[2]],
        "sprayed_accounts": sorted(gt["sprayed"]),
        "phishing": {"sender": PHISH["sender"], "sender_ip": PHISH["ip"], "sha1": facts["phish_sha1"], "filename": PHISH["filename"],
                     "recipients": facts["phish_rcpts"], "message_ids": gt["phishing_message_ids"],
                     "compromised_recipients": sorted(a.name for a in compromised if a.name in facts["phish_rcpts"])},
        "spoofing": {"ips": SPOOF_IPS, "messages": gt["spoofing"]},
        "web_attacks": {"ips": [SCANNER_IP, EXPLOIT_IP], "paths": sorted(gt["web_paths"]), "webshell_paths": [WEBSHELL],
                        "hostile_user_agent": HOSTILE_UA},
        "office_nat_ip": OFFICE_NAT, "carrier_ips": CARRIER_IPS, "proxy_ips": [PROXY_IP],
        "mailstore_ips": sorted(STORES.values()), "mta_ips": [MTA_IP],
        "lockout_accounts": [facts["lockout"].name],
        "messages": {"inbound": len(g.msg_in), "outbound": len(g.msg_out), "total": len(g.msg_in | g.msg_out)},
        "device_ids": sorted(gt["device_ids"]), "attacker_device_ids": [ATTACKER_DEVICE[0]],
        "traps": {
            "compromised_also_from_office_nat": compromised[0].name,
            "forged_xff": {"account": compromised[2].name, "oip": f"{OFFICE_NAT}, {LOGIN_ONLY_IP}"},
            "attacker_ua_benign_accounts": sorted(a.name for a in facts["ua_trap"]),
            "newsletter": {"sender": NEWSLETTER["sender"], "sha1": facts["news_sha1"], "filename": NEWSLETTER["filename"]},
            "second_campaign": {"ips": [SECOND_CAMPAIGN_IP], "targeted_accounts": facts["second_targets"]},
            "attacker_device_account": facts["eas_victim"].name,
        },
        "files": files,
    }
    with open(os.path.join(outdir, "ground_truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=1, sort_keys=False)
        fh.write("\n")
    return truth


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
