"""The one way the plugin writes a file: to a temporary name beside the target,
moved into place only when complete.

A run that fails, is cancelled or crashes half way must never leave a truncated
model file, report or raster under the name the user asked for, where QGIS or a
later stage would take it for a good one. The temporary file sits in the target's
folder so the final `os.replace` is a rename on one file system (atomic), and it
is created with the permissions any new file of the user gets (0o666 minus the
umask): `tempfile.mkstemp` would make it private (0o600), which a model or report
meant to be shared should not be. The umask is read without changing it, because
inside QGIS other threads create files at the same time.
"""
import contextlib
import errno
import glob
import os
import secrets
import threading

_UMASK_LOCK = threading.Lock()
# What a full disk, a quota or a file-size limit (ulimit -f) makes a write fail with.
_NO_ROOM = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


class OutputWriteError(ValueError):
    """An output that could not be written whole (no room on the disk); a
    ValueError, so the user reads the message, not a traceback."""


def no_room_error(path, reason):
    return OutputWriteError(
        f"{path}: could not be written ({reason}), as when the disk is full or the file is larger than the system "
        "allows; nothing was left at that path: free some space (or write elsewhere) and run again")


def current_umask():
    """The process umask, read from /proc where the kernel reports it (Linux),
    otherwise by setting and restoring it under a lock."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    # Elsewhere os.umask is the only reader; the lock keeps our own threads from
    # interleaving two such reads, the window is two system calls.
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def file_mode():
    """Permissions of a new file: 0o666 minus the umask."""
    return 0o666 & ~current_umask()


def _temporary_name(path):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    # The target's name as suffix keeps its extension, which GDAL and sqlite go by.
    return os.path.join(directory, f".tmp_{secrets.token_hex(6)}_{os.path.basename(path)}")


def _remove_temporaries(tmp):
    """The temporary file and any sidecar a writer made beside it (GDAL's
    .aux.xml, sqlite's -journal/-wal)."""
    for leftover in glob.glob(glob.escape(tmp) + "*"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(leftover)


@contextlib.contextmanager
def atomic_path(path):
    """A fresh temporary path beside `path` (no file there yet) for a writer
    that creates the file itself (GDAL, rasterio, sqlite, a seek-and-write
    loop). When the block exits normally the file gets the umask's permissions
    and replaces `path`; on any exception it and its sidecars are removed."""
    tmp = _temporary_name(path)
    try:
        try:
            yield tmp
        except OSError as error:
            if error.errno in _NO_ROOM:
                raise no_room_error(path, error.strerror) from None
            raise
        if not os.path.exists(tmp):
            raise FileNotFoundError(f"{path}: the writer did not create its temporary file {tmp}")
        mode = file_mode()
        if os.stat(tmp).st_mode & 0o777 != mode:
            # Writers differ (sqlite creates 0o644, some drivers 0o600); a file
            # system without POSIX permissions (FAT, SMB) refuses the change, and
            # the file is complete all the same.
            with contextlib.suppress(PermissionError):
                os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        _remove_temporaries(tmp)


def atomic_write_bytes(path, data):
    """Write `data` to `path` through a temporary file beside it."""
    with atomic_path(path) as tmp:
        # os.open applies the umask to 0o666 itself, as open() would.
        handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
