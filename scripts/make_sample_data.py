"""Regenerate the bundled sample data: `sample_data/demo/` (the `demo` preset
with DEMO_SEED) and `sample_data/spectra/resampled_aviris.csv` (the shipped
USGS splib07 spectra at the sensor's bands). Run with the venv's Python:

    .venv/bin/python scripts/make_sample_data.py
"""
import io
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import import_plugin  # noqa: E402 (needs the repository on the path)


def write_resampled_spectra(path):
    from ree_grade.algorithms.common.atomic import atomic_write_bytes
    from ree_grade.algorithms.synthetic import spectra as spectra

    centres, fwhm = spectra.sensor_bands("aviris")
    matrix = spectra.endmember_matrix(centres, fwhm)
    names = [name for name in spectra.ENDMEMBERS if name != spectra.FEATURELESS]
    buffer = io.StringIO()
    buffer.write("wavelength_nm,fwhm_nm," + ",".join(names) + "\n")
    rows = matrix[[spectra.ENDMEMBERS.index(n) for n in names]]
    for i, (w, f) in enumerate(zip(centres, fwhm)):
        buffer.write(f"{w:.2f},{f:.2f}," + ",".join(f"{v:.5f}" for v in rows[:, i]) + "\n")
    atomic_write_bytes(str(path), buffer.getvalue().encode("utf-8"))
    Path(path).chmod(0o644)


def main():
    import_plugin()
    from ree_grade.algorithms.synthetic.deposit import DEMO_SEED, generate_deposit, write_deposit

    write_resampled_spectra(REPO / "sample_data" / "spectra" / "resampled_aviris.csv")
    deposit = generate_deposit("demo", DEMO_SEED)
    paths = write_deposit(deposit, str(REPO / "sample_data" / "demo"))
    total = sum(Path(p).stat().st_size for p in paths.values())
    print(f"sample_data/demo: {len(paths)} files, {total / 1e6:.1f} MB; "
          f"{len(deposit.collars['hole_id'])} holes, {len(deposit.assays['hole_id'])} assay rows, "
          f"mean TREO {np.mean(deposit.truth['samples']['TREO_pct']):.2f} %")


if __name__ == "__main__":
    main()
