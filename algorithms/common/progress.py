"""Cancellation and progress for long loops, without QGIS.

The science cannot see a QgsProcessingFeedback, so each long loop takes two
plain callables: `should_stop()` polled between blocks (a cancelled run raises
`Cancelled`, which the Processing base turns into a clean stop with no partial
outputs) and `progress(fraction)` with fraction in 0-1. `progress_span` lets a
stage hand a sub-range of its bar to each step.
"""


class Cancelled(Exception):  # noqa: N818 (a stop the user asked for, not an error)
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

