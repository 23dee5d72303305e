"""The benign background: webmail sessions, IMAP/POP clients, ActiveSync polling, partner and spam
mail, the newsletter trap and the user who locks himself out.

    >>> background = Background(scene, schedule, mailstore, proxy, mailflow)  # doctest: +SKIP
    >>> schedule.at(t, background.webmail_session, account)  # doctest: +SKIP
"""

from __future__ import annotations

from scenario.world import Account, BENIGN_SOAP, DOMAINS, FIRST, LAST, NEWSLETTER, OFFICE_NAT, PARTNERS, PUBLIC_HOST
from scenario.scene import Scene
from scenario.content import benign_recipients, body_parts, scored, SPAM_RULES, spam_tests
from scenario.mailstore import Mailstore
from scenario.proxy import Proxy
from scenario.mailflow import MailFlow
from scenario.schedule import Schedule


class Background:
    def __init__(self, scene: Scene, schedule: Schedule, mailstore: Mailstore, proxy: Proxy, mailflow: MailFlow):
        self.scene, self.rng, self.schedule = scene, scene.rng, schedule
        self.mailstore, self.proxy, self.mailflow = mailstore, proxy, mailflow

    def webmail_session(self, t: float, acct: Account, ip: str = "", browser=None, n_requests: int = 0) -> None:
        rng = self.rng
        ip, browser = ip or acct.home_ip, browser or acct.browser
        self.proxy.http(t, ip, "GET", "/", 200, rng.randint(4000, 6000), browser[0], acct.store)
        t += rng.uniform(3, 15)
        if rng.random() < 0.04:  # typo, then success
            self.proxy.auth_fail(t, acct.name, ip, browser)
            t += rng.uniform(4, 12)
        self.proxy.auth_ok(t, acct, ip, browser)
        t += rng.uniform(0.3, 1.5)
        self.proxy.soap(t, acct, ip, browser, "GetInfoRequest", proxied=rng.random() < 0.08)
        names, weights = zip(*BENIGN_SOAP)
        for _ in range(n_requests or rng.randint(3, 14)):
            t += rng.expovariate(1 / 25)
            req = rng.choices(names, weights)[0]
            if req == "SendMsgRequest":
                ctx, thread = self.proxy.soap(t, acct, ip, browser, req, elapsed=rng.randint(200, 900))
                self.mailflow.send_from_mailbox(t + 0.05, acct, benign_recipients(self.rng, self.scene.accounts, acct), ctx, thread)
            else:
                self.proxy.soap(t, acct, ip, browser, req, proxied=rng.random() < 0.03)

    def imap_session(self, t: float, acct: Account) -> None:
        ip = acct.carrier_ip if acct.device and self.rng.random() < 0.3 else acct.home_ip
        if acct.name.endswith(DOMAINS[1]) and self.rng.random() < 0.3:
            self.mailstore.pop_login(t, acct, ip)
        else:
            self.mailstore.imap_login(t, acct, ip, acct.imap_ua)
        if self.rng.random() < 0.15:  # the client also submits mail with SMTP AUTH
            self.mailflow.smtp_auth_send(t + self.rng.uniform(30, 600), acct, ip)

    def eas_day(self, t: float, acct: Account) -> None:
        """Poll chain of one device: reschedules itself every 20–70 minutes."""
        cmd = "Ping" if self.rng.random() < 0.5 else "Sync"
        self.proxy.eas_request(t, acct, acct.carrier_ip if self.rng.random() < 0.8 else acct.home_ip, acct.device, cmd)
        gap = self.rng.uniform(20, 70) * 60 / max(self.scene.activity, 0.2)
        self.schedule.at(t + gap, self.eas_day, acct)

    def benign_inbound(self, t: float) -> None:
        rng = self.rng
        domain, host, ip, style = rng.choice(PARTNERS)
        sender = f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{domain}"
        rcpts = sorted({rng.choice(self.scene.accounts).name for _ in range(rng.choice([1, 1, 1, 1, 2, 3]))})
        att = None
        if rng.random() < 0.2:
            att = rng.choice([("application/pdf", rng.randint(30000, 900000), self.scene.sha1(), f"document_{rng.randint(1, 999)}.pdf"),
                              ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", rng.randint(20000, 300000),
                               self.scene.sha1(), f"compte-rendu_{rng.randint(1, 99)}.docx"),
                              ("image/jpeg", rng.randint(40000, 2000000), self.scene.sha1(), f"IMG_{rng.randint(1000, 9999)}.jpg")])
        size = rng.randint(2000, 30000) + (att[1] * 4 // 3 if att else 0)
        dkim = f"20230601:{domain}" if domain in ("gmail.com", "outlook.fr") else ""
        self.mailflow.inbound(t, sender, host, ip, rcpts, self.scene.external_msgid(style, domain), size, body_parts(self.rng, att), spam_tests(self.rng), dkim)

    def spam_inbound(self, t: float) -> None:
        rng = self.rng
        ip = f"{rng.choice(['45.', '185.', '91.', '194.'])}{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
        domain = f"{rng.choice(['promo', 'deals', 'info', 'news'])}{rng.randint(10, 999)}.example.biz"
        rules = {"BAYES_99": 3.5, "HTML_MESSAGE": 0.001, "SPF_SOFTFAIL": 0.665, "RDNS_NONE": 0.793}
        for rule, score in rng.sample(SPAM_RULES, rng.randint(1, len(SPAM_RULES))):
            rules[rule] = score
        self.mailflow.inbound(t, f"offers@{domain}", "unknown", ip, [rng.choice(self.scene.accounts).name], self.scene.external_msgid("hex", domain),
                     rng.randint(4000, 20000), body_parts(self.rng, html=True), scored(rules))

    def newsletter(self, t: float, sha1: str) -> None:
        """Long-standing sender, SPF pass, PDF to everyone, in batches of 8 recipients."""
        names = sorted(a.name for a in self.scene.accounts)
        for i in range(0, len(names), 8):
            msgid = f"nl-{self.scene.hexid(12)}@veille.example.org"
            att = ("application/pdf", NEWSLETTER["size"], sha1, NEWSLETTER["filename"])
            self.mailflow.inbound(t + i * 1.5, NEWSLETTER["sender"], NEWSLETTER["host"], NEWSLETTER["ip"], names[i:i + 8], msgid,
                         NEWSLETTER["size"] * 4 // 3 + 9000, body_parts(self.rng, att, html=True), spam_tests(self.rng, {"MIME_HTML_MOSTLY": 0.1}),
                         "veille2024:veille.example.org")

    def lockout(self, t: float, acct: Account) -> None:
        """A benign user mistypes the password 10 times from the office and is locked out for an hour."""
        for _ in range(10):
            self.proxy.auth_fail(t, acct.name, OFFICE_NAT, acct.browser)
            t += self.rng.uniform(5, 20)
        thread = self.scene.thread(acct.store, f"https://{PUBLIC_HOST}/service/soap/AuthRequest")
        ctx = [("name", acct.name), ("oip", OFFICE_NAT), ("port", self.scene.port()), ("ua", acct.browser[1]), ("soapId", self.scene.hexid())]
        self.mailstore.audit(acct.store, t - 0.5, "INFO", thread, ctx,
                   f"cmd=Auth; account={acct.name}; error=account lockout due to too many failed logins;")
        for _ in range(2):
            t += self.rng.uniform(10, 30)
            self.proxy.auth_fail(t, acct.name, OFFICE_NAT, acct.browser, reason="account lockout")
        self.schedule.at(t + 3700, self.webmail_session, acct, OFFICE_NAT, acct.browser, 3)
