"""The BNN / ensemble model file: a JSON header (`modelfile.build_header`) and the
network's tensors as safetensors beside it, never a pickle (nor `torch.load`).

The header holds the feature names in order, the input standardisation, the
target transform (log, then standardised), the architecture, method, prior,
spread-recalibration factor and the training metadata. Its checksum covers the
tensors and also the feature names and parameters, so editing either the
weights or a number in the JSON (a standardisation mean, the recalibration
factor) is caught on loading, as are a truncated weights file, another kind of
model, another format version and tensors that do not fit the architecture.
"""
import json
import os

import numpy as np

from ...common.atomic import atomic_write_bytes
from ...io.modelfile import (
    ModelFileError,
    arrays_checksum,
    arrays_path_for,
    build_header,
    check_checksum,
    check_fields,
    read_header,
)

KIND = "bnn"
FORMAT_VERSION = 1
WEIGHTS_EXTENSION = ".safetensors"
PARAM_KEYS = (
    "method", "hidden", "n_members", "prior_sd", "kl_weight", "sigma_floor", "sigma_max", "n_samples", "learning_rate",
    "epochs", "batch_size", "patience", "validation_fraction", "recalibrate", "seed", "input_standardisation",
    "target_transform", "spread_scale",
)  # and "weight_decay", which files written before the ensemble had one lack (read as None)


def _params(model):
    return {
        "method": model.method, "hidden": list(model.hidden), "n_members": model.n_members,
        "prior_sd": model.prior_sd, "kl_weight": model.kl_weight, "sigma_floor": model.sigma_floor,
        "sigma_max": model.sigma_max,
        "n_samples": model.n_samples, "learning_rate": model.learning_rate, "epochs": model.epochs,
        "batch_size": model.batch_size, "patience": model.patience,
        "validation_fraction": model.validation_fraction, "recalibrate": model.recalibrate, "seed": model.seed,
        "input_standardisation": {"mean": [float(v) for v in model.x_mean_], "sd": [float(v) for v in model.x_sd_],
                                  "min": [float(v) for v in model.x_bounds_[0]],
                                  "max": [float(v) for v in model.x_bounds_[1]]},
        "target_transform": {"name": "log", "then_mean": model.y_mean_, "then_sd": model.y_sd_,
                             "then_bounds": list(model.mu_bounds_)},
        "spread_scale": model.scale_,
        # The decay the ensemble trained with (chosen or given); None for the BNN, whose prior regularises it.
        "weight_decay": model.weight_decay_,
    }


def _checked_arrays(arrays, fields, params):
    """The arrays the checksum covers: the tensors plus the canonical JSON of
    fields and parameters as bytes."""
    canonical = json.dumps({"fields": list(fields), "params": params}, sort_keys=True).encode("utf-8")
    return dict(arrays, __header__=np.frombuffer(canonical, dtype=np.uint8))


def save_bnn(model, json_path):
    """Write `<name>.json` and `<name>.safetensors`; returns the header."""
    from safetensors.numpy import save

    arrays = {name: np.ascontiguousarray(t.detach().numpy()) for name, t in model.tensors_.items()}
    params = json.loads(json.dumps(_params(model)))
    weights_path = arrays_path_for(json_path, WEIGHTS_EXTENSION)
    checksum = arrays_checksum(_checked_arrays(arrays, model.feature_names_, params))
    header = build_header(KIND, FORMAT_VERSION, model.feature_names_, params, model.metadata_, checksum,
                          os.path.basename(weights_path))
    atomic_write_bytes(weights_path, save(arrays))
    atomic_write_bytes(json_path, json.dumps(header, indent=2, sort_keys=True).encode("utf-8"))
    return header


def load_bnn(json_path, fields=None):
    """A fitted `BNNRegressor` from its file, after checking kind, format
    version, parameters, fields (if given), checksum and tensor shapes."""
    header = read_header(json_path, KIND, FORMAT_VERSION)
    check_fields(json_path, header, fields)
    params = header["params"]
    _check_params(json_path, header)
    arrays = _read_weights(json_path, header)
    check_checksum(json_path, header, _checked_arrays(arrays, header["fields"], params))
    return _model_from(json_path, header, arrays)


def _check_params(json_path, header):
    from .architecture import METHODS

    params = header["params"]
    if not isinstance(params, dict):
        raise ModelFileError(f"{json_path}: 'params' is not an object")
    missing = [key for key in PARAM_KEYS if key not in params]
    if missing:
        raise ModelFileError(f"{json_path}: params lack {', '.join(missing)}")
    if params["method"] not in METHODS:
        raise ModelFileError(f"{json_path}: method {params['method']!r} is not one of {', '.join(METHODS)}")
    decay = params.get("weight_decay")
    if decay is not None and not (isinstance(decay, (int, float)) and decay >= 0):
        raise ModelFileError(f"{json_path}: weight_decay {decay!r} is not a non-negative number or null")
    n_fields = len(header["fields"])
    for key in ("mean", "sd", "min", "max"):
        if len(params["input_standardisation"].get(key, [])) != n_fields:
            raise ModelFileError(f"{json_path}: input standardisation '{key}' does not have one value per field")
    transform = params["target_transform"]
    if transform.get("name") != "log":
        raise ModelFileError(f"{json_path}: target transform {transform.get('name')!r} is not 'log'")
    missing = [key for key in ("then_mean", "then_sd", "then_bounds") if key not in transform]
    if missing:
        raise ModelFileError(f"{json_path}: target transform lacks {', '.join(missing)}")


def _read_weights(json_path, header):
    from safetensors import SafetensorError
    from safetensors.numpy import load

    weights_path = os.path.join(os.path.dirname(os.path.abspath(json_path)), str(header.get("arrays_file") or ""))
    if not header.get("arrays_file") or not os.path.isfile(weights_path):
        raise ModelFileError(f"{json_path}: weights file {header.get('arrays_file')!r} not found beside it")
    with open(weights_path, "rb") as handle:
        data = handle.read()
    try:
        return load(data)
    except (SafetensorError, ValueError) as error:
        raise ModelFileError(f"{weights_path}: weights file is corrupted or truncated ({error})") from None


def _model_from(json_path, header, arrays):
    import torch

    from .architecture import tensor_shapes
    from .model import BNNRegressor

    params = header["params"]
    model = BNNRegressor(weight_decay=params.get("weight_decay"), **{key: params[key] for key in (
        "method", "hidden", "n_members", "prior_sd", "kl_weight", "sigma_floor", "sigma_max", "n_samples", "learning_rate",
        "epochs", "batch_size", "patience", "validation_fraction", "recalibrate", "seed")})
    expected = tensor_shapes(model.method, len(header["fields"]), model.hidden, model.n_members)
    found = {name: tuple(array.shape) for name, array in arrays.items()}
    if found != expected:
        raise ModelFileError(f"{json_path}: the weights do not fit the architecture (expected {expected}, found {found})")
    model.feature_names_ = list(header["fields"])
    model.x_mean_ = np.asarray(params["input_standardisation"]["mean"], dtype=float)
    model.x_sd_ = np.asarray(params["input_standardisation"]["sd"], dtype=float)
    model.x_bounds_ = tuple(np.asarray(params["input_standardisation"][k], dtype=float) for k in ("min", "max"))
    model.y_mean_ = float(params["target_transform"]["then_mean"])
    model.y_sd_ = float(params["target_transform"]["then_sd"])
    model.mu_bounds_ = tuple(float(v) for v in params["target_transform"]["then_bounds"])
    model.scale_ = float(params["spread_scale"])
    model.weight_decay_ = model.weight_decay
    model.tensors_ = {name: torch.from_numpy(np.array(array)) for name, array in arrays.items()}
    model.metadata_ = header.get("metadata", {})
    return model
