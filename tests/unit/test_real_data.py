"""The real data sets the spatial-estimator benchmarks read (bench/real_data.py):
shapes, counts and physical sense, from tests/data only (no ../shared, no QGIS)."""
import sys

import numpy as np
import pytest
from helpers import REPO

sys.path.insert(0, str(REPO / "bench"))
import real_data  # noqa: E402 (needs the line above)

COPPER_CREEK_ROWS = 30406
COPPER_CREEK_HOLES = 488


def _check_consistent(data, n):
    assert data["xyz"].shape == (n, 3)
    assert data["grade"].shape == (n,)
    assert data["holes"].shape == (n,)
    assert np.isfinite(data["xyz"]).all()
    assert np.isfinite(data["grade"]).all()
    assert (data["grade"] >= 0).all()
    for codes in data["categorical"].values():
        assert codes.shape == (n,)
    assert data["n_zero"] == int((data["grade"] == 0).sum())
    assert data["label"]


@pytest.mark.parametrize("element", real_data.JURA_ELEMENTS)
def test_jura(element):
    data = real_data.load_jura(element)
    _check_consistent(data, 259)
    assert (data["xyz"][:, 2] == 0).all()
    assert len(set(data["holes"])) == 259
    assert set(data["categorical"]) == {"rock", "landuse"}
    assert set(data["categorical"]["rock"]) == {"Argovian", "Kimmeridgian", "Portlandian", "Quaternary", "Sequanian"}
    assert set(data["categorical"]["landuse"]) == {"Forest", "Meadow", "Pasture", "Tillage"}


def test_jura_rejects_an_unknown_element():
    with pytest.raises(ValueError, match="unknown element"):
        real_data.load_jura("La")


def test_walker_lake():
    data = real_data.load_walker_lake()
    _check_consistent(data, 470)
    assert len(set(data["holes"])) == 470
    assert data["n_zero"] == 22
    assert data["xyz"][:, :2].min() >= 0 and data["xyz"][:, :2].max() <= 300


def test_copper_creek_cu():
    data = real_data.load_copper_creek()
    _check_consistent(data, COPPER_CREEK_ROWS)
    assert len(set(data["holes"])) == COPPER_CREEK_HOLES > 100
    assert set(data["categorical"]) == {"lith"}
    lith, counts = np.unique(data["categorical"]["lith"], return_counts=True)
    assert dict(zip(lith, counts))["pqd"] == 10872
    # Full-length composites, but for the 248 end pieces of at least half the length kept (residual rule "discard").
    length = data["to_m"] - data["from_m"]
    full = real_data.COMPOSITE_LENGTH_M
    assert (np.abs(length - full) > 1e-3).sum() == 248
    assert length.min() >= 0.5 * full - 1e-3 and length.max() <= full + 1e-3


def test_copper_creek_mo_leaves_out_composites_without_mo():
    data = real_data.load_copper_creek("Mo_pct")
    _check_consistent(data, 24384)
    assert set(data["holes"]) <= set(real_data.load_copper_creek()["holes"])


def test_copper_creek_composites_lie_along_their_holes():
    data = real_data.load_copper_creek()
    collars = real_data.load_copper_creek_collars()
    assert len(collars) == 545
    x, y, z, depth, upward = np.array([collars[hole] for hole in data["holes"]]).T
    middle = 0.5 * (data["from_m"] + data["to_m"])
    tolerance = 0.02
    # Along-hole depth bounds the straight distance from the collar, and no composite lies past the hole's end.
    distance = np.linalg.norm(data["xyz"] - np.column_stack([x, y, z]), axis=1)
    assert (distance <= middle + tolerance).all()
    assert (data["to_m"] <= depth + tolerance).all()
    # Surface holes go down: between the collar elevation and the collar minus the hole depth.
    down = upward == 0
    assert down.sum() > 0.99 * len(down)
    assert (data["xyz"][down, 2] <= z[down] + tolerance).all()
    assert (data["xyz"][down, 2] >= z[down] - depth[down] - tolerance).all()
    # The underground holes that rise stay within their depth of the collar.
    assert (np.abs(data["xyz"][~down, 2] - z[~down]) <= depth[~down] + tolerance).all()
