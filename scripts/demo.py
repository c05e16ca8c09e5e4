"""`make demo`: run the REE Grade workflow model (models/ree_grade_workflow.model3)
on the bundled sample deposit through /usr/bin/qgis_process.bin, writing every
output into the output folder, then write one HTML report and print its path.

    <QGIS environment> .venv/bin/python scripts/demo.py demo_output

The Makefile sets the environment (offscreen Qt, the isolated profile with the
plugin enabled, the venv on PATH). The demo preset is sized to finish in about
ten minutes on two cores: 10 m composites (the bench height), 50 x 50 x 10 m
blocks clipped to the topography, a few hundred BNN epochs.
"""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_model import INPUTS, MODEL_PATH  # noqa: E402 (the script folder is on the path now)

QGIS_PROCESS = os.environ.get("QGIS_PROCESS", "/usr/bin/qgis_process.bin")
DATA = REPO / "sample_data" / "demo"
# Output files of the model, by model output name.
OUTPUT_FILES = {
    "topography:Topography from the collar elevations (TIN)": "topography.tif",
    "hyperspectral:Hyperspectral absorption features": "hs_features.tif",
    "samples_geo:Geology unit list": "geology_units.json",
    "samples_impute:Imputation reference": "impute_reference.json",
    "samples_pca:Samples (composites with TREO, logs and features)": "samples.gpkg",
    "samples_pca:PCA transform": "pca_transform.json",
    "trainbnn:BNN model file": "bnn_model.json",
    "variogram:Variogram model file": "variogram.json",
    "variogram:Variogram plot": "variogram.html",
    "hyperscore:Block estimates (BNN, OK, MIK, class, HyperScore)": "block_model.gpkg",
    "gradetonnage:Grade-tonnage table": "grade_tonnage.csv",
    "gradetonnage:Grade-tonnage plot": "grade_tonnage.html",
    "crossvalidate:Cross-validation table": "cross_validation.csv",
    "crossvalidate:Cross-validation report": "cross_validation.html",
    "map_bnn_mean:Bench map of the BNN mean grade": "bnn_mean.tif",
    "map_bnn_sd:Bench map of the BNN sd": "bnn_sd.tif",
    "map_bnn_p:Bench map of the BNN P(grade > cut-off)": "bnn_p_gt_cutoff.tif",
    "map_ok:Bench map of the OK estimate": "ok_estimate.tif",
    "map_mik:Bench map of the MIK E-type mean": "mik_mean.tif",
    "report:Workflow report": "report.html",
}
REPORT = "report:Workflow report"
# qgis_process prints progress as "0...10...20..." glued to the next message.
PROGRESS = re.compile(r"^(?:\d*\.+)*(?:\d{1,3}(?=[A-Za-z']))?(?:100 - done\.)?")
PARAMETER_ECHO = re.compile(r"^[\w:]+:\t")
# Start-up notices and the GDAL provider's command echo say nothing about the deposit.
NOISE = re.compile(r"^(QStandardPaths|<string>|Problem with SAGA|GDAL command|gdal_|Grid |Corner coordinates|"
                   r"Source point count|Algorithm name|Options are|Process completed|Inputs$|Results$|---)"
                   r"|: 0 value\(s\) imputed$")
# The model's defaults are the demo preset.
DEMO_SETTINGS = {name: default for name, kind, _, default, _ in INPUTS if kind in ("number", "integer")}


def demo_inputs(data=DATA):
    """Model inputs for a deposit folder written by `synthetic.write_deposit`."""
    extent = _readme_extent(data / "README.md")
    return {
        "collars": str(data / "collars.csv"), "surveys": str(data / "surveys.csv"),
        "assays": str(data / "assays.csv"), "logs": str(data / "logs.csv"),
        "geology": f"{data / 'geology.gpkg'}|layername=lithology",
        "faults": f"{data / 'geology.gpkg'}|layername=faults",
        "cube": str(data / "cube.tif"), "crs": "EPSG:32648", "truth": str(data / "truth_blocks.npz"),
        "extent": f"{extent[0]},{extent[2]},{extent[1]},{extent[3]} [EPSG:32648]",
    }


def _readme_extent(readme):
    """(xmin, ymin, xmax, ymax) from the deposit README's 'Extent: [...]' line."""
    for line in readme.read_text(encoding="utf-8").splitlines():
        if "Extent: [" in line:
            return [float(v) for v in line.split("Extent: [", 1)[1].split("]", 1)[0].split(",")]
    raise SystemExit(f"{readme}: no 'Extent: [...]' line; regenerate the deposit with scripts/make_sample_data.py")


def run_model(parameters, out_dir):
    """Run the model through qgis_process.bin, echoing each step as it starts and
    ends; return its results {"<step>:<name>": path}."""
    arguments = [f"{name}={value}" for name, value in parameters.items()]
    arguments += [f"{name}={out_dir / filename}" for name, filename in OUTPUT_FILES.items()]
    command = [QGIS_PROCESS, "run", str(MODEL_PATH), "--", *arguments]
    # Line-buffered, so the steps show while they run rather than at the end.
    line_buffered = ["stdbuf", "-oL", "-eL"] if shutil.which("stdbuf") else []
    started = time.monotonic()
    log = []
    with subprocess.Popen(line_buffered + command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as process:
        for line in process.stdout:
            log.append(line)
            _echo(line, started)
    (out_dir / "workflow_log.txt").write_text("".join(log), encoding="utf-8")
    if process.returncode != 0:
        sys.exit("".join(log[-30:]) + f"\nThe workflow model failed (qgis_process exit code {process.returncode}); "
                 f"its last messages are above and the whole log is in {out_dir / 'workflow_log.txt'}. "
                 f"Command:\n  {' '.join(command)}")
    return _results(log)


def _echo(line, started):
    """Print the steps' log messages with the time since the start (qgis_process
    echoes no step names for a model, but every stage logs what it did); the
    echo of the parameters, progress dots and start-up noise are left out."""
    text = PROGRESS.sub("", line.strip()).strip()
    if text and not PARAMETER_ECHO.match(text) and not NOISE.search(text):
        print(f"  [{time.monotonic() - started:5.0f} s] {text[:150]}", flush=True)


def _results(log):
    """qgis_process prints 'name:<tab>value' lines after a 'Results' header."""
    header = max(i for i, line in enumerate(log) if line.strip() == "Results")
    results = {}
    for line in log[header + 1:]:
        name, tab, value = line.rstrip("\n").partition(":\t")
        if tab:
            results[name] = value
    return results


def main(argv):
    out_dir = (Path(argv[1]) if len(argv) > 1 else REPO / "demo_output").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    parameters = {**demo_inputs(), **DEMO_SETTINGS}
    print(f"REE Grade demo: {MODEL_PATH.name} on {DATA.relative_to(REPO)} -> {out_dir}", flush=True)
    started = time.monotonic()
    results = run_model(parameters, out_dir)
    print(f"Workflow finished in {time.monotonic() - started:.0f} s", flush=True)
    print(f"\nReport: {results[REPORT]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
