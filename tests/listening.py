"""Loopback sockets for tests, without guesses: what the kernel says is listening (parsed from
/proc/net/tcp{,6}, never from name resolution), and a port that refuses connections for sure.

Security tests read the listening sockets instead of resolving the machine's hostname, whose answer
depends on the machine (often only 127.0.0.1), so a server that binds every interface is seen wherever
it runs. A test that needs "nothing listens here" holds ``refused_port()`` instead of naming a port
(9, 1) that something on some machine may be listening on; one that needs "connects, then no answer"
holds ``silent_port()``.
"""

from __future__ import annotations

import http.server
import ipaddress
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_LISTEN = "0A"
_ESTABLISHED = "01"


def _decode(hex_address: str) -> str:
    # The kernel prints each 32-bit word of the address in host byte order.
    words = [int(hex_address[i : i + 8], 16) for i in range(0, len(hex_address), 8)]
    packed = b"".join(struct.pack("=I", word) for word in words)
    family = socket.AF_INET if len(packed) == 4 else socket.AF_INET6
    return socket.inet_ntop(family, packed)


def _sockets(proc_net: Path) -> Iterator[list[str]]:
    for table in ("tcp", "tcp6"):
        path = proc_net / table
        if path.exists():
            yield from (line.split() for line in path.read_text().splitlines()[1:])


def listening_addresses(port: int, proc_net: Path = Path("/proc/net")) -> set[str]:
    """Every local address with a TCP socket listening on ``port`` (IPv4 and IPv6)."""
    found: set[str] = set()
    for fields in _sockets(proc_net):
        address, port_hex = fields[1].rsplit(":", 1)
        if fields[3] == _LISTEN and int(port_hex, 16) == port:
            found.add(_decode(address))
    return found


def connections_to(port: int, proc_net: Path = Path("/proc/net")) -> int:
    """How many TCP connections to ``port`` are open (established) on this machine's client side."""
    return sum(1 for fields in _sockets(proc_net) if fields[3] == _ESTABLISHED and fields[2].endswith(f":{port:04X}"))


def is_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


@contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port that refuses every connection while the block runs: bound (so nobody else can
    take it) but never listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@contextmanager
def silent_port() -> Iterator[int]:
    """A loopback port that accepts every connection while the block runs and never sends a byte:
    a remote model that hangs, for the caller's own deadline to end."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)  # so the accepting thread sees the stop flag
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:  # includes the timeout
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        listener.close()


@contextmanager
def http_serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served on a free loopback port in a thread: yields its base URL
    (``http://127.0.0.1:PORT``), and shuts the server down and joins its thread afterwards."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
