"""NumPy's OpenBLAS runs the processor's own kernels in the servers, not the generic
"Prescott" ones it falls back to for a processor model it does not know; an operator's
choice stands (each server case in a fresh interpreter, started as make starts it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from addons import blas_kernels

ROOT = Path(__file__).resolve().parents[3]

PROBE = (
    "import numpy, threadpoolctl\n"
    "print([p['architecture'] for p in threadpoolctl.threadpool_info()"
    " if p['internal_api'] == 'openblas'][0])\n"
)


def launched(tmp_path: Path, **env: str) -> str:
    """The kernels of NumPy's OpenBLAS in a process started by scripts/launch.py."""
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k != blas_kernels.VARIABLE}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "launch.py"), str(script)],
        cwd=ROOT,
        env={**environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_cpuinfo_is_read_for_the_vendor_and_the_first_processors_flags(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx avx2 fma\n\n"
        "processor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu\n",
        encoding="utf-8",
    )
    assert blas_kernels.cpu_flags(cpuinfo) == (
        "GenuineIntel",
        {"fpu", "sse2", "avx", "avx2", "fma"},
    )
    assert blas_kernels.cpu_flags(tmp_path / "missing") == ("", set())


def test_the_kernels_are_chosen_only_when_nobody_chose_and_numpy_is_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("vendor_id : AuthenticAMD\nflags : avx avx2 fma\n", encoding="utf-8")
    monkeypatch.delitem(sys.modules, "numpy", raising=False)
    environ: dict[str, str] = {}
    assert blas_kernels.install(environ, cpuinfo) == "Zen"
    assert environ == {"OPENBLAS_CORETYPE": "Zen"}
    operator = {"OPENBLAS_CORETYPE": "Haswell"}
    assert blas_kernels.install(operator, cpuinfo) is None
    assert operator == {"OPENBLAS_CORETYPE": "Haswell"}
    old = tmp_path / "old"
    old.write_text("vendor_id : GenuineIntel\nflags : sse2 sse4_2\n", encoding="utf-8")
    nothing: dict[str, str] = {}
    assert blas_kernels.install(nothing, old) is None and nothing == {}


def test_too_late_once_numpy_is_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("vendor_id : GenuineIntel\nflags : avx avx2 fma\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "numpy", sys.modules.get("numpy") or object())
    environ: dict[str, str] = {}
    assert blas_kernels.install(environ, cpuinfo) is None and environ == {}


def test_a_launched_server_runs_this_processors_kernels(tmp_path: Path) -> None:
    chosen = blas_kernels.coretype(*blas_kernels.cpu_flags())
    if chosen is None:
        pytest.skip("a processor without AVX: OpenBLAS's own choice stands")
    assert launched(tmp_path) == chosen


def test_an_operators_choice_stands(tmp_path: Path) -> None:
    assert launched(tmp_path, OPENBLAS_CORETYPE="Prescott") == "Prescott"


def test_env_sh_exports_the_same_choice() -> None:
    chosen = blas_kernels.coretype(*blas_kernels.cpu_flags()) or ""
    environ = {k: v for k, v in os.environ.items() if k != blas_kernels.VARIABLE}
    done = subprocess.run(
        ["bash", "-c", 'source scripts/env.sh >/dev/null && echo "[${OPENBLAS_CORETYPE-unset}]"'],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"[{chosen}]" if chosen else "[unset]")
