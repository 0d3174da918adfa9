"""A `directory.url` whose scheme does not match the server (a TLS server asked in plain HTTP), or a TLS
server whose certificate this machine does not trust: each was told to start a server that was
running. A real TLS server on loopback (the standard library's, with a self-signed certificate made
here); the https URL to a plain `chroma run` is in test_dir_server.py."""

from __future__ import annotations

import datetime
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from dirkit import CountingEmbedder

from agentnet.directory.store import Directory
from agentnet.errors import DirectoryError


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[str]:
    """host:port of an HTTPS server with a self-signed certificate."""
    cert, key = self_signed(tmp_path)
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize(
    ("scheme", "says"),
    [
        ("http", "reset the connection: if it serves TLS, write directory.url as https://{where}"),
        ("https", "speaks TLS, but its certificate is not one this machine trusts (self-signed certificate)"),
    ],
)
def test_a_server_that_answered_is_not_told_to_start(
    tls_server: str, embedder: CountingEmbedder, scheme: str, says: str
) -> None:
    with pytest.raises(DirectoryError, match=f"cannot reach the chroma server at {scheme}://{tls_server}") as info:
        Directory(url=f"{scheme}://{tls_server}", embedder=embedder)
    hint = info.value.hint or ""
    assert says.format(where=tls_server) in hint and "start it" not in hint, hint
