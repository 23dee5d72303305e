"""The scenario's schedule: benign traffic by diurnal profiles, the repeated DST hour, the cast
(who is compromised, phished, locked out, a trap) and when each attack happens.

    >>> office_profile(10.0, 2), office_profile(10.0, 6)
    (2.0, 0.7)
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from scenario.world import (ATTACKER_BROWSER, ATTACKER_DEVICE, DOMAINS, DROP_DOMAINS, LOGIN_ONLY_IP,
    MOBILE_BROWSERS, OFFICE_NAT, SECOND_CAMPAIGN_IP, SPOOF_IPS, SPRAY_GUESSES, SPRAY_IMAP_IP, SPRAY_SMTP_IP,
    SPRAY_SOAP_IP)
from scenario.localtime import local_to_utc


if TYPE_CHECKING:
    from scenario.generator import Generator


def office_profile(hour: float, weekday: int) -> float:
    work = 2.0 if 8 <= hour < 12.5 or 13.5 <= hour < 18.5 else 0.8 if 7 <= hour < 21 else 0.08
    return work * (0.35 if weekday >= 5 else 1.0)


def mail_profile(hour: float, weekday: int) -> float:
    return (1.6 if 7 <= hour < 19 else 0.5) * (0.6 if weekday >= 5 else 1.0)


def plan(g: Generator, start: dt.date, days: int, rng: random.Random) -> dict:
    """Schedule benign traffic and the attacks; return the scenario facts for the ground truth."""
    accounts, act = g.scene.accounts, g.scene.activity

    def at_local(day: int, hour: float) -> float:
        d = start + dt.timedelta(days=min(day, days - 1))
        return local_to_utc(dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp() + hour * 3600)

    # benign
    for t in g.schedule.diurnal_times(2.0 * len(accounts) * act, office_profile):
        g.schedule.at(t, g.background.webmail_session, rng.choice(accounts))
    for t in g.schedule.diurnal_times(110 * act * len(accounts) / 60, mail_profile):
        g.schedule.at(t, g.background.benign_inbound)
    for t in g.schedule.diurnal_times(25 * act * len(accounts) / 60, lambda h, w: 1.0):
        g.schedule.at(t, g.background.spam_inbound)
    mobile_users = [a for a in accounts if a.carrier_ip]
    for t in g.schedule.diurnal_times(0.8 * len(mobile_users) * act, office_profile):  # carrier IPs: many accounts each
        a = rng.choice(mobile_users)
        g.schedule.at(t, g.background.webmail_session, a, a.carrier_ip, MOBILE_BROWSERS[len(a.name) % 2])
    imap_users = [a for a in accounts if a.imap_ua]
    for t in g.schedule.diurnal_times(4 * len(imap_users) * act, office_profile):
        g.schedule.at(t, g.background.imap_session, rng.choice(imap_users))
    for a in accounts:
        if a.device:
            g.schedule.at(g.scene.t0 + rng.uniform(0, 3600), g.background.eas_day, a)
    for d in range(days):  # nightly purge, spread over 00:00–04:00 local (through the repeated hour)
        for a in accounts:
            g.schedule.at(at_local(d, 0) + rng.uniform(0, 4 * 3600 + 3600), g.mailstore.purge, a)

    # the repeated hour: make sure both passes carry mail and mailbox lines
    for day in range(days):
        midnight = at_local(day, 0)
        if at_local(day, 4) - midnight != 4 * 3600 + 3600:
            continue
        for k in range(6):  # 3 messages in each UTC hour 00:00–02:00 of that day
            g.schedule.at(midnight + 7200 + k * 1200 + rng.uniform(0, 600), g.background.benign_inbound)

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
    news_sha1, phish_sha1 = g.scene.sha1(), g.scene.sha1()

    d1 = 1 if days > 1 else 0
    g.schedule.at(at_local(0, 10.2), g.background.newsletter, news_sha1)
    g.schedule.at(at_local(0, 15.1), g.attacks.phishing, phish_rcpts, phish_sha1)
    g.schedule.at(at_local(0, 3.4), g.attacks.scanner)
    g.schedule.at(at_local(d1, 1.0), g.attacks.spray_soap, sorted(spray_targets + guesses), [compromised[0].name])
    g.schedule.at(at_local(d1, 2.5), g.attacks.spray_imap, SPRAY_IMAP_IP, sorted(spray_targets[::2] + guesses[:5]), [compromised[1].name])
    g.schedule.at(at_local(d1, 0.5), g.attacks.spray_smtp, sorted(spray_targets[1::2] + guesses[5:]))
    g.schedule.at(at_local(d1, 22.5), g.attacks.spray_imap, SECOND_CAMPAIGN_IP, second_targets, [])
    g.schedule.at(at_local(d1, 8.6), g.background.lockout, lockout_acct)
    sessions = [(compromised[0], SPRAY_SOAP_IP, 7.2, 3, False), (compromised[1], SPRAY_IMAP_IP, 7.9, 2, False),
                (compromised[2], LOGIN_ONLY_IP, 9.3, 3, True), (compromised[3], LOGIN_ONLY_IP, 10.1, 2, False),
                (compromised[0], SPRAY_SOAP_IP, 24 + 9.5, 2, False)]
    for acct, ip, hour, bursts, forged in sessions:
        g.schedule.at(at_local(d1, hour), g.attacks.attacker_session, acct, ip, DROP_DOMAINS, bursts, forged)
    g.schedule.at(at_local(d1, 7.5), g.proxy.eas_request, eas_victim, SPRAY_SOAP_IP, ATTACKER_DEVICE, "FolderSync")
    for k in range(1, 6):
        g.schedule.at(at_local(d1, 7.5) + k * 2400, g.proxy.eas_request, eas_victim, SPRAY_SOAP_IP, ATTACKER_DEVICE, "Sync")
    g.schedule.at(at_local(d1, 12.3), g.mailflow.smtp_auth_send, compromised[1], SPRAY_SMTP_IP,
         sorted(f"contact{k}@yandex.example.com" for k in range(12)))
    g.schedule.at(at_local(d1, 11.0), g.attacks.exploit)
    g.schedule.at(max(at_local(days - 1, 4.2), at_local(d1, 13.0)), g.attacks.webshell)  # after the mboximport upload
    spoof_day = days - 1
    for k in range(8):
        sender = rng.choice(["direction", "rh", "dg", "comptabilite"]) + f"@{DOMAINS[0]}"
        g.schedule.at(at_local(spoof_day, 8 + k * 1.3) + rng.uniform(0, 1800), g.attacks.spoof, sender, rng.choice(pool).name, SPOOF_IPS[k % 3], k % 3 == 2)
    return {"compromised": compromised, "phish_rcpts": phish_rcpts, "phish_sha1": phish_sha1, "news_sha1": news_sha1,
            "lockout": lockout_acct, "ua_trap": ua_trap, "second_targets": second_targets, "eas_victim": eas_victim}
