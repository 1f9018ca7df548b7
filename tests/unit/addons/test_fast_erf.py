"""The float32 error function of DIET's and TED's GELU stays within 6.1e-7 of the exact
one, keeps its symmetry and its limits, and GELU built on it within 1e-6 of SciPy's."""

from __future__ import annotations

import numpy as np
from scipy.special import erf as exact_erf

from addons.diet_numpy import gelu
from addons.fast_erf import erf

GRID = np.linspace(-8.0, 8.0, 2_000_001, dtype=np.float32)


def test_within_its_bound_of_the_exact_function_on_two_million_points() -> None:
    fast = erf(GRID)
    assert fast.dtype == np.float32
    assert (
        float(np.abs(fast.astype(np.float64) - exact_erf(GRID.astype(np.float64))).max()) <= 6.1e-7
    )


def test_odd_bounded_and_saturated_far_from_zero() -> None:
    fast = erf(GRID)
    assert np.array_equal(fast, -erf(-GRID))
    assert float(np.abs(fast).max()) <= 1.0
    assert erf(np.array([6.0, -6.0], dtype=np.float32)).tolist() == [1.0, -1.0]


def test_gelu_on_it_matches_gelu_on_scipys_erf() -> None:
    x = np.random.default_rng(7).normal(0.0, 3.0, size=(40, 512)).astype(np.float32)
    reference = 0.5 * x.astype(np.float64) * (1.0 + exact_erf(x.astype(np.float64) / np.sqrt(2.0)))
    assert float(np.abs(gelu(x) - reference).max()) <= 1e-6 * max(1.0, float(np.abs(x).max()))
