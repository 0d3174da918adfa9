"""An MCP server (stdio, written with the SDK) whose tool reads files by name, as filesystem servers do:
its ``path`` parameter has no agentnet role, only a name and a description. With ``--list`` the tool
takes a list of names instead; with ``--find`` it lists a folder's files instead (a folder and a
pattern, neither named for a file nor given a form, so no kind of value fits them); with ``--hold
FILE`` it answers only once FILE is gone (at most 120 s), so a test can interrupt a run while its step
is running.

    python tests/mcp/files_server.py [--list | --find] [--hold FILE]
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import Annotated

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)
app = MCPServer("agentnet-files")


HOLD = Path(sys.argv[sys.argv.index("--hold") + 1]) if "--hold" in sys.argv else None


async def digest(path: str) -> str:
    deadline = time.monotonic() + 120
    while HOLD is not None and HOLD.exists() and time.monotonic() < deadline:
        await anyio.sleep(0.05)
    # Relative names resolve in the server's working directory, which agentnet's is.
    return f"{Path(path).name} {hashlib.sha256(Path(path).read_bytes()).hexdigest()}"


if "--find" in sys.argv:

    @app.tool(annotations=READ_ONLY)
    def find_files(
        directory: Annotated[str, Field(description="The directory to search")],
        pattern: Annotated[str, Field(description="A glob pattern such as *.txt")],
    ) -> str:
        """Find the files in a directory whose names match a glob pattern."""
        found = sorted(p.name for p in Path(directory).glob(pattern))
        return "\n".join(found) or f"no file matches {pattern!r} in {directory!r}"

elif "--list" in sys.argv:

    @app.tool(annotations=READ_ONLY)
    async def sha256_checksums(paths: Annotated[list[str], Field(description="The paths of the files")]) -> str:
        """Compute the SHA-256 checksum of files."""
        return "\n".join([await digest(path) for path in paths])

else:

    @app.tool(annotations=READ_ONLY)
    async def sha256_checksum(path: Annotated[str, Field(description="The path of the file")]) -> str:
        """Compute the SHA-256 checksum of a file."""
        return await digest(path)


if __name__ == "__main__":
    app.run()
