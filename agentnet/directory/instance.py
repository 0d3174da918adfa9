"""The stable id of this agentnet instance: which publisher wrote a card into a shared directory.

Created once as a random id in ``$AGENTNET_HOME/instance_id`` (one home = one instance), or set with
``directory.origin`` in the config (two configs sharing one home, or a fixed name per machine).
"""

from __future__ import annotations

import os
import re
import secrets

from agentnet.config import INSTANCE_ID_PATTERN
from agentnet.errors import ConfigError
from agentnet.home import home_path

INSTANCE_FILE = "instance_id"
_VALID = re.compile(INSTANCE_ID_PATTERN)


def instance_id() -> str:
    """This home's instance id, created on first use (concurrent first uses agree on one id)."""
    path = home_path(INSTANCE_FILE)
    if not path.exists():
        # Written aside, then linked into place: concurrent first uses never read a half-written
        # file, and when two create it at once one link wins and both read the winner's id.
        aside = path.with_name(f".{INSTANCE_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        aside.write_text(secrets.token_hex(8) + "\n", encoding="utf-8")
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink(missing_ok=True)
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the instance id in {path}: {exc}", hint="delete the file; agentnet creates a new one"
        ) from None
    if not _VALID.match(value):
        raise ConfigError(
            f"{path} holds {value[:80]!r}, not an instance id (letters, digits, '_', '.', '-'; at most 64)",
            hint="delete the file (agentnet creates a new one) or write a valid id into it",
            code="bad_instance_id",
        )
    return value
