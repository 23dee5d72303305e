"""The attacks: password spraying (SOAP, IMAP, SMTP), the compromised-account sessions (forwarding,
filters, spam bursts), phishing, own-domain spoofing, scanning, exploitation and the webshell. Each
records what it did in ``scene.observed`` for the ground truth.

    >>> attacks = Attacks(scene, mailstore, proxy, mailflow)  # doctest: +SKIP
    >>> schedule.at(t, attacks.scanner)  # doctest: +SKIP
"""

from __future__ import annotations

from scenario.world import (Account, ATTACKER_BROWSER, EXPLOIT_IP, EXPLOIT_UA, EXPLOITS, FIRST, HOSTILE_UA,
    OFFICE_NAT, PHISH, SCANNER_IP, SCANNER_PATHS, SCANNER_UA, SECOND_CAMPAIGN_IP, SPRAY_SMTP_IP, SPRAY_SOAP_IP,
    SPRAY_UA, WEBSHELL)
from scenario.scene import Scene
from scenario.content import body_parts, scored
from scenario.mailstore import Mailstore
from scenario.proxy import Proxy
from scenario.mailflow import MailFlow


class Attacks:
    def __init__(self, scene: Scene, mailstore: Mailstore, proxy: Proxy, mailflow: MailFlow):
        self.scene, self.rng = scene, scene.rng
        self.mailstore, self.proxy, self.mailflow = mailstore, proxy, mailflow

    def spray_soap(self, t: float, targets: list[str], success: list[str]) -> None:
        for name in targets:
            self.proxy.auth_fail(t, name, SPRAY_SOAP_IP, (SPRAY_UA, SPRAY_UA))
            self.scene.observed["sprayed"].add(name)
            t += self.rng.uniform(20, 90)
        for name in success:
            self.proxy.auth_ok(t, self.scene.by_name[name], SPRAY_SOAP_IP, (SPRAY_UA, SPRAY_UA))
            t += self.rng.uniform(30, 90)

    def spray_imap(self, t: float, ip: str, targets: list[str], success: list[str]) -> None:
        for name in targets:
            self.mailstore.imap_login(t, self.scene.by_name.get(name), ip, ok=False, name=name)
            if ip != SECOND_CAMPAIGN_IP:
                self.scene.observed["sprayed"].add(name)
            t += self.rng.uniform(30, 120)
        for name in success:
            self.mailstore.imap_login(t, self.scene.by_name[name], ip)
            t += 60

    def spray_smtp(self, t: float, targets: list[str]) -> None:
        rng = self.rng
        for name in targets:
            pid, peer = rng.randint(10000, 30000), f"unknown[{SPRAY_SMTP_IP}]"
            self.mailflow.syslog(t, "postfix/smtpd", pid, f"connect from {peer}")
            self.mailflow.sasl_check(t + 0.5, name, SPRAY_SMTP_IP, ok=False)
            self.mailflow.syslog(t + 0.6, "postfix/smtpd", pid, f"warning: {peer}: SASL LOGIN authentication failed: authentication failure")
            self.mailflow.syslog(t + 0.7, "postfix/smtpd", pid, f"disconnect from {peer} ehlo=1 auth=0/1 quit=1 commands=2/3")
            self.scene.observed["sprayed"].add(name)
            t += rng.uniform(40, 150)

    def attacker_session(self, t: float, acct: Account, ip: str, drops: list[str], bursts: int, forged_xff: bool = False) -> None:
        """Login from attacker infrastructure, then forwarding rule, filter rules and a spam burst."""
        rng, browser = self.rng, ATTACKER_BROWSER
        self.proxy.http(t, ip, "GET", "/", 200, 5123, browser[0], acct.store)
        self.proxy.auth_ok(t + 4, acct, ip, browser, oip=f"{OFFICE_NAT}, {ip}" if forged_xff else "")  # client-set XFF
        t += 5
        for req in ("GetInfoRequest", "SearchRequest", "GetMsgRequest", "ModifyPrefsRequest", "ModifyFilterRulesRequest"):
            t += rng.uniform(2, 20)
            ctx, thread = self.proxy.soap(t, acct, ip, browser, req, elapsed=rng.randint(8, 60))
            if req == "ModifyPrefsRequest":  # ZCS 10.1+ names the changed preferences
                self.mailstore.mailbox(acct.store, t + 0.005, "INFO", thread, ctx, "account",
                             "Setting Preference attributes: [zimbraPrefMailForwardingAddress, zimbraPrefMailLocalDeliveryDisabled]")
        for _ in range(bursts):
            t += rng.uniform(20, 60)
            ctx, thread = self.proxy.soap(t, acct, ip, browser, "SendMsgRequest", elapsed=rng.randint(300, 1500))
            rcpts = sorted({f"{rng.choice(FIRST)}{rng.randint(1, 999)}@{rng.choice(['gmail.com', 'outlook.fr'] + drops)}"
                            for _ in range(rng.randint(25, 40))})
            self.mailflow.send_from_mailbox(t + 0.05, acct, rcpts, ctx, thread)

    def phishing(self, t: float, rcpts: list[str], sha1: str) -> None:
        """New-domain sender, HTML attachment; some copies hit the PHISH rules (SPAMMY)."""
        rng = self.rng
        for i in range(0, len(rcpts), 5):
            msgid = f"{self.scene.hexid(20)}@portail-factures.example.com"
            self.scene.observed["phishing_message_ids"].append(msgid)
            rules = {"HTML_MESSAGE": 0.001, "MIME_HTML_ONLY": 0.1, "SPF_NONE": 0.001, "MIME_SUSPECT_NAME": 0.1, "RDNS_NONE": 0.793,
                     rng.choice(["BAYES_50", "BAYES_40"]): rng.choice([0.8, -0.001])}
            if i % 10 == 0:  # some copies trip the phishing rules (Passed SPAMMY → Junk)
                rules.update({"URI_PHISH": 4.0, "PHISHING_FREEMAIL": 1.0, "FREEMAIL_FORGED_REPLYTO": 2.095})
            att = ("text/html", PHISH["size"], sha1, PHISH["filename"])
            self.mailflow.inbound(t, PHISH["sender"], PHISH["host"], PHISH["ip"], rcpts[i:i + 5], msgid, PHISH["size"] + 6200,
                         body_parts(self.rng, att), scored(rules))
            t += rng.uniform(5, 40)

    def spoof(self, t: float, sender: str, rcpt: str, ip: str, blocked: bool) -> None:
        """Own-domain envelope sender from outside without SASL: SPF_FAIL/SOFTFAIL."""
        rng = self.rng
        spf = "SPF_FAIL" if rng.random() < 0.7 else "SPF_SOFTFAIL"
        rules = {spf: 0.919 if spf == "SPF_FAIL" else 0.665, "HTML_MESSAGE": 0.001, "RDNS_NONE": 0.793,
                 "FROM_EXCESS_BASE64": 0.979, rng.choice(["BAYES_50", "BAYES_60"]): rng.choice([0.8, 1.5])}
        if blocked:  # score above the kill level (15): Blocked SPAM, discarded
            rules.update({"BAYES_99": 3.5, "BAYES_999": 0.2, "URIBL_DBL_PHISH": 2.5, "DMARC_REJECT": 5.0, "RCVD_IN_SBL_CSS": 3.335})
        msgid = f"{self.scene.hexid(16)}@example.gov"
        delivered = self.mailflow.inbound(t, sender, "unknown", ip, [rcpt], msgid, rng.randint(3000, 9000), body_parts(self.rng, html=True),
                                 scored(rules))
        self.scene.observed["spoofing"].append({"message_id": msgid, "sender": sender, "recipient": rcpt, "delivered": delivered})

    def scanner(self, t: float) -> None:
        for path in SCANNER_PATHS:
            self.proxy.http(t, SCANNER_IP, "GET", path, 404, self.rng.randint(400, 1200), SCANNER_UA, "mbx01")
            self.scene.observed["web_paths"].add(path.split("?")[0])
            t += self.rng.uniform(0.2, 3)
        self.proxy.http(t + 1, SCANNER_IP, "GET", "/zimbra/", 200, 5321, HOSTILE_UA, "mbx01")

    def exploit(self, t: float) -> None:
        for method, uri, status, size in EXPLOITS:
            self.proxy.http(t, EXPLOIT_IP, method, uri, status, size, EXPLOIT_UA, "mbx02" if "backup" in uri else "mbx01")
            self.scene.observed["web_paths"].add(uri.split("?")[0])
            t += self.rng.uniform(3, 40)

    def webshell(self, t: float) -> None:
        for cmd in ("whoami", "id", "uname%20-a", "cat%20/opt/zimbra/conf/localconfig.xml"):
            self.proxy.http(t, EXPLOIT_IP, "GET", f"{WEBSHELL}?cmd={cmd}", 200, self.rng.randint(180, 3000), EXPLOIT_UA, "mbx01")
            t += self.rng.uniform(10, 60)
        self.scene.observed["web_paths"].add(WEBSHELL)
