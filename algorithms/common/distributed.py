"""Chunks of a prediction on a Dask cluster (`dask.distributed`), for block
models and cubes too large for one workstation.

One setting says where the work runs: empty = in this process (the thread
pools of each estimator, the default); `local` or `local:N` = a
`distributed.LocalCluster` of N worker processes (one thread each) started
and closed by the run; `tcp://host:port` (or `tls://`) = an existing
scheduler, e.g. one started with dask-jobqueue on Slurm.

`Cluster.map` is `in_order` for a cluster: the large input shared by every
chunk (the fitted krigers, a model) is broadcast to the workers once, each
chunk is one task, and the results come back in order, so a value never
depends on which worker computed it. A lost worker's tasks are recomputed
by the scheduler on another (and a task that raised is retried once, for
transient storage errors); cancel releases every pending task; a chunk that
still fails fails the run with its own exception and message.
"""
import collections
import multiprocessing
import os
import shutil
import sys

from .optional import optional_import
from .progress import Cancelled, check_cancelled, report_progress

ENVIRONMENT_VARIABLE = "REEGRADE_DASK_SCHEDULER"
RETRIES = 1
CONNECT_SECONDS = 30
POLL_SECONDS = 0.2  # how often a wait looks at the cancel button
ADDRESS_SCHEMES = ("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")


def parse_scheduler(setting):
    """(kind, n_workers, address) of a scheduler setting: ("", 0, "") for
    in-process, ("local", N, "") or ("address", 0, address); a ValueError
    saying what is accepted for anything else."""
    text = (setting or "").strip()
    if not text:
        return "", 0, ""
    if text.lower().startswith(ADDRESS_SCHEMES):
        return "address", 0, text
    head, _, count = text.partition(":")
    if head.lower() == "local":
        if not count:
            return "local", max(os.cpu_count() or 1, 1), ""
        if count.strip().isdigit() and int(count) >= 1:
            return "local", int(count), ""
    raise ValueError(f"Dask scheduler '{text}': expected empty (run in this process), 'local', 'local:N' "
                     "(N worker processes on this machine) or a scheduler address such as tcp://host:8786")


def open_cluster(setting):
    """A started `Cluster` for the setting, or None for in-process (then
    every estimator runs its own thread pool, as without Dask)."""
    kind, n_workers, address = parse_scheduler(setting)
    if not kind:
        return None
    return Cluster(n_workers=n_workers, address=address).start()


class Cluster:
    """A client on a LocalCluster it owns (n_workers) or on a running
    scheduler (address); a context manager closing what it started."""

    def __init__(self, n_workers=0, address=""):
        self.n_workers = int(n_workers)
        self.address = address
        self.client = None
        self._local = None

    def start(self):
        distributed = optional_import("distributed")
        if self.address:
            try:
                self.client = distributed.Client(self.address, timeout=f"{CONNECT_SECONDS}s", set_as_default=False)
            except (OSError, TimeoutError) as error:
                raise ValueError(f"Dask scheduler at {self.address} could not be reached ({error})") from None
            try:
                self.client.wait_for_workers(1, timeout=CONNECT_SECONDS)
            except TimeoutError:
                self.close()
                raise ValueError(f"Dask scheduler at {self.address} has no worker connected after "
                                 f"{CONNECT_SECONDS} s; start workers for it (dask worker {self.address})") from None
            return self
        _python_for_workers()
        dask = optional_import("dask")
        # Set at all, Dask's MALLOC_TRIM_THRESHOLD_ turns off glibc's adaptive
        # mmap threshold, so every large temporary of a kriging chunk is mapped
        # and faulted in afresh: 1.4-2.8 times slower measured (README). None
        # unsets it; BLAS stays on one thread, as Dask sets it.
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
            self._local = distributed.LocalCluster(n_workers=self.n_workers, threads_per_worker=1, processes=True,
                                                   dashboard_address=None, silence_logs=40)
        try:
            self.client = distributed.Client(self._local, set_as_default=False)
        except BaseException:
            self._local.close()
            raise
        return self

    def close(self):
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._local is not None:
            self._local.close()
            self._local = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def where(self):
        """Where the work runs, for the log."""
        if self._local is not None:
            return f"on {self.n_workers} worker process(es) of a local Dask cluster"
        n = len(self.client.scheduler_info().get("workers", {})) if self.client is not None else 0
        return f"on the Dask scheduler at {self.address} ({n} worker(s) connected)"

    def worker_count(self):
        return max(len(self.client.scheduler_info().get("workers", {})), 1)

    def map(self, function, shared, items, progress=None, should_stop=None, window=None, count=None):
        """[function(shared, item) for item in items] on the workers, in
        order (`imap` collected)."""
        return list(self.imap(function, shared, items, progress, should_stop, window, count))

    def imap(self, function, shared, items, progress=None, should_stop=None, window=None, count=None):
        """function(shared, item) for item in items, computed on the workers
        and yielded in order, `shared` sent to every worker once and at most
        `window` chunks in flight; `items` may be a generator of `count`
        chunks, read only as they are submitted, so neither this process nor
        the scheduler holds every chunk's input (or output, when the caller
        writes each as it comes) at once. `function` must be importable by
        the workers (a module-level function of the plugin)."""
        if count is None:
            items = list(items)
            count = len(items)
        if not count:
            return
        window = int(window or 2 * self.worker_count() + 1)
        [shared_future] = self.client.scatter([shared], broadcast=True, hash=False)
        pending, yielded, done_before = collections.deque(), 0, -1
        try:
            for index, item in enumerate(items):
                pending.append(self.client.submit(function, shared_future, item, pure=False, retries=RETRIES))
                while pending and (len(pending) >= window or index == count - 1):
                    check_cancelled(should_stop)
                    _raise_first_error(pending)
                    try:
                        result = pending[0].result(timeout=POLL_SECONDS)
                    except TimeoutError:
                        result = pending  # not ready: a sentinel no task returns
                    done = yielded + sum(future.done() for future in pending)
                    if done != done_before:
                        report_progress(progress, done / count)
                        done_before = done
                    if result is not pending:
                        pending.popleft()
                        yielded += 1
                        yield result
        finally:
            # Reached on success (nothing left), on an error, a cancel or a
            # consumer that stopped reading: no task outlives the call.
            self.client.cancel(list(pending) + [shared_future], force=True)
            pending.clear()


def _raise_first_error(pending):
    """A chunk that failed (after its retry) fails the run now, not when its
    turn in the order comes."""
    for future in pending:
        if future.status == "error":
            future.result()
        if future.status == "cancelled":
            raise Cancelled("the Dask cluster cancelled a chunk")


def _python_for_workers():
    """Worker processes are spawned with sys.executable, which inside the
    QGIS application is the QGIS binary, not a Python: point
    multiprocessing at the Python beside it (bin/python3 on Linux and
    macOS, python.exe in OSGeo4W's Python folder)."""
    name = os.path.basename(sys.executable or "").lower()
    if name.startswith("python"):
        return
    candidates = [os.path.join(sys.exec_prefix, "bin", "python3"), os.path.join(sys.exec_prefix, "python.exe")]
    python = next((path for path in candidates if os.path.exists(path)), None) or shutil.which("python3")
    if python:
        multiprocessing.set_executable(python)
