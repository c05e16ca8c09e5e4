"""Small pieces every stage shares: numeric parsing of lab tables, cancellation,
progress reporting."""


class Cancelled(Exception):
    """Raised inside a long loop when the user cancels; the wrapper cleans up."""


def check_cancelled(should_stop):
    if should_stop is not None and should_stop():
        raise Cancelled("cancelled by the user")


def report_progress(progress, fraction):
    if progress is not None:
        progress(min(max(float(fraction), 0.0), 1.0))




def progress_span(progress, start, end):
    """A progress callback mapping 0-1 onto start-end of `progress`."""
    if progress is None:
        return None
    return lambda fraction: progress(start + (end - start) * fraction)

