"""Lab-table parsing, model files and the atomic writer, the pieces every stage relies on."""
import os
import stat

import numpy as np
import pytest

from ree_grade.algorithms.common.atomic import atomic_path, atomic_write_bytes, current_umask
from ree_grade.algorithms.common.parsing import parse_numeric, thousands_warning
from ree_grade.algorithms.common.progress import Cancelled, check_cancelled
from ree_grade.algorithms.io.modelfile import ModelFileError, load_model, save_model


def test_below_detection_both_notations_and_policies():
    raw = ["1.5", "<0.5", -0.5, "", None, "NA", 3, "1,250"]
    half = parse_numeric(raw, "assays", "La", negative_is_below_detection=True)
    np.testing.assert_allclose(half.values, [1.5, 0.25, 0.25, np.nan, np.nan, np.nan, 3.0, 1250.0])
    assert half.n_below_detection == 2 and half.n_missing == 3
    zero = parse_numeric(raw, "assays", "La", negative_is_below_detection=True, below_detection="zero")
    assert zero.values[1] == 0.0 and zero.values[2] == 0.0
    missing = parse_numeric(raw, "assays", "La", negative_is_below_detection=True, below_detection="missing")
    assert np.isnan(missing.values[1]) and missing.detection_limit[1] == 0.5


def test_negative_values_kept_where_they_are_real():
    parsed = parse_numeric(["-60", "-45.5"], "survey", "dip")
    np.testing.assert_allclose(parsed.values, [-60.0, -45.5])
    assert parsed.n_below_detection == 0


def test_text_in_numeric_column_names_table_column_and_row():
    with pytest.raises(ValueError, match=r"assays: column 'Ce', row 3: 'abc' is not a number"):
        parse_numeric(["1", "2", "abc"], "assays", "Ce")


def test_a_batch_of_a_longer_table_names_the_row_in_the_whole_table():
    with pytest.raises(ValueError, match=r"blocks: column 'pc_01', row 65538: 'abc' is not a number"):
        parse_numeric(["1", "abc"], "blocks", "pc_01", first_row=65537)


def test_cancel():
    check_cancelled(None)
    check_cancelled(lambda: False)
    with pytest.raises(Cancelled):
        check_cancelled(lambda: True)


def test_model_file_round_trip_and_every_check(tmp_path):
    path = str(tmp_path / "t.json")
    arrays = {"lambdas": np.array([0.1, -0.3]), "shifts": np.array([0.0, 1.0])}
    save_model(path, "boxcox", 1, ["La", "Ce"], {"shift": "auto"}, arrays, {"n": 10, "seed": 3})
    header, loaded = load_model(path, "boxcox", 1, ["La", "Ce"])
    np.testing.assert_array_equal(loaded["lambdas"], arrays["lambdas"])
    assert header["metadata"]["n"] == 10 and header["plugin_version"] != "unknown"

    with pytest.raises(ModelFileError, match="kind is 'boxcox', expected 'pcafusion'"):
        load_model(path, "pcafusion", 1)
    with pytest.raises(ModelFileError, match="format_version 1 is not supported"):
        load_model(path, "boxcox", 2)
    with pytest.raises(ModelFileError, match=r"missing \['Ce'\]"):
        load_model(path, "boxcox", 1, ["La", "Nd"])

    edited = dict(arrays, lambdas=np.array([0.1, -0.31]))
    np.savez(str(tmp_path / "t.npz"), **edited)
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        load_model(path, "boxcox", 1)

    data = (tmp_path / "t.npz").read_bytes()
    (tmp_path / "t.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="corrupted or truncated"):
        load_model(path, "boxcox", 1)

    (tmp_path / "t.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="not a valid JSON"):
        load_model(path, "boxcox", 1)


def test_model_file_refuses_object_arrays(tmp_path):
    with pytest.raises(ValueError, match="without pickle"):
        save_model(str(tmp_path / "m.json"), "x", 1, [], {}, {"bad": np.array([{"a": 1}], dtype=object)})
    assert not (tmp_path / "m.json").exists()


@pytest.fixture
def umask():
    """Set the process umask for one test and restore it afterwards."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield os.umask
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_atomic_files_get_the_umask_permissions(tmp_path, umask, mask, expected):
    umask(mask)
    assert current_umask() == mask
    atomic_write_bytes(str(tmp_path / "report.html"), b"<html/>")
    assert _mode(tmp_path / "report.html") == expected
    # A writer that creates its own file privately (as sqlite or a GDAL driver may)
    # still publishes it with the umask's permissions.
    with atomic_path(str(tmp_path / "cube.tif")) as tmp:
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as handle:
            handle.write(b"II*\0")
    assert _mode(tmp_path / "cube.tif") == expected
    assert (tmp_path / "cube.tif").read_bytes() == b"II*\0"
    assert current_umask() == mask


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "sub" / "model.json"
    atomic_write_bytes(str(path), b"one")
    atomic_write_bytes(str(path), b"two")
    assert path.read_bytes() == b"two"
    assert os.listdir(path.parent) == ["model.json"]


def test_exception_leaves_neither_the_file_nor_a_temporary(tmp_path):
    class WriterFailedError(Exception):
        pass

    with pytest.raises(WriterFailedError):
        with atomic_path(str(tmp_path / "blocks.gpkg")) as tmp:
            for name in (tmp, tmp + "-journal", tmp + ".aux.xml"):
                with open(name, "wb") as handle:
                    handle.write(b"half")
            raise WriterFailedError
    assert os.listdir(tmp_path) == []
    (tmp_path / "old.tif").write_bytes(b"kept")
    with pytest.raises(WriterFailedError):
        with atomic_path(str(tmp_path / "old.tif")) as tmp:
            with open(tmp, "wb") as handle:
                handle.write(b"half")
            raise WriterFailedError
    assert os.listdir(tmp_path) == ["old.tif"]
    assert (tmp_path / "old.tif").read_bytes() == b"kept"


def test_a_writer_that_writes_nothing_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="did not create"):
        with atomic_path(str(tmp_path / "x.tif")):
            pass
    assert os.listdir(tmp_path) == []


def test_model_file_safetensors_codec_and_header_checksum(tmp_path):
    import json

    path = str(tmp_path / "w.json")
    arrays = {"layer0.weight": np.arange(6, dtype=np.float32).reshape(1, 2, 3)}
    params = {"hidden": (3,), "scale": 1.5}
    header = save_model(path, "net", 1, ["a", "b"], params, arrays, codec="safetensors", header_in_checksum=True)
    assert header["arrays_file"] == "w.safetensors" and (tmp_path / "w.safetensors").is_file()
    assert not (tmp_path / "w.npz").exists()
    assert header["params"]["hidden"] == [3]  # as the loader reads it back, so the checksum matches
    header, loaded = load_model(path, "net", 1, ["a", "b"], codec="safetensors", header_in_checksum=True)
    np.testing.assert_array_equal(loaded["layer0.weight"], arrays["layer0.weight"])
    assert loaded["layer0.weight"].dtype == np.float32

    original = (tmp_path / "w.json").read_text()
    edited = json.loads(original)
    edited["params"]["scale"] = 2.0
    (tmp_path / "w.json").write_text(json.dumps(edited))
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        load_model(path, "net", 1, codec="safetensors", header_in_checksum=True)
    (tmp_path / "w.json").write_text(original)
    # The option is part of the file's format: a reader without it sees another checksum.
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        load_model(path, "net", 1, codec="safetensors")
    weights = (tmp_path / "w.safetensors").read_bytes()
    (tmp_path / "w.safetensors").write_bytes(weights[: len(weights) // 2])
    with pytest.raises(ModelFileError, match="weights file is corrupted or truncated"):
        load_model(path, "net", 1, codec="safetensors", header_in_checksum=True)
    (tmp_path / "w.safetensors").unlink()
    with pytest.raises(ModelFileError, match="weights file 'w.safetensors' not found beside it"):
        load_model(path, "net", 1, codec="safetensors", header_in_checksum=True)


def test_model_file_codec_names(tmp_path):
    from ree_grade.algorithms.io.modelfile import arrays_path_for

    assert arrays_path_for("/m/x.json") == "/m/x.npz"
    assert arrays_path_for("/m/x.json", codec="safetensors") == "/m/x.safetensors"
    assert arrays_path_for("/m/x.json", ".bin") == "/m/x.bin"
    with pytest.raises(ValueError, match="codec must be one of npz, safetensors, got 'pickle'"):
        save_model(str(tmp_path / "m.json"), "x", 1, [], {}, {"a": np.zeros(2)}, codec="pickle")
    assert not (tmp_path / "m.json").exists()


def test_a_missing_optional_package_is_a_value_error_naming_the_pip_package():
    from ree_grade.algorithms.common.optional import MissingPackageError, optional_import

    assert optional_import("numpy.linalg") is np.linalg
    with pytest.raises(MissingPackageError, match=r"needs the Python package 'scikit-learn', which could not be "
                                                  r"imported .*python3 -m pip install scikit-learn") as caught:
        optional_import("sklearn.no_such_module_of_it")
    assert isinstance(caught.value, ValueError)


def test_a_thousands_comma_among_decimals_is_flagged_with_its_row():
    column = parse_numeric(["1.2", "1,500", "0.9", "<0.5"], "assays", "Tm")
    assert column.values[1] == 1500.0 and column.thousands.tolist() == [False, True, False, False]
    warning = thousands_warning(column, "assays", "Tm")
    assert "assays: column 'Tm'" in warning and "row 2" in warning and "read as 1500" in warning


def test_a_thousands_comma_among_thousands_is_not_flagged():
    assert thousands_warning(parse_numeric(["1200", "1,500", "900"], "assays", "La"), "assays", "La") is None
    assert thousands_warning(parse_numeric(["1.2", "0.9"], "assays", "Tm"), "assays", "Tm") is None
