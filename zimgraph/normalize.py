"""Canonical forms for the values that become graph node ids: IP addresses, accounts, addresses.

Values come from attacker-controlled logs: anything that is not a valid IP is kept as
written (stripped), never guessed.

>>> canonical_ip("[2001:DB8:0:0::8]"), canonical_ip("::ffff:192.0.2.1"), canonical_ip("xxx.xxx")
('2001:db8::8', '192.0.2.1', 'xxx.xxx')
>>> canonical_address("<Admin@Example.COM>")
'admin@example.com'
"""

from __future__ import annotations

from typing import Final

import ipaddress

_IP_CACHE: Final[dict[str, str]] = {}


def canonical_ip(text: str) -> str:
    """Compressed lower-case form of an IPv4/IPv6 address; IPv4-mapped IPv6 becomes IPv4.

    Accepts brackets and the ``IPv6:`` prefix amavis/postfix write. Invalid values are
    returned stripped, unchanged otherwise.
    """
    found = _IP_CACHE.get(text)
    if found is not None:
        return found
    value = text.strip().strip("[]")
    if value[:5].lower() == "ipv6:":
        value = value[5:]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        result = value
    else:
        mapped = getattr(address, "ipv4_mapped", None)
        result = str(mapped or address)
    if len(_IP_CACHE) > 200_000:
        _IP_CACHE.clear()
    _IP_CACHE[text] = result
    return result


def is_ip(text: str) -> bool:
    """True when ``text`` is a valid IPv4 or IPv6 address (canonical form expected)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def canonical_address(text: str) -> str:
    """Lower-case e-mail address without angle brackets or surrounding blanks.

    An empty envelope sender ``<>`` becomes the empty string.
    """
    return text.strip().strip("<>").strip().lower()


def split_forwarded_for(chain: str) -> tuple[str, ...]:
    """The elements of an X-Forwarded-For / ``oip`` list, as written.

    >>> split_forwarded_for("1.2.3.4, 5.6.7.8")
    ('1.2.3.4', '5.6.7.8')
    """
    return tuple(part.strip() for part in chain.split(",") if part.strip())
