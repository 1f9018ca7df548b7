"""Checks that the ports the assistant needs are free, before anything starts.

    python scripts/ports.py 127.0.0.1:5055 127.0.0.1:5005 127.0.0.1:8080

Without it, a server left over from an earlier run keeps a port; the new server fails to
bind while the other one (perhaps with an old model) answers in its place. Exit status 1,
and one line per taken port naming the process that holds it (read from /proc).
Standard library only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
from pathlib import Path

LISTEN = "0A"  # the TCP state LISTEN in /proc/net/tcp


def is_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def _listening(port: int, proc: Path) -> list[tuple[str, str]]:
    """(local address, socket inode) of every socket listening on ``port``."""
    found = []
    for table in ("tcp", "tcp6"):
        path = proc / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) < 10 or fields[3] != LISTEN:
                continue
            address, _, hex_port = fields[1].rpartition(":")
            if int(hex_port, 16) == port:
                found.append((address, fields[9]))
    return found


def listening_inodes(port: int, proc: Path = Path("/proc")) -> set[str]:
    """The socket inodes listening on ``port`` (any address), from /proc/net/tcp{,6}."""
    return {inode for _, inode in _listening(port, proc)}


def listening_addresses(port: int, proc: Path = Path("/proc")) -> set[str]:
    """The local addresses listening on ``port``, as /proc/net/tcp writes them
    (``0100007F`` is 127.0.0.1, ``00000000`` every interface)."""
    return {address for address, _ in _listening(port, proc)}


def _socket_links(process: Path) -> set[str]:
    """What the file descriptors of a process point to (those still open when read)."""
    links: set[str] = set()
    with contextlib.suppress(OSError):  # the process ended, or is not ours to read
        for fd in (process / "fd").iterdir():
            with contextlib.suppress(OSError):  # closed meanwhile
                links.add(os.readlink(fd))
    return links


def owners(port: int, proc: Path = Path("/proc")) -> list[tuple[int, str]]:
    """(pid, command line) of the processes holding a listening socket on ``port``."""
    wanted = {f"socket:[{inode}]" for inode in listening_inodes(port, proc)}
    found: list[tuple[int, str]] = []
    if not wanted:
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        if wanted & _socket_links(entry):
            with contextlib.suppress(OSError):
                raw = (entry / "cmdline").read_bytes().replace(b"\0", b" ").strip()
                found.append((int(entry.name), raw.decode(errors="replace")[:160]))
    return found


def describe(host: str, port: int) -> str:
    holders = owners(port)
    if not holders:
        who = "another program (not visible to this user)"
    else:
        who = ", ".join(f"process {pid} ({command})" for pid, command in holders)
    return f"port {port} ({host}) is already in use by {who}"


def main(argv: list[str]) -> int:
    taken = []
    for item in argv:
        host, _, port = item.rpartition(":")
        if not is_free(host or "127.0.0.1", int(port)):
            taken.append(describe(host or "127.0.0.1", int(port)))
    for line in taken:
        print(f"ERROR: {line}.", file=sys.stderr)
    if taken:
        print(
            "Stop that process (an assistant left running?) or choose other ports, "
            "e.g. RASA_PORT=5006 ACTION_PORT=5056 WEB_PORT=8081 make run.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
