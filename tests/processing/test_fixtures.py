"""The test set-up itself: settings kept apart from the developer's, and the
memory_layer fixture building what the tests ask for."""
import os
import tempfile
from pathlib import Path

import pytest
from helpers import REPO


def test_settings_live_in_this_runs_temporary_profile(qgis_app):
    from qgis.core import QgsApplication, QgsSettings

    settings_file = Path(QgsSettings().fileName()).resolve()
    profile = Path(os.environ["QGIS_CUSTOM_CONFIG_PATH"]).resolve()
    assert profile in settings_file.parents, settings_file
    assert Path(tempfile.gettempdir()).resolve() in profile.parents
    assert Path(QgsApplication.qgisSettingsDirPath()).resolve().is_relative_to(profile)
    for real in (Path.home() / ".local" / "share" / "QGIS", REPO / ".qgis-profile"):
        assert not settings_file.is_relative_to(real.resolve())
    assert os.environ["XDG_CONFIG_HOME"].startswith(os.environ["REE_GRADE_TEST_SETTINGS"])


def test_memory_layer_types_nulls_and_geometry(memory_layer):
    from qgis.core import NULL, QgsWkbTypes
    from qgis.PyQt.QtCore import QVariant

    layer = memory_layer({"hole_id": "string", "grade": "double", "n": "integer"},
                         [("A", 1.5, 3), ("B", float("nan"), None)], coords=[(1, 2, 3), (4, 5, 6)], name="s")
    assert layer.isValid() and layer.name() == "s" and layer.featureCount() == 2
    assert layer.wkbType() == QgsWkbTypes.PointZ and layer.crs().authid() == "EPSG:32648"
    assert [f.type() for f in layer.fields()] == [QVariant.String, QVariant.Double, QVariant.Int]
    first, second = layer.getFeatures()
    assert first.attributes() == ["A", 1.5, 3]
    assert (first.geometry().constGet().x(), first.geometry().constGet().z()) == (1.0, 3.0)
    assert second.attributes() == ["B", NULL, NULL]


def test_memory_layer_columns_tables_and_no_crs(memory_layer):
    from qgis.core import QgsWkbTypes

    points = memory_layer(["La", "Ce:string"], {"La": [1.0, 2.0], "Ce": ["<0.5", "3"]}, coords=[(0, 0), (1, 1)],
                          crs="")
    assert points.wkbType() == QgsWkbTypes.Point and not points.crs().isValid()
    assert [f.attributes() for f in points.getFeatures()] == [[1.0, "<0.5"], [2.0, "3"]]

    table = memory_layer(["hole_id:string", "from_m", "to_m"], [("H1", 0, 2.5)])
    assert table.wkbType() == QgsWkbTypes.NoGeometry and table.featureCount() == 1


def test_memory_layer_refuses_what_it_cannot_build(memory_layer):
    with pytest.raises(ValueError, match="field 'x' has type 'float'"):
        memory_layer({"x": "float"})
    with pytest.raises(ValueError, match="row 1 has 1 values for 2 fields"):
        memory_layer(["a", "b"], [(1,)])
    with pytest.raises(ValueError, match="2 coordinates for 1 rows"):
        memory_layer(["a"], [(1,)], coords=[(0, 0), (1, 1)])


def test_memory_layer_polygons_from_wkt_and_kept_nan(memory_layer):
    import math

    from qgis.core import NULL, QgsWkbTypes

    wkt = "Polygon ((0 0, 50 0, 50 100, 0 100, 0 0))"
    clip = memory_layer([], coords=[wkt], geometry="Polygon", crs="EPSG:32611", name="clip")
    assert clip.wkbType() == QgsWkbTypes.Polygon and clip.crs().authid() == "EPSG:32611"
    assert clip.featureCount() == 1 and len(clip.fields()) == 0
    assert next(clip.getFeatures()).geometry().asWkt() == wkt
    assert memory_layer(["n:integer"], [(1,)], coords=[wkt]).wkbType() == QgsWkbTypes.Polygon

    grades = memory_layer(["g", "n:integer"], [(float("nan"), float("nan"))], coords=[(0, 0)], keep_nan=True)
    g, n = next(grades.getFeatures()).attributes()
    assert math.isnan(g) and n == NULL
