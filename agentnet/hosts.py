"""Is a host (or the host of a URL) this machine's loopback? One answer for every part that asks.

A model or peer on loopback keeps data on this host (card defaults, cost lookup), and a server bound
to loopback may run without a token and refuses foreign ``Host`` headers (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})
# RFC 9110 Host: uri-host [ ":" port ]: a name or IPv4 address, or an IPv6 address in brackets; a port is digits only.
_HOST_HEADER = re.compile(r"(?:(?P<name>[A-Za-z0-9._-]+)|\[(?P<ipv6>[0-9A-Fa-f:.]+)\])(?::[0-9]{1,5})?")


def is_loopback_host(host: str) -> bool:
    """``localhost``, any 127.x.y.z, ``::1`` (bracketed or not); a name that merely starts with 127 is not."""
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_header_name(value: str) -> str | None:
    """The host named by a ``Host`` header (``127.0.0.1:8080``, ``[::1]``), lower-case and without brackets;
    None unless the whole value is host[:port]. Cutting at the last colon instead would read
    ``127.0.0.1:1@evil.com`` as 127.0.0.1."""
    match = _HOST_HEADER.fullmatch(value)
    if match is None:
        return None
    return (match["name"] or match["ipv6"]).lower()


def url_host(url: str | None) -> str | None:
    """The host of ``url`` (``https://Agents.example.org:8443/x``; a bare ``host:port`` too), lower-case
    and without an IPv6 address's brackets; None when there is none."""
    if not url:
        return None
    try:
        return urlsplit(url if "://" in url else f"//{url}").hostname or None
    except ValueError:
        return None


def is_loopback_url(url: str | None) -> bool:
    """Whether ``url`` (``http://127.0.0.1:8080/v1``; a bare ``host:port`` too) points at this host."""
    host = url_host(url)
    return host is not None and is_loopback_host(host)
