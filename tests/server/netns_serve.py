"""Run inside a private network namespace (``unshare --net``): give ``lo`` a non-loopback address,
start ``agentnet serve`` with the given arguments, and print as JSON what it did.

The namespace is this test's alone, so the address exists only here (no dependence on the machine's
interfaces or on how its hostname resolves) and a fixed port is free by construction.

    unshare --net python netns_serve.py AGENTNET_EXE [serve args...]
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from listening import listening_addresses

LAN_ADDRESS = "198.51.100.7"  # TEST-NET-2: not loopback; in this namespace it is a local address
PORT = 8000
START_TIMEOUT_S = 120


def _reach(address: str) -> str:
    url = f"http://{address}:{PORT}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.status)
    except urllib.error.HTTPError as exc:
        return str(exc.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return f"unreachable: {getattr(exc, 'reason', exc)}"


def main() -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "addr", "add", f"{LAN_ADDRESS}/32", "dev", "lo"], check=True)
    with socket.create_server((LAN_ADDRESS, 0)):  # the address really is usable here
        pass
    agentnet, *args = sys.argv[1:]
    process = subprocess.Popen(
        [agentnet, "serve", "--port", str(PORT), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    report: dict[str, object] = {"lan_address": LAN_ADDRESS, "port": PORT}
    deadline = time.monotonic() + START_TIMEOUT_S
    listening: set[str] = set()
    # Until the server exits or answers on one of the two addresses.
    while time.monotonic() < deadline and process.poll() is None:
        listening = listening_addresses(PORT)
        if listening and any(_reach(a) == "200" for a in ("127.0.0.1", LAN_ADDRESS)):
            break
        time.sleep(0.1)
    report["exit_code"] = process.poll()
    report["listening"] = sorted(listening_addresses(PORT))
    report["reach"] = {address: _reach(address) for address in ("127.0.0.1", LAN_ADDRESS)}
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    output, _ = process.communicate()
    report["output"] = output[-4000:]
    print(json.dumps(report))


if __name__ == "__main__":
    main()
