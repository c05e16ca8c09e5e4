"""Work handed to a thread pool in order, with bounded memory, progress and
cancel: the shape every chunked prediction needs, so that a value never
depends on how many workers computed it or in which order they finished."""
import collections

from .progress import check_cancelled, report_progress


def in_order(pool, function, items, window, progress, should_stop):
    """[function(item) for item in items] on `pool`, at most `window` items
    queued at once (flat memory), results in order; a cancel or an error
    drops the queued items instead of waiting for them."""
    pending, results = collections.deque(), []
    try:
        for index, item in enumerate(items):
            check_cancelled(should_stop)
            pending.append(pool.submit(function, item))
            last = index == len(items) - 1
            while pending and (len(pending) >= window or last):
                check_cancelled(should_stop)
                results.append(pending.popleft().result())
                report_progress(progress, len(results) / len(items))
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    return results
