"""Rotation conventions shared by variograms, search ellipses and
experimental directions, in one place so the three can never disagree: GSLIB's
setrot (azimuth clockwise from north, dip positive up, rake about the major
axis), which is what users of GSLIB, Leapfrog and Datamine expect to type."""
import math

import numpy as np

ANGLE_CONVENTION = (
    "GSLIB setrot: azimuth clockwise from north; dip positive up (negative plunges down); rake about the "
    "major axis; ranges along major, semi-major, minor"
)


def rotation_matrix(azimuth=0.0, dip=0.0, rake=0.0):
    """GSLIB setrot without the anisotropy factors: rows are the major,
    semi-major and minor axes in (east, north, up)."""
    alpha = math.radians(90.0 - azimuth)
    beta = -math.radians(dip)
    theta = math.radians(rake)
    sa, ca = math.sin(alpha), math.cos(alpha)
    sb, cb = math.sin(beta), math.cos(beta)
    st, ct = math.sin(theta), math.cos(theta)
    return np.array(
        [
            [cb * ca, cb * sa, -sb],
            [-ct * sa + st * sb * ca, ct * ca + st * sb * sa, st * cb],
            [st * sa + ct * sb * ca, -st * ca + ct * sb * sa, ct * cb],
        ]
    )


def direction_vector(azimuth, dip=0.0):
    """Unit vector of an experimental direction, the major axis of setrot."""
    return rotation_matrix(azimuth, dip, 0.0)[0]


def as_xyz(points):
    """(n, 3) float coordinates from (n, 2) or (n, 3); 2D points lie at z = 0."""
    points = np.asarray(points, dtype=float)
    if points.ndim == 1:
        points = points[None, :]
    if points.shape[-1] == 2:
        points = np.concatenate([points, np.zeros(points.shape[:-1] + (1,))], axis=-1)
    if points.shape[-1] != 3:
        raise ValueError(f"coordinates must have 2 or 3 columns, got shape {points.shape}")
    return points


def axis_angles(vector):
    """(azimuth, dip) of a unit vector, dip positive up (GSLIB)."""
    x, y, z = (float(v) for v in vector)
    azimuth = math.degrees(math.atan2(x, y)) % 360.0
    dip = math.degrees(math.asin(max(-1.0, min(1.0, z))))
    return (round(azimuth, 10), round(dip, 10))


def spatial_order(points, bits=10):
    """Z-order (Morton) permutation of 3D points on a 2^bits grid per axis:
    consecutive points then form compact patches (kriging chunks whose targets
    share neighbours, variogram tiles whose far pairs are skipped whole)."""
    if len(points) == 0:
        return np.zeros(0, dtype=np.int64)
    low, span = points.min(axis=0), np.ptp(points, axis=0)
    cells = ((points - low) / np.where(span > 0, span, 1.0) * (2**bits - 1)).astype(np.int64)
    code = np.zeros(len(points), dtype=np.int64)
    for bit in range(bits):
        for axis in range(3):
            code |= ((cells[:, axis] >> bit) & 1) << (3 * bit + axis)
    return np.argsort(code, kind="stable")
