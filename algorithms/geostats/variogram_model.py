"""Nested anisotropic variogram models and their model file: what kriging,
MIK and the variogram stage share (the experimental variogram, the fit and the
plot live in `experimental`, `variogram_fit` and `reports.variogram_plot`).

Angles follow GSLIB's ``setrot`` (Deutsch & Journel 1998): the azimuth turns the
major axis clockwise from north (+y); the dip then tilts it about the rotated
semi-major axis, POSITIVE UP, as in GSLIB (a major axis plunging 30 degrees below
horizontal has dip -30); the rake (GSLIB's third angle) turns the semi-major and
minor axes about the major one. The rows of `rotation_matrix` are the major,
semi-major and minor axes as unit vectors in (east, north, up) coordinates; an
experimental direction (azimuth, dip) is the unit vector
(sin az cos dip, cos az cos dip, sin dip), GSLIB gamv's convention.

Exponential and Gaussian structures use the practical range, as GSLIB does:
1 - exp(-3h/a) and 1 - exp(-3h^2/a^2), so every structure reaches 95 % or more of
its sill at its range. (PyKrige's exponential is the same; its Gaussian uses
(4a/7)^2 instead of a^2/3.)
"""
import math

import numpy as np

from ..io.modelfile import ListOf, Mapping, Number, Text, check_schema, load_model, save_model
from .geometry import ANGLE_CONVENTION, as_xyz, rotation_matrix

STRUCTURE_TYPES = ("spherical", "exponential", "gaussian")
MODEL_KIND = "variogram"
MODEL_VERSION = 1
STRUCTURE_SCHEMA = Mapping(
    {"type": Text(*STRUCTURE_TYPES), "sill": Number(low=0), "ranges": ListOf(Number(above=0), length=3)},
    optional={"angles": ListOf(Number(), length=3)},
)
PARAMS_SCHEMA = Mapping(
    {"nugget": Number(low=0), "structures": ListOf(STRUCTURE_SCHEMA)},
    optional={"angle_convention": Text(), "lag": Number(above=0), "sample_variance": Number(low=0)},
)


def unit_correlation(kind, r, out=None, work=None):
    """Correlation (1 - normalised gamma) of one structure at reduced distance
    r = h / range; `out` (may be r itself) and `work` are optional buffers of
    r's shape, so the kriging loop allocates nothing."""
    if kind == "spherical":
        out = np.minimum(r, 1.0, out=out)
        work = np.multiply(out, out, out=work)
        work *= 0.5
        work -= 1.5
        out *= work
        out += 1.0
        return out
    if kind == "exponential":
        return np.exp(np.multiply(r, -3.0, out=out), out=out)
    if kind == "gaussian":
        out = np.multiply(r, r, out=out)
        out *= -3.0
        return np.exp(out, out=out)
    raise ValueError(f"unknown variogram structure type {kind!r}; use one of {STRUCTURE_TYPES}")


class Structure:
    """One nested structure: type, sill contribution, ranges (major, semi-major,
    minor) and GSLIB angles (azimuth, dip, rake)."""

    def __init__(self, kind, sill, ranges, angles=(0.0, 0.0, 0.0)):
        if kind not in STRUCTURE_TYPES:
            raise ValueError(f"unknown variogram structure type {kind!r}; use one of {STRUCTURE_TYPES}")
        ranges = tuple(float(r) for r in np.broadcast_to(np.asarray(ranges, dtype=float), (3,)))
        if sill < 0 or not math.isfinite(sill):
            raise ValueError(f"{kind} structure: sill must be a non-negative number, got {sill}")
        if min(ranges) <= 0 or not all(map(math.isfinite, ranges)):
            raise ValueError(f"{kind} structure: ranges must be positive, got {ranges}")
        self.kind = kind
        self.sill = float(sill)
        self.ranges = ranges
        self.angles = tuple(float(a) for a in angles)

    @property
    def reduction(self):
        """3x3 matrix M with h @ M the lag in units of range along each axis."""
        return rotation_matrix(*self.angles).T / np.asarray(self.ranges)[None, :]

    def to_dict(self):
        return {"type": self.kind, "sill": self.sill, "ranges": list(self.ranges), "angles": list(self.angles)}


class VariogramModel:
    """Nugget plus nested structures; gamma(h) and the covariance
    C(h) = total sill - gamma(h), with C(0) the total sill (nugget included)."""

    def __init__(self, nugget, structures):
        if nugget < 0 or not math.isfinite(nugget):
            raise ValueError(f"variogram nugget must be a non-negative number, got {nugget}")
        self.nugget = float(nugget)
        self.structures = list(structures)
        if self.total_sill <= 0:
            raise ValueError("variogram model has a zero total sill; it cannot weight samples")

    @property
    def total_sill(self):
        return self.nugget + sum(s.sill for s in self.structures)

    def covariance(self, h_vectors):
        """C(h) for lag vectors (..., 2 or 3); the nugget counts only at h = 0."""
        h = as_xyz(h_vectors)
        at_zero = ~np.any(h != 0.0, axis=-1)
        cov = np.where(at_zero, self.nugget, 0.0)
        for structure in self.structures:
            r = np.linalg.norm(h @ structure.reduction, axis=-1)
            cov = cov + structure.sill * unit_correlation(structure.kind, r)
        return cov

    def gamma(self, h_vectors):
        return self.total_sill - self.covariance(h_vectors)

    def to_dict(self):
        return {"nugget": self.nugget, "structures": [s.to_dict() for s in self.structures]}

    @classmethod
    def from_dict(cls, data, source="variogram model"):
        """The model of `to_dict()`; a malformed dict is a ValueError naming `source` and the key."""
        check_schema(source, data, PARAMS_SCHEMA)
        structures = [Structure(s["type"], s["sill"], s["ranges"], s.get("angles", (0.0, 0.0, 0.0)))
                      for s in data["structures"]]
        return cls(data["nugget"], structures)

    def save(self, path, field, experimental=None, metadata=None):
        """The model as a JSON header (kind 'variogram', fitted on `field`) with
        the experimental variogram it was fitted to as checked arrays beside it."""
        params = dict(self.to_dict(), angle_convention=ANGLE_CONVENTION)
        if experimental is not None:
            params["lag"] = experimental.lag
            params["sample_variance"] = experimental.variance
        arrays = experimental.arrays() if experimental is not None else {}
        return save_model(path, MODEL_KIND, MODEL_VERSION, [field], params, arrays, metadata)

    @classmethod
    def load(cls, path):
        """The model of a file written by `save`, after the model file's kind,
        version and checksum checks; the file's header (fields, metadata) is
        kept as `header_`."""
        header, _ = load_model(path, MODEL_KIND, MODEL_VERSION, params_schema=PARAMS_SCHEMA)
        model = cls.from_dict(header["params"], source=path)
        model.header_ = header
        return model

    def describe(self):
        parts = [f"nugget {self.nugget:.4g}"]
        for s in self.structures:
            ranges = "/".join(f"{r:.4g}" for r in s.ranges)
            angles = "/".join(f"{a:g}" for a in s.angles)
            parts.append(f"{s.kind} sill {s.sill:.4g} ranges {ranges} angles {angles}")
        return "; ".join(parts)
