"""Requests through the proxy: ``nginx.access.log`` on proxy01 and ``access_log`` on the
mailstore that served them, and the web-client (SOAP) and ActiveSync requests with the mailstore
lines each one writes.

    >>> proxy = Proxy(scene, mailstore)  # doctest: +SKIP
    >>> proxy.auth_ok(t, account, "192.0.2.10", BROWSERS[0])  # doctest: +SKIP
"""

from __future__ import annotations

from scenario.world import Account, PROXY_IP, PUBLIC_HOST, STORES
from scenario.localtime import ts_clf
from scenario.scene import Scene
from scenario.mailstore import Mailstore


# 203.0.113.7:51234 - - [24/Oct/2026:09:00:00 +0200]  "POST https://mail.example.gov/service/soap/AuthRequest HTTP/1.1" 200 1234 "https://mail.example.gov/" "Mozilla/5.0 (…)" "10.0.1.11:8080" "10.0.0.10:443"
NGINX = '{ip}:{port} - {user} [{ts}]  "{method} https://{host}{uri} HTTP/1.1" {status} {size} "{ref}" "{ua}" "{upstream}" "{proxy}:443"'
# 203.0.113.7 - - [24/Oct/2026:09:00:00 +0200] "POST /service/soap/AuthRequest HTTP/1.1" 200 1100 "https://mail.example.gov/" "Mozilla/5.0 (…)" 12
ACCESS = '{ip} - - [{ts}] "{method} {uri} HTTP/1.1" {status} {size} "{ref}" "{ua}" {lat}'


class Proxy:
    def __init__(self, scene: Scene, mailstore: Mailstore):
        self.scene, self.rng, self.mailstore = scene, scene.rng, mailstore

    def http(self, t: float, ip: str, method: str, uri: str, status: int, size: int, ua: str, store: str,
             ref: str = "-", user: str = "-", xff_first: str = "") -> None:
        """One request through the proxy: nginx.access.log on proxy01 and access_log on the mailstore."""
        esc = ua.replace("\\", "\\x5C").replace('"', "\\x22")
        up = f"{STORES[store]}:8080" if store else "-"
        self.scene.out.add("proxy01", "nginx", t, NGINX.format(ip=ip, port=self.scene.port(), user=user, ts=ts_clf(t), method=method,
                     host=PUBLIC_HOST, uri=uri, status=status, size=size, ref=ref, ua=esc, upstream=up, proxy=PROXY_IP))
        if store:  # Jetty logs the first X-Forwarded-For element (preferProxiedForAddress)
            lat = self.rng.randint(1, 40)
            self.scene.out.add(store, "access_log", t + lat / 1000, ACCESS.format(ip=xff_first or ip, ts=ts_clf(t + lat / 1000),
                         method=method, uri=uri, status=status, size=max(size - 250, 0), ref=ref, ua=ua, lat=lat))

    def soap(self, t: float, acct: Account, ip: str, browser: tuple[str, str], request: str, status: int = 200,
             oip: str = "", elapsed: int = 0, proxied: bool = False) -> tuple[list, str]:
        """One SOAP request: nginx + access_log + ``soap - X elapsed=N``; returns (context, thread) of
        the account's mailstore, for the other lines the same request writes."""
        rng = self.rng
        soap_id, port = self.scene.hexid(), self.scene.port()
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
            self.mailstore.mailbox(entry, t + el / 1000 + 0.004, "INFO", self.scene.thread(entry, thread_path), ctx, "soap",
                         f"{request} proxy={store}.example.gov,elapsed={el + 5}")
        thread = self.scene.thread(store, thread_path)
        self.mailstore.mailbox(store, t + el / 1000, "INFO", thread, ctx, "soap", f"{request} elapsed={el}")
        return ctx, thread

    def auth_ok(self, t: float, acct: Account, ip: str, browser: tuple[str, str], oip: str = "") -> None:
        ctx, thread = self.soap(t, acct, ip, browser, "AuthRequest", oip=oip)
        self.mailstore.audit(acct.store, t + 0.002, "INFO", thread, ctx, f"cmd=Auth; account={acct.name}; protocol=soap;")

    def auth_fail(self, t: float, name: str, ip: str, ua: tuple[str, str], reason: str = "invalid password") -> None:
        """Webmail/SOAP login failure. Unknown accounts appear only in mailbox.log (SoapEngine)."""
        acct = self.scene.by_name.get(name)
        store = acct.store if acct else "mbx01"
        self.http(t, ip, "POST", "/service/soap/AuthRequest", 500, self.rng.randint(650, 720), ua[0], store,
                  ref=f"https://{PUBLIC_HOST}/" if "Mozilla" in ua[0] else "-")
        ctx = [("name", name), ("oip", ip), ("port", self.scene.port()), ("ua", ua[1]), ("soapId", self.scene.hexid())]
        thread = self.scene.thread(store, f"https://{PUBLIC_HOST}/service/soap/AuthRequest")
        if acct is None:
            reason = "account not found"
        self.mailstore.mailbox(store, t + 0.01, "INFO", thread, ctx, "SoapEngine", f"handler exception: authentication failed for [{name}], {reason}")
        if acct:
            self.mailstore.audit(store, t + 0.009, "WARN", thread, ctx,
                       f"cmd=Auth; account={name}; protocol=soap; error=authentication failed for [{name}], {reason};")

    def eas_request(self, t: float, acct: Account, ip: str, device: tuple[str, str, str], cmd: str = "Sync") -> None:
        dev_id, dtype, dua = device
        query = f"User={acct.local}&DeviceId={dev_id}&DeviceType={dtype}&Cmd={cmd}"
        uri = f"/Microsoft-Server-ActiveSync?{query}"
        self.http(t, ip, "POST", uri, 200, self.rng.randint(300, 4000), dua, acct.store, user=acct.name)
        thread = self.scene.thread(acct.store, f"https://{PUBLIC_HOST}{uri}")
        ctx = [("name", acct.name), ("mid", acct.mid), ("ip", PROXY_IP), ("oip", ip),
               ("Cmd", cmd), ("DeviceID", dev_id), ("Version", "14.1")]
        policy_key = int(dev_id.encode().hex()[-9:], 16) % 10**9
        el = self.rng.uniform(0.02, 0.4)
        self.mailstore.log4j(acct.store, "sync.log", t + el, "INFO", thread, ctx, "sync",
                   f"User={acct.local}; DeviceID={dev_id}; DeviceType={dtype}; UA={dua}; Protocol=14.1; PolicyKey={policy_key}")
        self.mailstore.log4j(acct.store, "sync.log", t + el + 0.003, "INFO", thread, ctx, "sync", "HTTP/1.1 200 OK")
        self.scene.observed["device_ids"].add(dev_id)
