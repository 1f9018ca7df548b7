"""Starting servers: taken ports are named with their process; known third-party
warnings are hidden from `make run` only; a server dies with the script that started it."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from scripts import launch, ports

ROOT = Path(__file__).resolve().parents[3]


def test_a_taken_port_is_named_with_its_process(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert not ports.is_free("127.0.0.1", port)
        assert not ports.is_free("0.0.0.0", port)  # another interface does not help
        assert os.getpid() in [pid for pid, _ in ports.owners(port)]
        assert ports.main([f"127.0.0.1:{port}"]) == 1
        error = capsys.readouterr().err
        assert f"port {port}" in error and f"process {os.getpid()}" in error
    assert ports.is_free("127.0.0.1", port)
    assert ports.main([f"127.0.0.1:{port}"]) == 0


def warn(category: type[Warning], message: str, filename: str) -> str:
    out = io.StringIO()
    warnings.showwarning(message, category, filename, 1, out)
    return out.getvalue()


def test_known_third_party_warnings_are_hidden_and_others_shown(monkeypatch) -> None:
    site = "/x/.venv/lib/python3.10/site-packages/pkg_resources/__init__.py"

    def shown(message, category, filename, lineno, file=None, line=None) -> None:  # type: ignore[no-untyped-def]
        file.write(f"{filename}: {category.__name__}: {message}")

    monkeypatch.setattr(warnings, "showwarning", shown)
    launch.quiet_known_warnings()
    assert warn(DeprecationWarning, "pkg_resources is deprecated as an API", site) == ""

    class PyparsingDeprecationWarning(DeprecationWarning):
        pass

    hidden = warn(
        PyparsingDeprecationWarning, "'parseString' deprecated - use 'parse_string'", site
    )
    assert hidden == ""
    # a new warning of a package, and any warning of our own code, are shown
    assert "something new" in warn(DeprecationWarning, "something new", site)
    ours = str(ROOT / "actions" / "appointment.py")
    assert "pkg_resources" in warn(DeprecationWarning, "pkg_resources is deprecated", ours)


def test_a_launched_server_dies_with_its_parent(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    child_script = tmp_path / "child.py"
    child_script.write_text(
        "import os, time, pathlib\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))\n"
        "time.sleep(120)\n"
    )
    # a parent shell that starts the child through launch.py, then is killed outright
    parent = subprocess.Popen(
        [
            "bash",
            "-c",
            f"{sys.executable} {ROOT / 'scripts' / 'launch.py'} {child_script} & wait",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the child did not start"
        time.sleep(0.1)
    child = int(pid_file.read_text())
    parent.send_signal(signal.SIGKILL)  # no trap can run: only the kernel can help
    parent.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and "Z" not in state(child):
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.1)


def state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return "gone"
