"""Shared fixtures.  `legacy_dir`: genuine Keras 2.2.4, the oracle of every numeric test.

$KFN_GEN_LEGACY_DIR or the kfn-gen user cache; installed from PyPI (pinned keras==2.2.4,
keras_applications==1.0.6, keras_preprocessing==1.0.5) on first use.  A machine that cannot
install it fails these tests rather than skipping them: a skipped oracle proves nothing.
"""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def legacy_dir():
    pytest.importorskip("tensorflow")
    from kfn_gen.verify import oracle as runtime

    try:
        return runtime.ensure_legacy_keras()
    except runtime.LegacyRuntimeError as exc:  # pragma: no cover - no PyPI
        pytest.fail(f"could not install Keras 2.2.4 from PyPI: {exc}")


@pytest.fixture(scope="session")
def keras224_sdist():
    """The extracted Keras 2.2.4 source distribution (examples/, tests/, docs/; kfn_gen.keras224.corpus),
    downloaded from PyPI on first use.  Like the oracle, a missing corpus fails, never skips."""
    from kfn_gen.keras224.corpus import sdist_root

    try:
        return sdist_root()
    except Exception as exc:  # pragma: no cover - no PyPI
        pytest.fail(f"could not fetch the Keras 2.2.4 source distribution from PyPI: {exc}")
