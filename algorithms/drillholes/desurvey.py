"""Desurvey: where each sampled interval lies, as the XYZ of its midpoint and the
hole's direction there.

Surveyed holes follow their stations (minimum curvature, `geometry.HolePath`);
a hole without survey rows runs straight along its collar azimuth and dip, or
vertically when the collar has none, as drilling databases assume. Intervals
beyond the last station or the recorded total depth are placed all the same
(extrapolated along the last direction) but reported, because they usually mean
a missing survey row or a wrong depth rather than a longer hole.
"""
import numpy as np

from ..common.progress import check_cancelled, report_progress
from .geometry import DIP_CONVENTIONS, HolePath, azimuth_dip, direction_vectors, rows_by_hole
from .tables import DEPTH_TOLERANCE_M


def hole_paths(collars, surveys):
    """{hole: HolePath}: surveyed holes through their stations, the others
    straight along the collar direction, vertical when there is none."""
    down = direction_vectors([0.0], [90.0])[0]
    paths = {}
    for hole, collar in collars.items():
        if hole in surveys:
            depths, tangents = surveys[hole]
        else:
            tangent = collar["tangent"] if collar["tangent"] is not None else down
            depths, tangents = np.array([0.0]), tangent[None, :]
        paths[hole] = HolePath(collar["xyz"], depths, tangents)
    return paths


# --- desurvey ---------------------------------------------------------------------
def desurvey(collars, surveys, intervals, progress=None, should_stop=None):
    """Midpoints of checked `intervals` (read_intervals) along the holes.

    Returns {"xyz" (n, 3), "azimuth", "dip" (negative downwards) at the
    midpoints, "warnings": [text]} with one warning per hole whose midpoints
    lie beyond its last survey station (extrapolated along the last direction)
    or beyond its recorded total depth."""
    paths = hole_paths(collars, surveys)
    holes = intervals["hole"]
    middle = 0.5 * (intervals["from"] + intervals["to"])
    xyz = np.empty((len(holes), 3))
    tangents = np.empty((len(holes), 3))
    warnings = []
    groups = rows_by_hole(holes)
    for count, (hole, rows) in enumerate(groups.items()):
        check_cancelled(should_stop)
        path = paths[hole]
        xyz[rows], tangents[rows] = path.locate(middle[rows])
        warnings.extend(_depth_warnings(hole, path, hole in surveys, collars[hole]["total_depth"],
                                        middle[rows], intervals["to"][rows]))
        report_progress(progress, (count + 1) / len(groups))
    azimuth, dip = azimuth_dip(tangents)
    return {"xyz": xyz, "azimuth": azimuth, "dip": dip, "warnings": warnings}


def _depth_warnings(hole, path, surveyed, total_depth, middle, end):
    warnings = []
    beyond = middle > path.last_depth + DEPTH_TOLERANCE_M
    if surveyed and beyond.any():
        warnings.append(
            f"hole '{hole}': {int(beyond.sum())} interval midpoint(s) down to {middle.max():g} m lie beyond the last "
            f"survey station at {path.last_depth:g} m; extrapolated along the last direction"
        )
    if np.isfinite(total_depth) and end.max() > total_depth + 0.01:
        warnings.append(
            f"hole '{hole}': intervals reach {end.max():g} m, deeper than its total depth {total_depth:g} m")
    return warnings


def survey_warnings(collars, surveys, convention):
    """Warnings for single holes a typo or a sign makes wrong: one that rises above its collar while the others go
    down (a +90 in a negative-down table), and a survey station deeper than the hole's recorded total depth."""
    warnings = []
    directions = {hole: t[:, 2] for hole, (_, t) in surveys.items()}
    directions.update({hole: np.array([c["tangent"][2]]) for hole, c in collars.items()
                       if hole not in directions and c["tangent"] is not None})
    downward = [hole for hole, z in directions.items() if np.all(z < 0)]
    for hole, z in directions.items():
        if downward and np.any(z > 0):
            depths = surveys[hole][0][z > 0] if hole in surveys else np.array([0.0])
            warnings.append(
                f"hole '{hole}': the direction at {depths[0]:g} m points upwards, so the hole rises above its collar, "
                f"while other holes go down (dip convention '{convention}'); check the sign of its dip")
    for hole, (depths, _) in surveys.items():
        total_depth = collars[hole]["total_depth"]
        if np.isfinite(total_depth) and depths[-1] > total_depth + DEPTH_TOLERANCE_M:
            warnings.append(
                f"hole '{hole}': a survey station at {depths[-1]:g} m is deeper than its total depth {total_depth:g} m "
                "in the collar table; check the depth or the total depth")
    return warnings


def upward_warning(collars, surveys, convention):
    """A warning when every hole points upwards: usually the dip convention
    is the wrong way round."""
    tangents = [t[:, 2] for _, t in surveys.values()]
    tangents += [np.array([c["tangent"][2]]) for c in collars.values() if c["tangent"] is not None]
    if tangents and all(np.all(t > 0) for t in tangents):
        other = [c for c in DIP_CONVENTIONS if c != convention][0]
        return f"every surveyed hole points upwards; if they are surface holes, the dip convention should be '{other}'"
    return None

