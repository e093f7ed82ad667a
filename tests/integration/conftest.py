# SPDX-License-Identifier: GPL-2.0
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import keel  # noqa: E402


@pytest.fixture(scope="module")
def keel_smp4():
    """One Keel on 4 CPUs shared by a module's read-only command tests."""
    k = keel.start(smp=4, mem=512)
    yield k
    k.close()
