"""--similar: accounts whose post-login behaviour resembles the compromised ones'."""

import pandas as pd

from zimgraph.pivot.similar import add_similar, marker_sequence, similar_accounts, ua_family

T = pd.Timestamp


def sessions(*rows):
    return pd.DataFrame([{"session_id": f"s{i:08x}", "account": a, "client_ip": ip, "user_agent": ua,
                          "user_agents": [ua], "start": T(start, tz="UTC"), "end": T(end, tz="UTC"), "actions": actions}
                         for i, (a, ip, ua, start, end, actions) in enumerate(rows)])


ATTACK = ["auth", "AuthRequest", "GetInfoRequest", "ModifyPrefsRequest", "ModifyFilterRulesRequest", "SendMsgRequest"]
FF91 = "ZimbraWebClient - FF91 (Win)/10.1.4_GA_4200"


def table():
    return sessions(("victim@x.gov", "198.51.100.61", FF91, "2026-10-25 08:00", "2026-10-25 08:05", ATTACK),
                    ("other@x.gov", "203.0.113.200", FF91, "2026-10-25 11:00", "2026-10-25 11:04",
                     ["auth", "ModifyPrefsRequest", "SearchRequest", "ModifyFilterRulesRequest", "SendMsgRequest"]),
                    ("slow@x.gov", "90.12.1.1", FF91, "2026-10-25 11:00", "2026-10-25 14:00", ATTACK),
                    ("benign@x.gov", "90.12.1.2", FF91, "2026-10-25 09:00", "2026-10-25 09:10",
                     ["auth", "SearchRequest", "SendMsgRequest"]))


def test_same_marker_sequence_within_minutes_is_related_whatever_the_ip():
    found = similar_accounts(table(), None, compromised={"victim@x.gov"}, attacker_ips={"198.51.100.61"})
    assert list(found) == ["other@x.gov"]
    assert found["other@x.gov"] == ["session from 203.0.113.200 at 2026-10-25 11:00:00Z: ModifyPrefs → "
                                    "ModifyFilterRules → SendMsg within 4 min, as compromised victim@x.gov did; "
                                    "same user-agent family ZimbraWebClient - FF91 (Win)"]


def test_same_user_agent_family_alone_is_not_enough():
    found = similar_accounts(table(), None, compromised={"victim@x.gov"}, attacker_ips={"198.51.100.61"})
    assert "benign@x.gov" not in found and "slow@x.gov" not in found


def test_same_attachment_name_is_related():
    messages = pd.DataFrame([
        {"account": "victim@x.gov", "login_ip": "198.51.100.61", "first_seen": T("2026-10-25 08:03", tz="UTC"),
         "attachments": [{"name": "Facture.html", "size": 18234}]},
        {"account": "copy@x.gov", "login_ip": "90.12.9.9", "first_seen": T("2026-10-25 12:00", tz="UTC"),
         "attachments": [{"name": "Facture.html", "size": 999}]},
        {"account": "clean@x.gov", "login_ip": "90.12.9.8", "first_seen": T("2026-10-25 12:00", tz="UTC"),
         "attachments": [{"name": "cr.docx", "size": 1000}]}])
    found = similar_accounts(table().iloc[:1], messages, compromised={"victim@x.gov"}, attacker_ips={"198.51.100.61"})
    assert list(found) == ["copy@x.gov"]


def test_add_similar_marks_new_accounts_related():
    result = {"seeds": [{"kind": "ip", "value": "198.51.100.61"}], "indicators": [],
              "accounts": [{"account": "victim@x.gov", "verdict": "compromised", "score": 0.9, "why": ["x"], "paths": []}]}
    out = add_similar(result, table(), None)
    assert [(a["account"], a["verdict"]) for a in out["accounts"]] == [("victim@x.gov", "compromised"),
                                                                        ("other@x.gov", "related")]


def test_helpers():
    assert marker_sequence(["SendMsgRequest", "SendMsgRequest", "ModifyPrefsRequest"]) == ("SendMsg", "ModifyPrefs")
    assert ua_family("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0") == "Firefox/128"
