"""saslauthd messages from zimbra.log: the SMTP AUTH checks the Zimbra MTA delegates to mailboxd.

On a Zimbra MTA postfix hands SMTP AUTH to saslauthd, whose ``zimbra`` mechanism
(``auth_zimbra``) asks mailboxd with a SOAP AuthRequest. saslauthd never sees the client
address, so these events carry the account and the outcome only; postfix's own
``SASL ... authentication failed`` / ``sasl_username=`` lines give the IP.

* ``auth_zimbra: <user> auth failed: <reason>`` -> ``auth`` outcome "failure",
  ``account`` = lower-case user, ``detail`` = the reason; in the usual reason
  ``authentication failed for [<name>]`` the bracketed name goes to ``account_typed``
  when it differs from the account.
* ``auth_zimbra: <user> auth OK`` -> ``auth`` outcome "success".
* the generic saslauthd form ``do_auth : auth failure: [user=u] [service=smtp] [realm=] [mech=zimbra] [reason=...]``
  (and ``auth success:``) -> ``auth`` with ``protocol`` = the service.

``protocol`` is "smtp" unless the line names another service. Everything else
(``zmauth:``/``zmpost:`` debugging, start-up) is ignored.

>>> ctx = ParseContext.for_tests()
>>> parse_message("auth_zimbra: Jane@Example.com auth OK", ctx)
[{'event': 'auth', 'outcome': 'success', 'protocol': 'smtp', 'account': 'jane@example.com'}]
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.sources.base import Ignored, ParseContext

# auth_zimbra: contabilidad@example.com auth failed: authentication failed for [contabilidad@maquinet.cl]
# auth_zimbra: chernandez auth OK
AUTH_ZIMBRA: Final = re.compile(r"""
    auth_zimbra:\ (?P<user>\S*)\ auth\ (?:(?P<ok>OK)|failed(?::\ ?(?P<reason>.*))?)\s*$
    """, re.VERBOSE | re.DOTALL)

# authentication failed for [contabilidad@maquinet.cl]
TYPED: Final = re.compile(r"""authentication\ failed\ for\ \[(?P<typed>[^\]]*)\]""", re.VERBOSE)

# do_auth         : auth failure: [user=jane] [service=smtp] [realm=] [mech=zimbra] [reason=Unknown]
DO_AUTH: Final = re.compile(r"""
    do_auth\s*:\ auth\ (?P<result>failure|success):\ \[user=(?P<user>[^\]]*)\]
    (?:\ \[service=(?P<service>[^\]]*)\])?
    (?P<rest>.*)$
    """, re.VERBOSE | re.DOTALL)

# [reason=Unknown]
REASON: Final = re.compile(r"""\[reason=(?P<reason>[^\]]*)\]""", re.VERBOSE)

IGNORED_DIAGNOSTICS: Final = Ignored("saslauthd: diagnostics")


def parse_message(message: str, ctx: ParseContext) -> list[dict] | Ignored:
    """Events for one saslauthd message (the text after ``saslauthd[pid]: ``).

    >>> ctx = ParseContext.for_tests()
    >>> [ev] = parse_message("auth_zimbra: x@a.cl auth failed: authentication failed for [x@b.cl]", ctx)
    >>> (ev["outcome"], ev["account"], ev["account_typed"])
    ('failure', 'x@a.cl', 'x@b.cl')
    """
    if "auth_zimbra: " in message:
        m = AUTH_ZIMBRA.search(message)
        if m is not None:
            return [_auth_zimbra(m)]
    elif "do_auth" in message:
        m = DO_AUTH.search(message)
        if m is not None:
            return [_do_auth(m)]
    return IGNORED_DIAGNOSTICS


def _event(**fields) -> dict:
    """An event dict without the unset (None) fields."""
    return {key: value for key, value in fields.items() if value is not None}


def _auth_zimbra(m: re.Match) -> dict:
    account = m["user"].lower() or None
    if m["ok"]:
        return _event(event="auth", outcome="success", protocol="smtp", account=account)
    reason = (m["reason"] or "").strip()
    typed = TYPED.search(reason) if "[" in reason else None
    account_typed = typed["typed"] if typed else None
    if account_typed is not None and account_typed.lower() == account:
        account_typed = None
    return _event(event="auth", outcome="failure", protocol="smtp", account=account,
                  account_typed=account_typed or None, detail=reason or None)


def _do_auth(m: re.Match) -> dict:
    reason = REASON.search(m["rest"])
    return _event(event="auth", outcome="success" if m["result"] == "success" else "failure",
                  protocol=(m["service"] or "smtp").lower(), account=m["user"].lower() or None,
                  detail=reason["reason"] or None if reason else None)
