"""Is a host (or the host of a URL) this machine's loopback? One answer for every part that asks.

A model or peer on loopback keeps data on this host (card defaults, cost lookup), and a server bound
to loopback may run without a token and refuses foreign ``Host`` headers (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


def is_loopback_host(host: str) -> bool:
    """``localhost``, any 127.x.y.z, ``::1`` (bracketed or not); a name that merely starts with 127 is not."""
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


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
