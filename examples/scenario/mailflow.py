"""Mail through mta01 (``zimbra.log``): postscreen/smtpd, amavis at log level 3 (two passes
outbound, DKIM signing between), cbpolicyd, lmtp delivery into the mailstore, SASL submission.

    >>> mailflow = MailFlow(scene, mailstore)  # draws the amavis child pids  # doctest: +SKIP
    >>> mailflow.inbound(t, sender, host, ip, [rcpt], msgid, 4000, body_parts(rng), spam_tests(rng))  # doctest: +SKIP
    True
"""

from __future__ import annotations

from scenario.world import Account, MTA_IP, REMOTE_MX, SPAM_KILL, SPAM_TAG2, STORES
from scenario.localtime import local_date, ts_compact, ts_rfc2822, ts_syslog
from scenario.scene import Scene
from scenario.content import benign_recipients, body_parts, spam_tests
from scenario.mailstore import Mailstore


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
AMAVIS_MAXLEN = 980  # $logline_maxlen: longer amavis lines are split with "..."


class MailFlow:
    def __init__(self, scene: Scene, mailstore: Mailstore):
        self.scene, self.rng, self.mailstore = scene, scene.rng, mailstore
        self.queue_ids: set[str] = set()
        self.children = [[self.rng.randint(2000, 9000) + 1000 * i, 0, scene.t0] for i in range(6)]  # amavis [pid, seq, start]
        self.sent_today: dict[str, int] = {}
        self.msg_in: set[str] = set()
        self.msg_out: set[str] = set()
        self.pending_q = ""  # the queue id lmtp delivers from

    def qid(self) -> str:
        while True:
            q = f"{self.rng.randint(0x10000000000, 0xFFFFFFFFFFF):011X}"
            if q not in self.queue_ids:
                self.queue_ids.add(q)
                return q

    def mail_id(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "".join(self.rng.choice(alphabet) for _ in range(12))

    def syslog(self, t: float, prog: str, pid: int, msg: str) -> None:
        self.scene.out.add("mta01", "zimbra.log", t, SYSLOG.format(ts=ts_syslog(t), prog=prog, pid=pid, msg=msg))

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
        started = ts_compact(child[2])
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

    def deliver(self, t: float, rcpt: str, sender: str, msgid: str, size: int, folder: tuple[int, str] = (2, "Inbox")) -> None:
        """postfix/lmtp → mailstore: ``lmtp - Delivering message`` and ``mailop - Adding Message``."""
        acct = self.scene.by_name[rcpt]
        d = self.rng.uniform(0.05, 0.6)
        self.syslog(t + d, "postfix/lmtp", 6230, f"{self.pending_q}: to=<{rcpt}>, relay={acct.store}.example.gov[{STORES[acct.store]}]:7025, "
                    f"delay={d + 0.1:.2g}, delays=0.01/0/0.02/{d:.2g}, dsn=2.1.5, status=sent (250 2.1.5 Delivery OK)")
        thread = f"LmtpServer-{self.rng.randint(1, 400)}"
        ctx = [("name", rcpt), ("mid", acct.mid), ("msgid", f"<{msgid}>")]
        self.mailstore.mailbox(acct.store, t + d - 0.02, "INFO", thread, ctx, "lmtp",
                     f"Delivering message: size={size} bytes, nrcpts=1, sender={sender}, msgid=<{msgid}>")
        acct.items += self.rng.randint(1, 3)
        self.mailstore.mailbox(acct.store, t + d - 0.01, "INFO", thread, ctx, "mailop",
                     f"Adding Message: id={acct.items}, sender={sender}, Message-ID=<{msgid}>, parentId=-1, "
                     f"folderId={folder[0]}, folderName={folder[1]} acct={acct.uuid}.")

    def inbound(self, t: float, sender: str, host: str, ip: str, rcpts: list[str], msgid: str, size: int,
                parts: list, spam: tuple[float, str], dkim: str = "") -> bool:
        """External MTA → smtpd → amavis 10024 → 10025 → lmtp. Returns True when delivered."""
        rng = self.rng
        self.msg_in.add(msgid)
        cport, spid = self.scene.port(), rng.randint(10000, 30000)
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
        spam = spam_tests(self.rng, {"ALL_TRUSTED": -1.0})
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
            if r in self.scene.by_name:
                self.deliver(t, r, sender, msgid, size + 1100)
                continue
            mx, mxip = REMOTE_MX.get(domain, (f"mx.{domain}", "192.0.2.250"))
            d = rng.uniform(0.3, 3)
            self.syslog(t + d, "postfix/smtp", rng.randint(10000, 30000), f"{q3}: to=<{r}>, relay={mx}[{mxip}]:25, delay={d + 0.1:.2g}, "
                        f"delays=0.05/0.01/{d / 2:.2g}/{d / 2:.2g}, dsn=2.0.0, status=sent ({self.remote_reply(domain)})")
        self.syslog(t + 3.1, "postfix/qmgr", 2210, f"{q3}: removed")

    def remote_reply(self, domain: str) -> str:
        if domain == "gmail.com":
            return f"250 2.0.0 OK  {self.rng.randint(10**9, 2 * 10**9)} {self.scene.hexid(12)}.{self.rng.randint(1, 999)} - gsmtp"
        return f"250 2.0.0 Ok: queued as {self.scene.hexid(10).upper()}"

    def cbpolicyd(self, t: float, ip: str, helo: str, sender: str, rcpt: str) -> None:
        key = f"{local_date(t)}:{sender}"
        n = self.sent_today[key] = self.sent_today.get(key, 0) + 1
        self.syslog(t, "cbpolicyd", 3960, CBPOLICYD.format(host=ip, helo=helo, sender=sender, rcpt=rcpt, n=n, limit=500, pct=n / 5))

    def send_from_mailbox(self, t: float, acct: Account, rcpts: list[str], ctx: list, thread: str, attachment=None) -> str:
        """Inside a SendMsgRequest: ``smtp - Sending message to MTA`` + Sent copy, then the MTA chain."""
        msgid = self.scene.zimbra_msgid(t)
        size = self.rng.randint(1500, 40000) + (attachment[1] if attachment else 0)
        self.mailstore.mailbox(acct.store, t, "INFO", thread, ctx, "smtp", f"Sending message to MTA at mta01.example.gov: Message-ID=<{msgid}>, "
                     f"size={size}, sender={acct.name}, nrcpts={len(rcpts)}, " + ", ".join(f"to={r}" for r in rcpts))
        acct.items += 1
        self.mailstore.mailbox(acct.store, t + 0.03, "INFO", thread, ctx, "mailop", f"Adding Message: id={acct.items}, sender={acct.name}, "
                     f"Message-ID=<{msgid}>, parentId=-1, folderId=5, folderName=Sent acct={acct.uuid}.")
        self.outbound(t + 0.05, acct.name, rcpts, msgid, size, body_parts(self.rng, attachment),
                      (f"{acct.store}.example.gov", STORES[acct.store]))
        return msgid

    def sasl_check(self, t: float, name: str, ip: str, ok: bool) -> None:
        acct = self.scene.by_name.get(name)
        store = acct.store if acct else "mbx01"
        thread = self.scene.thread(store, "smtp://mta01.example.gov:7073/service/admin/soap/")
        ctx = ([("name", name)] if ok else []) + [("oip", ip), ("oport", self.scene.port()), ("oproto", "smtp"), ("soapId", self.scene.hexid())]
        if ok:
            self.mailstore.mailbox(store, t + 0.01, "INFO", thread, ctx, "soap", f"AuthRequest elapsed={self.rng.randint(2, 30)}")
            self.mailstore.audit(store, t + 0.009, "INFO", thread, ctx, f"cmd=Auth; account={name}; protocol=soap;")
            return
        reason = "invalid password" if acct else "account not found"
        self.mailstore.mailbox(store, t + 0.01, "INFO", thread, ctx, "SoapEngine", f"handler exception: authentication failed for [{name}], {reason}")
        if acct:
            self.mailstore.audit(store, t + 0.009, "WARN", thread, [("name", name)] + ctx,
                       f"cmd=Auth; account={name}; protocol=soap; error=authentication failed for [{name}], {reason};")
        self.syslog(t + 0.02, "saslauthd", 1377, f"auth_zimbra: {name} auth failed: authentication failed for [{name}]")

    def smtp_auth_send(self, t: float, acct: Account, ip: str, rcpts: list[str] | None = None) -> str:
        """Submission with SASL: saslauthd → mailbox admin SOAP (oproto=smtp) → audit protocol=soap, then the chain."""
        self.sasl_check(t, acct.name, ip, ok=True)
        msgid = f"{self.scene.hexid(8)}-{self.scene.hexid(4)}-{self.scene.hexid(4)}@{acct.domain}"
        self.outbound(t + 0.2, acct.name, rcpts or benign_recipients(self.rng, self.scene.accounts, acct), msgid, self.rng.randint(2000, 60000),
                      body_parts(self.rng), ("unknown", ip), sasl=acct.name, prog="postfix/submission/smtpd")
        return msgid
