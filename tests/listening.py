"""What the kernel says is listening: parsed from /proc/net/tcp{,6}, never from name resolution.

Security tests use this instead of resolving the machine's hostname, whose answer depends on the
machine (often only 127.0.0.1), so a server that binds every interface is seen wherever it runs.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from pathlib import Path

_LISTEN = "0A"


def _decode(hex_address: str) -> str:
    # The kernel prints each 32-bit word of the address in host byte order.
    words = [int(hex_address[i : i + 8], 16) for i in range(0, len(hex_address), 8)]
    packed = b"".join(struct.pack("=I", word) for word in words)
    family = socket.AF_INET if len(packed) == 4 else socket.AF_INET6
    return socket.inet_ntop(family, packed)


def listening_addresses(port: int, proc_net: Path = Path("/proc/net")) -> set[str]:
    """Every local address with a TCP socket listening on ``port`` (IPv4 and IPv6)."""
    found: set[str] = set()
    for table in ("tcp", "tcp6"):
        path = proc_net / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == _LISTEN and int(port_hex, 16) == port:
                found.add(_decode(address))
    return found


def is_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))
