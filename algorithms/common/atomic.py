"""(split from modelfile; docstring to write)"""
import os
import tempfile


def atomic_write_bytes(path, data):
    """Write to a temporary file beside `path` and move it into place, so an
    interrupted run never leaves a half-written file under the final name."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp_", suffix=os.path.basename(path))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise

