"""A prediction run on the Dask cluster the "Dask scheduler" setting names
(`settings.dask_scheduler`), opened before the call and closed after it,
the log saying where the chunks ran; in this process when the setting is
empty."""
from ..algorithms.common.distributed import open_cluster, parse_scheduler
from .settings import dask_scheduler


def run_on_dask(algorithm, feedback, function, *args, **kwargs):
    """function(*args, cluster=<Cluster or None>, **kwargs)."""
    setting, source = dask_scheduler()
    try:
        kind = parse_scheduler(setting)[0]
    except ValueError as error:
        raise ValueError(algorithm.tr("{0} (set in {1})").format(error, source)) from None
    if not kind:
        return function(*args, cluster=None, **kwargs)
    feedback.pushInfo(algorithm.tr("Starting or connecting to the Dask cluster '{0}' (set in {1}; the environment "
                                   "variable wins over the settings page)").format(setting, source))
    with open_cluster(setting) as cluster:
        feedback.pushInfo(algorithm.tr("Prediction chunks run {0}").format(cluster.where()))
        return function(*args, cluster=cluster, **kwargs)
