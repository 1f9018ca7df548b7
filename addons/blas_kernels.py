"""NumPy's matrix products on the processor's vector units, not on OpenBLAS's fallback.

DIET and TED predict in NumPy (addons/diet_numpy.py, addons/ted_numpy.py): nine small
matrix products a message, done by the OpenBLAS that NumPy's wheel carries (0.3.20 with
NumPy 1.23, which Rasa 3.6 pins). That OpenBLAS chooses its kernels from a table of
processor models; a model it does not know gets its oldest kernels, "Prescott" (SSE3,
2004). The reference machine's Xeon (family 6, model 207, 2023) is not in the table:
every product of the Rasa server ran on those kernels, three to five times slower than
the processor's AVX-512 ones. OpenBLAS reads ``OPENBLAS_CORETYPE`` when it loads, and
runs the kernels named there.

``coretype`` names the newest kernels the processor can run, from the instruction sets
Linux lists in /proc/cpuinfo (Linux lists AVX and AVX-512 only when it saves their
registers, so a listed set is usable): SkylakeX (AVX-512; Cooperlake's single-precision
kernels are the same, and SciPy's older OpenBLAS, 0.3.18, does not know that name),
Haswell (AVX2 and FMA), Zen (AMD's AVX2), Sandybridge (AVX); below AVX, OpenBLAS's own
choice stands. A value the operator set is left alone. The results differ from
Prescott's in the last bits only (another order of the same sums):
``tests/integration/test_diet_numpy.py`` and ``test_model_loading.py`` compare the
predictions with TensorFlow's.

Measured on the reference machine (2 December 2026): DIET's nine products for a message
of 25 positions 0.57 to 0.75 ms on Prescott's kernels, 0.19 to 0.22 ms on SkylakeX's; in
DIET's whole NumPy prediction of the realistic held-out messages, about 0.3 ms a message
less (the rest is element-wise work: GELU, softmax, the CRF).

OpenBLAS reads the variable once, when NumPy is first imported, so it must be in the
environment before: scripts/env.sh exports it for everything ``make`` starts (the
servers, the tests, the benchmarks), and scripts/launch.py sets it for a server started
otherwise. Importing this module imports nothing but the standard library.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

VARIABLE = "OPENBLAS_CORETYPE"
CPUINFO = Path("/proc/cpuinfo")

AVX512 = {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}


def cpu_flags(cpuinfo: Path = CPUINFO) -> tuple[str, set[str]]:
    """The first processor's vendor and instruction-set flags ("", empty: unknown)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "", set()
    vendor, flags = "", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "vendor_id" and not vendor:
            vendor = value.strip()
        elif key == "flags":
            flags = set(value.split())
            break
    return vendor, flags


def coretype(vendor: str, flags: set[str]) -> str | None:
    """OpenBLAS's name of the newest kernels these instruction sets run (None: leave
    OpenBLAS's own choice).

    >>> coretype("GenuineIntel", AVX512 | {"avx2", "fma", "avx", "avx512_bf16"})
    'SkylakeX'
    >>> coretype("AuthenticAMD", AVX512 | {"avx2", "fma", "avx"})
    'SkylakeX'
    >>> coretype("GenuineIntel", {"avx2", "fma", "avx"})
    'Haswell'
    >>> coretype("AuthenticAMD", {"avx2", "fma", "avx"})
    'Zen'
    >>> coretype("GenuineIntel", {"avx"})
    'Sandybridge'
    >>> coretype("GenuineIntel", {"sse4_2"}) is None
    True
    """
    if flags >= AVX512 | {"avx2", "fma"}:
        return "SkylakeX"
    if flags >= {"avx2", "fma"}:
        return "Zen" if vendor == "AuthenticAMD" else "Haswell"
    if "avx" in flags:
        return "Sandybridge"
    return None


def install(environ: MutableMapping[str, str] = os.environ, cpuinfo: Path = CPUINFO) -> str | None:
    """The kernels set for OpenBLAS (None: the operator's value, none better known, or
    NumPy already loaded, too late to choose)."""
    if environ.get(VARIABLE) or "numpy" in sys.modules:
        return None
    chosen = coretype(*cpu_flags(cpuinfo))
    if chosen:
        environ[VARIABLE] = chosen
    return chosen


def main() -> int:
    """Prints the kernels to use (nothing when OpenBLAS's own choice should stand)."""
    print(coretype(*cpu_flags()) or "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
