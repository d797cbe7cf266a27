"""Shared test configuration: a fixed Hypothesis profile so CI runs are reproducible."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=3000, deadline=None)
# CI uses the fixed, derandomized "ci" profile; HYPOTHESIS_PROFILE=thorough searches harder
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
