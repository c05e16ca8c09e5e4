"""The geological model behind the synthetic deposit: a carbonatite-syenite
complex emplaced along a steep NNE-striking fault, as at Maoniuping and
Dalucao (Sichuan), with fluorite-barite-bastnaesite ore concentrated in a
structurally controlled core.

Every property is a deterministic function of (x, y, z) built from a seeded
`DepositModel`, so blocks, samples and map pixels all see the same rock:
lithology (UNITS), alteration intensities in [0, 1] (fluoritisation,
baritisation, fenitisation, weathering, iron oxides) and the TREO grade.

Grade (TREO %, oxide) = exp(L) where
    L = mu[lithology] + 0.8 * core * shoots + 0.45 * fluoritisation
        + 0.25 * baritisation + sigma[lithology] * G   (capped at ln 25 %)
with mu = ln of 1.1, 0.9, 0.28, 0.10, 0.035, 0.02 % (carbonatite, breccia,
syenite, fenite, granite, dyke; the dyke is post-mineral and gets no uplift),
`core` a Gaussian of the distance to the carbonatite dyke zone (45 m),
`shoots` plunging ore shoots along strike, and G a seeded Gaussian random
field (Matern 3/2 by random Fourier features, anisotropic: 180 m along strike,
120 m down dip, 35 m across). A sample adds a nugget exp(e - s^2/2), e ~ N(0,
0.35^2), whose mean is 1, so the block grade (the mean over the block) is the
mean of exp(L) over the block's discretisation points.
"""
import numpy as np

# Stable unit list: (code, description). Map polygons, the block model and the
# truth tables use these codes; logs also have "overburden".
UNITS = (
    ("carbonatite", "Carbonatite (calcite soevite) with fluorite-barite-bastnaesite veins"),
    ("breccia", "Carbonatite-matrix breccia with syenite and fenite clasts"),
    ("syenite", "Aegirine-augite syenite"),
    ("fenite", "Fenite: sodic (aegirine-riebeckite) altered granite around the intrusion"),
    ("granite", "Host biotite alkali-feldspar granite"),
    ("dyke", "Post-mineral diabase dyke"),
)
UNIT_CODES = tuple(code for code, _ in UNITS)
CARBONATITE, BRECCIA, SYENITE, FENITE, GRANITE, DYKE = range(len(UNITS))
OVERBURDEN = "overburden"

LOG_MEDIAN_TREO = np.log([1.1, 0.9, 0.28, 0.10, 0.035, 0.02])
LOG_SIGMA = np.array([0.55, 0.6, 0.6, 0.5, 0.35, 0.2])
NUGGET_SIGMA = 0.35
MAX_TREO_PCT = 25.0

STRIKE_DEG = 20.0
FAULT_DIP_DEG = 75.0
DIP_DIRECTION_DEG = STRIKE_DEG + 270.0
CARBONATITE_OFFSET_M = 8.0


def unit_vector(azimuth_deg, plunge_deg=0.0):
    """(east, north, up) of a direction: azimuth clockwise from north, plunge
    positive downwards."""
    az, pl = np.radians(azimuth_deg), np.radians(plunge_deg)
    return np.array([np.cos(pl) * np.sin(az), np.cos(pl) * np.cos(az), -np.sin(pl)])


class RandomField:
    """A zero-mean, unit-variance Gaussian random field with Matern 3/2
    covariance, as a sum of random Fourier features: frequencies drawn from the
    Matern spectral density (a Student t with 3 degrees of freedom), scaled by
    `ranges` along the axes of `frame` (dims x dims, rows are unit vectors)."""

    def __init__(self, rng, ranges, frame=None, n_features=160, dims=3):
        frame = np.eye(dims) if frame is None else np.asarray(frame, dtype=float)
        z = rng.standard_normal((n_features, dims))
        chi = rng.chisquare(3.0, size=(n_features, 1))
        omega = z / np.sqrt(chi / 3.0) / np.asarray(ranges, dtype=float)[:dims]
        self.omega = omega @ frame
        self.phase = rng.uniform(0.0, 2.0 * np.pi, n_features)
        self.scale = np.sqrt(2.0 / n_features)

    def __call__(self, points, chunk=50_000):
        # float32 halves the cost of the cosines; the field stays deterministic.
        points = np.asarray(points, dtype=float)
        omega = self.omega.T.astype(np.float32)
        phase = self.phase.astype(np.float32)
        out = np.empty(len(points))
        for start in range(0, len(points), chunk):
            block = points[start : start + chunk, : self.omega.shape[1]].astype(np.float32)
            out[start : start + chunk] = self.scale * np.cos(block @ omega + phase).sum(axis=1, dtype=np.float64)
        return out


class DepositModel:
    """The deposit's geometry and properties for one preset and seed.

    `centre` (x, y) of the complex, `strike_length` of the mineralised zone;
    coordinates are projected metres (EPSG:32648).
    """

    def __init__(self, rng, centre, strike_length, base_elevation=2300.0):
        self.centre = np.asarray(centre, dtype=float)
        self.strike_length = float(strike_length)
        self.base_elevation = float(base_elevation)
        self.u = unit_vector(STRIKE_DEG)
        self.n_h = unit_vector(DIP_DIRECTION_DEG)
        dip = np.radians(FAULT_DIP_DEG)
        self.normal = np.array([self.n_h[0] * np.sin(dip), self.n_h[1] * np.sin(dip), np.cos(dip)])
        self.downdip = np.cross(self.normal, self.u)
        frame = np.vstack([self.u, self.downdip, self.normal])
        self.topo_field = RandomField(rng, (700.0, 700.0), n_features=96, dims=2)
        self.grade_field = RandomField(rng, (180.0, 120.0, 35.0), frame)
        self.contact_field = RandomField(rng, (150.0, 150.0, 150.0), n_features=96)
        self.alteration_field = RandomField(rng, (120.0, 90.0, 30.0), frame, n_features=128)
        self.weathering_field = RandomField(rng, (250.0, 250.0, 60.0), n_features=64)
        self.width_field = RandomField(rng, (300.0, 200.0, 1000.0), frame, n_features=64)
        self.fault_wiggle = (rng.uniform(25.0, 45.0), rng.uniform(0.7, 1.3) * self.strike_length, rng.uniform(0, 6.3))
        self.shoots = self._draw_shoots(rng)
        self.pipes = self._draw_pipes(rng)
        self.dykes = self._draw_dykes(rng)
        self.cross_faults = self._draw_cross_faults(rng)

    # --- geometry ---------------------------------------------------------
    def _draw_shoots(self, rng):
        n = max(2, int(round(self.strike_length / 500.0)))
        centres = np.sort(rng.uniform(-0.4, 0.4, n)) * self.strike_length
        widths = rng.uniform(80.0, 160.0, n)
        plunge = np.tan(np.radians(rng.uniform(-35.0, 35.0, n)))
        return centres, widths, plunge

    def _draw_pipes(self, rng):
        n = max(1, int(round(self.strike_length / 700.0)))
        t = rng.uniform(-0.4, 0.4, n) * self.strike_length
        s = rng.uniform(-40.0, 60.0, n)
        radius = rng.uniform(35.0, 70.0, n)
        xy = self.centre[None, :] + t[:, None] * self.u[None, :2] + s[:, None] * self.n_h[None, :2]
        return xy, radius

    def _draw_dykes(self, rng):
        n = max(1, int(round(self.strike_length / 600.0)))
        t = rng.uniform(-0.45, 0.45, n) * self.strike_length
        azimuth = rng.uniform(290.0, 320.0, n)
        width = rng.uniform(5.0, 11.0, n)
        half_length = rng.uniform(300.0, 800.0, n)
        points = self.centre[None, :] + t[:, None] * self.u[None, :2]
        return points, azimuth, width, half_length

    def _draw_cross_faults(self, rng):
        n = max(2, int(round(self.strike_length / 450.0)))
        t = np.sort(rng.uniform(-0.5, 0.5, n)) * self.strike_length
        azimuth = rng.uniform(120.0, 150.0, n)
        points = self.centre[None, :] + t[:, None] * self.u[None, :2]
        return points, azimuth

    def topography(self, x, y):
        local = np.column_stack([np.asarray(x, float) - self.centre[0], np.asarray(y, float) - self.centre[1]])
        ridge = 60.0 * np.exp(-0.5 * ((local @ self.n_h[:2]) / 600.0) ** 2)
        return self.base_elevation + ridge + 45.0 * self.topo_field(local) + 0.03 * (local @ self.u[:2])

    def _frame(self, xyz):
        local = np.asarray(xyz, dtype=float) - np.array([self.centre[0], self.centre[1], self.base_elevation])
        t = local @ self.u
        amplitude, wavelength, phase = self.fault_wiggle
        d = local @ self.normal - amplitude * np.sin(2.0 * np.pi * t / wavelength + phase)
        return local, t, d

    def _taper(self, t, margin):
        half = 0.5 * self.strike_length
        return np.clip((half + margin - np.abs(t)) / (2.0 * margin), 0.0, 1.0)

    def _horizontal_distance_to_lines(self, xy, points, azimuths):
        distances = []
        for point, azimuth in zip(points, azimuths):
            direction = unit_vector(azimuth)[:2]
            offset = xy - point[None, :]
            distances.append(np.abs(offset[:, 0] * direction[1] - offset[:, 1] * direction[0]))
        return np.min(distances, axis=0)

    # --- properties -------------------------------------------------------
    def properties(self, xyz, depth_below_surface):
        """Dict of arrays at points `xyz` (n, 3): lithology (int code),
        d_fault (signed distance to the fault plane, m), core (0..1),
        fluoritisation, baritisation, fenitisation, weathering, iron_oxide
        (0..1) and log_treo (ln TREO %, without the sample nugget)."""
        xyz = np.asarray(xyz, dtype=float)
        props = self.rock(xyz)
        depth = np.asarray(depth_below_surface, dtype=float)
        local, _, d = self._frame(xyz)
        fault_distance = self._fault_distance(xyz, d)
        weathering = np.clip((25.0 + 12.0 * self.weathering_field(local) - depth) / 25.0, 0.0, 1.0)
        weathering = np.maximum(weathering, np.exp(-0.5 * (fault_distance / 12.0) ** 2) * (depth < 120.0))
        props["weathering"] = weathering
        props["iron_oxide"] = np.clip(
            np.exp(-0.5 * (fault_distance / 25.0) ** 2) * (0.5 + 0.5 * weathering) + 0.15 * weathering, 0.0, 1.0
        )
        return props

    def rock(self, xyz):
        """`properties` without the near-surface ones (weathering, iron oxides)."""
        xyz = np.asarray(xyz, dtype=float)
        local, t, d = self._frame(xyz)
        lith, syenite_halfwidth = self._lithology(xyz, local, t, d)
        core = np.exp(-0.5 * ((d - CARBONATITE_OFFSET_M) / 45.0) ** 2) * self._taper(t, 150.0)
        centres, widths, plunge = self.shoots
        along = t[:, None] - centres[None, :] - plunge[None, :] * (-local[:, 2:3])
        shoots = 0.35 + 0.65 * np.exp(-0.5 * (along / widths[None, :]) ** 2).max(axis=1)
        g_alt = self.alteration_field(local)
        altered = lith != DYKE
        fluor = np.clip(core * shoots * (0.95 + 0.35 * g_alt) + 0.08 * g_alt, 0.0, 1.0) * altered
        barite = np.clip(np.exp(-0.5 * ((d - CARBONATITE_OFFSET_M) / 30.0) ** 2) * shoots * (0.75 + 0.4 * g_alt)
                         - 0.1, 0.0, 1.0) * self._taper(t, 150.0) * altered
        fenite = np.clip(np.exp(-0.5 * ((np.abs(d) - syenite_halfwidth) / 70.0) ** 2), 0.0, 1.0)
        fenite = np.where(lith == FENITE, np.maximum(fenite, 0.45), fenite * altered)
        # The dyke is post-mineral: no ore-stage alteration and no core uplift.
        uplift = (0.8 * core * shoots + 0.45 * fluor + 0.25 * barite) * altered
        log_treo = LOG_MEDIAN_TREO[lith] + uplift + LOG_SIGMA[lith] * self.grade_field(local)
        return {
            "lithology": lith,
            "d_fault": d,
            "core": core * shoots,
            "fluoritisation": fluor,
            "baritisation": barite,
            "fenitisation": fenite,
            "log_treo": np.minimum(log_treo, np.log(MAX_TREO_PCT)),
        }

    def _lithology(self, xyz, local, t, d):
        wobble = 12.0 * self.contact_field(local)
        g_width = self.width_field(local)
        carb_half = self._taper(t, 150.0) * np.clip(22.0 + 10.0 * g_width, 6.0, None)
        half = 0.5 * self.strike_length
        ellipse = np.sqrt(np.clip(1.0 - (t / (1.15 * half + 150.0)) ** 2, 0.0, 1.0))
        syenite_half = (150.0 + 40.0 * g_width) * ellipse
        lith = np.full(len(xyz), GRANITE)
        lith[np.abs(d + wobble) < syenite_half + 90.0 + 20.0 * g_width] = FENITE
        lith[np.abs(d + 2.0 * wobble) < syenite_half] = SYENITE
        lith[np.abs(d - CARBONATITE_OFFSET_M + wobble) < carb_half] = CARBONATITE
        pipe_xy, radius = self.pipes
        depth_factor = np.clip(1.0 - (self.base_elevation + 100.0 - xyz[:, 2]) / 700.0, 0.3, 1.0)
        for centre, r in zip(pipe_xy, radius):
            inside = np.hypot(xyz[:, 0] - centre[0], xyz[:, 1] - centre[1]) < r * depth_factor + 0.5 * wobble
            lith[inside] = BRECCIA
        for point, azimuth, width, half_length in zip(*self.dykes):
            distance = self._horizontal_distance_to_lines(xyz[:, :2], [point], [azimuth])
            along = np.abs((xyz[:, :2] - point[None, :]) @ unit_vector(azimuth)[:2])
            lith[(distance < 0.5 * width * np.clip((half_length - along) / 50.0, 0.0, 1.0))] = DYKE
        return lith, syenite_half

    def _fault_distance(self, xyz, d):
        points, azimuths = self.cross_faults
        cross = self._horizontal_distance_to_lines(xyz[:, :2], points, azimuths)
        return np.minimum(np.abs(d), cross)

    # --- map --------------------------------------------------------------
    def fault_traces(self, extent, step=10.0):
        """(name, (n, 2) vertices, dip, dip direction) of the surface traces of
        the main fault and the (vertical) cross faults, long enough to cross
        `extent` (xmin, ymin, xmax, ymax); angles in degrees."""
        xmin, ymin, xmax, ymax = extent
        span = 2.0 * np.hypot(xmax - xmin, ymax - ymin)
        t = np.arange(-span / 2, span / 2 + step, step)
        s = np.zeros_like(t)
        for _ in range(8):
            xy = self.centre[None, :] + t[:, None] * self.u[None, :2] + s[:, None] * self.n_h[None, :2]
            z = self.topography(xy[:, 0], xy[:, 1])
            _, _, d = self._frame(np.column_stack([xy, z]))
            s = s - d / (self.n_h[:2] @ self.normal[:2])
        traces = [("main fault", xy, FAULT_DIP_DEG, DIP_DIRECTION_DEG % 360.0)]
        points, azimuths = self.cross_faults
        for index, (point, azimuth) in enumerate(zip(points, azimuths), start=1):
            direction = unit_vector(azimuth)[:2]
            line = point[None, :] + t[:, None] * direction[None, :]
            traces.append((f"cross fault {index}", line, 90.0, round(float(azimuth + 90.0) % 360.0, 1)))
        return traces
