"""The ground truth written next to the evidence (``ground_truth.json``): the infrastructure, the
accounts, what each attack did, the traps, and every file with its line count.

    >>> truth = ground_truth(g, facts, files, seed=1, scale=1.0, start=dt.date(2026, 10, 24), days=3)  # doctest: +SKIP
    >>> truth["compromised_accounts"]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from scenario.world import (AMAVIS_LOG_LEVEL, ATTACKER_BROWSER, ATTACKER_DEVICE, ATTACKER_IPS, CARRIER_IPS,
    DOMAINS, EXPLOIT_IP, HOSTILE_UA, LOGIN_ONLY_IP, MTA_IP, NEWSLETTER, OFFICE_NAT, PHISH, PROXY_IP, SCANNER_IP,
    SECOND_CAMPAIGN_IP, SPOOF_IPS, SPRAY_UA, STORES, TZ_NAME, WEBSHELL, ZCS)


if TYPE_CHECKING:
    from scenario.generator import Generator


def ground_truth(g: Generator, facts: dict, files: list[dict], *, seed: int, scale: float, start: dt.date,
                 days: int) -> dict:
    """What happened, from the plan's ``facts``, what the run observed, and the files it wrote."""
    gt = g.scene.observed
    compromised = facts["compromised"]
    return {
        "seed": seed, "scale": scale, "start": start.isoformat(), "days": days, "timezone": TZ_NAME,
        "amavis_log_level": AMAVIS_LOG_LEVEL, "amavis_version": "2.13.0", "zimbra_version": ZCS,
        "nodes": {"proxy01": {"role": "proxy", "ip": PROXY_IP}, "mbx01": {"role": "mailstore", "ip": STORES["mbx01"]},
                  "mbx02": {"role": "mailstore", "ip": STORES["mbx02"]}, "mta01": {"role": "mta", "ip": MTA_IP}},
        "domains": DOMAINS,
        "accounts": sorted(a.name for a in g.scene.accounts),
        "account_details": [{"name": a.name, "store": a.store, "mid": a.mid, "id": a.uuid, "home_ip": a.home_ip,
                      "device_id": a.device[0] if a.device else None} for a in sorted(g.scene.accounts, key=lambda a: a.name)],
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
        "messages": {"inbound": len(g.mailflow.msg_in), "outbound": len(g.mailflow.msg_out), "total": len(g.mailflow.msg_in | g.mailflow.msg_out)},
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
