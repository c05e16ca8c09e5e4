"""A prediction run on the Dask cluster the "Dask scheduler" setting names
(`settings.dask_scheduler`), opened before the call and closed after it,
the log saying where the chunks ran; in this process when the setting is
empty."""
from contextlib import contextmanager

from ..algorithms.common.distributed import open_cluster, parse_scheduler
from .settings import dask_scheduler


def run_on_dask(algorithm, feedback, function, *args, **kwargs):
    """function(*args, cluster=<Cluster or None>, **kwargs)."""
    with prediction_cluster(algorithm, feedback) as cluster:
        return function(*args, cluster=cluster, **kwargs)


@contextmanager
def prediction_cluster(algorithm, feedback):
    """The setting's Dask cluster for the run's predictions, or None (this
    process); one cluster for every batch of a streamed run."""
    setting, source = dask_scheduler()
    try:
        kind = parse_scheduler(setting)[0]
    except ValueError as error:
        raise ValueError(algorithm.tr("{0} (set in {1})").format(error, source)) from None
    if not kind:
        yield None
        return
    feedback.pushInfo(algorithm.tr("Starting or connecting to the Dask cluster '{0}' (set in {1}; the environment "
                                   "variable wins over the settings page)").format(setting, source))
    with open_cluster(setting) as cluster:
        feedback.pushInfo(algorithm.tr("Prediction chunks run {0}").format(cluster.where()))
        yield cluster
