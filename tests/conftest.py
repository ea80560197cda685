"""Shared fixtures and hypothesis profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.load_profile("default")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeds_dir() -> Path:
    """The checked-in seed corpus."""
    return REPO / "seeds"
