"""Bayesian neural network (and deep ensemble) for log-grade from fused features.

Implementation: plain PyTorch, not Pyro. The model is a small MLP whose
mean-field Gaussian layers take a few dozen lines; plain torch adds no
dependency beyond torch itself, keeps every random draw on a local
`torch.Generator` (bit-identical reruns with one seed), lets prediction sample
all posterior weight sets at once as batched matrix products, and leaves the
saved file a plain set of named tensors (safetensors) with no pickled Pyro
param store.

Model: y = log(grade), standardised; inputs standardised with the training
means and sds (stored). Hidden layers of ReLU units (default 64, 64, 64) and a
heteroscedastic Gaussian head (mu, sigma): the grade is lognormal given the
weights, the method's assumption. sigma lies between `sigma_floor` and
`sigma_max` (a sigmoid; default at most the sd of the training log-grades, no
prediction being vaguer than the data's own spread). A ReLU network
extrapolates linearly and exp(mu + sigma^2 / 2) would turn that into absurd
grades far from the data, so at prediction each feature is clipped to its
training range (the network holds its value at the edge of the data) and the
predicted means stay within the training log-grade range widened by half an sd
(before the recalibration stretch, which may widen both by its factor).

- method "bnn": every weight and bias has a Gaussian prior N(0, prior_sd^2) and
  a mean-field Gaussian posterior (mu, sigma = softplus(rho)), trained by
  variational inference with Adam on the negative ELBO per sample:
  mean NLL + kl_weight * KL(q || prior) / n_train. Training uses the local
  reparameterisation trick (pre-activations sampled from their exact Gaussian,
  lower-variance gradients); prediction samples `n_samples` whole weight sets,
  so a target's predictive is a mixture over those sets.
- method "ensemble": `n_members` deterministic copies of the same
  heteroscedastic MLP from different seeds (Lakshminarayanan et al., 2017),
  trained side by side as one batched network; the predictive is the mixture
  over members. Each member minimises its mean NLL plus an L2 weight decay
  (weight_decay / 2 * ||theta||^2, a MAP estimate under a Gaussian prior),
  chosen on the held-out holes by default (`selection.py`).

Early stopping watches the validation NLL (of the network at the posterior
means, for the BNN) on holes held out whole (`splits.group_holdout`), never
random rows, since neighbouring intervals of a hole leak. Optional
recalibration (`calibration.py`) fits one spread factor on those held-out
holes and stores it in the model. The holes that decide the stopping epoch
also fit the factor; that reuse costs a little optimism but no training data.

Summaries (mean = average of exp(mu_s + sigma_s^2 / 2), sd, P10/P50/P90,
P(grade > c)) come from `predictive.lognormal_mixture_summary`.
"""
import datetime as _dt
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

from ...common.parsing import as_columns
from ...common.predictive import LogNormalMixturePredictive, lognormal_mixture_summary
from ...common.progress import progress_span
from ...common.splits import group_holdout, group_labels
from ...common.threads import in_order
from ...io.modelfile import (
    Flag,
    ListOf,
    Mapping,
    ModelFileError,
    Nullable,
    Number,
    Text,
    check_schema,
    load_model,
    save_model,
)
from .architecture import METHODS, layer_tensors, tensor_shapes
from .calibration import coverage_error, fit_spread_scale, mixture_nll, stretch
from .checks import check_finite, check_grades, check_params
from .networks import bounded_spread, make_network, stacked_forward
from .selection import PILOT_SHARE, choose_weight_decay
from .training import deterministic_torch, train_network, without_denormals

MIN_SAMPLES = 20


MIN_GROUPS = 3


# Work sizes in mixture components (targets x posterior draws or members), so
# that memory does not grow with N SAMPLES: 4,096 and 16,384 targets at 32 draws.
PREDICT_COMPONENTS = 32 * 4096


SUMMARY_COMPONENTS = 32 * 16384


# Predicted log-grade means are kept within the training range widened by this
# many sds of log-grade (a factor e^(sd/2) either way): a network is no guide
# further out, and the back-transform would amplify its guess exponentially.
EXTRAPOLATION_MARGIN = 0.5


# The model file: a JSON header and the tensors as safetensors (never a pickle,
# nor `torch.load`). Its checksum also covers the fields and parameters, so an
# edited standardisation mean or recalibration factor is caught like an edited
# weight.
KIND = "bnn"
FORMAT_VERSION = 1
CODEC = "safetensors"
CONSTRUCTOR_KEYS = (
    "method", "hidden", "n_members", "prior_sd", "kl_weight", "sigma_floor", "sigma_max", "n_samples", "learning_rate",
    "epochs", "batch_size", "patience", "validation_fraction", "recalibrate", "seed",
)
# And "weight_decay", which files written before the ensemble had one lack (read as None).


def rows_within(components, weights):
    """Targets per piece of work so that targets x components stays within
    `components`, for drawn `weights` (per-layer (K, in, out) tensors first)."""
    return max(1, components // weights[0][0].shape[0])


class BNNRegressor:
    """scikit-learn style: `__init__` stores the parameters, `fit(X, y,
    groups)` validates and trains, `predictive(X)` and `predict(X, cutoffs)`
    give the grade distribution; `save(path)` and `BNNRegressor.load(path)`
    write and read the model file. `feature_names`, `label`, `target_name` and
    `group_name` only name the inputs in error messages and the model file."""

    def __init__(self, method="bnn", hidden=(64, 64, 64), epochs=400, learning_rate=0.005, batch_size=512,
                 prior_sd=1.0, kl_weight=1.0, n_members=5, validation_fraction=0.2, patience=40,
                 recalibrate=True, sigma_floor=0.01, sigma_max=1.0, n_samples=32, seed=0, n_threads=1,
                 weight_decay=None, feature_names=None, label="samples", target_name="grade", group_name="group"):
        self.method = method
        self.hidden = hidden
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.prior_sd = prior_sd
        self.kl_weight = kl_weight
        self.n_members = n_members
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.recalibrate = recalibrate
        self.sigma_floor = sigma_floor
        self.sigma_max = sigma_max
        self.n_samples = n_samples
        self.seed = seed
        self.n_threads = n_threads
        self.weight_decay = weight_decay
        self.feature_names = feature_names
        self.label = label
        self.target_name = target_name
        self.group_name = group_name

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, X, y, groups=None, progress=None, should_stop=None):
        """Train on features X (n, d), positive grades y and hole ids `groups`
        (None: every row its own group); early stopping and recalibration use
        whole held-out groups. Returns self."""
        check_params(self)
        label, target_name, group_name = self.label, self.target_name, self.group_name
        names = (list(self.feature_names) if self.feature_names is not None
                 else [f"x{i + 1}" for i in range(np.shape(X)[1])])
        X = as_columns(X, names, label)
        y = check_grades(y, label, target_name)
        groups = np.arange(len(X)) if groups is None else groups
        if len(y) != len(X) or len(groups) != len(X):
            raise ValueError(f"{label}: {len(X)} feature rows, {len(y)} grades and {len(groups)} groups differ")
        check_finite(X, names, label)
        if len(y) < MIN_SAMPLES:
            raise ValueError(f"{label}: a neural network needs at least {MIN_SAMPLES} samples, got {len(y)}")
        hole_labels, hole_index = group_labels(groups, label, group_name)
        if len(hole_labels) < MIN_GROUPS:
            raise ValueError(
                f"{label}: field '{group_name}' has {len(hole_labels)} hole(s); early stopping on held-out holes "
                f"needs at least {MIN_GROUPS}"
            )
        self.feature_names_ = names
        self.x_mean_ = X.mean(axis=0)
        sd = X.std(axis=0)
        self.x_sd_ = np.where(sd > 0, sd, 1.0)
        self.x_bounds_ = (X.min(axis=0), X.max(axis=0))
        z = np.log(y)
        self.y_mean_, self.y_sd_ = float(z.mean()), float(z.std())
        if not self.y_sd_ > 0:
            raise ValueError(f"{label}: field '{target_name}' is constant; there is nothing to learn")
        train, valid = group_holdout(groups, self.validation_fraction, self.seed)
        xs = torch.as_tensor((X - self.x_mean_) / self.x_sd_, dtype=torch.float32)
        ys = torch.as_tensor((z - self.y_mean_) / self.y_sd_, dtype=torch.float32)
        self.mu_bounds_ = (float(ys.min()) - EXTRAPOLATION_MARGIN, float(ys.max()) + EXTRAPOLATION_MARGIN)
        split = (xs[train], ys[train], xs[valid], ys[valid])
        with deterministic_torch(self.n_threads):
            history = self._train_networks(split, X.shape[1], hole_index[valid], progress, should_stop)
            self._calibrate(xs[valid], ys[valid].double().numpy())
        self.metadata_ = {
            "n_samples": int(len(y)), "n_holes": int(len(hole_labels)), "n_train": int(len(train)),
            "n_validation": int(len(valid)), "seed": int(self.seed), "epochs_run": history["epochs_run"],
            "best_epochs": history["best_epochs"], "validation_nll": history["best_loss"],
            "spread_scale": self.scale_, "coverage_error_before": self.validation_["before"],
            "coverage_error_after": self.validation_["after"],
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        }
        if self.method == "ensemble":
            self.metadata_["weight_decay"] = self.weight_decay_
            self.metadata_["weight_decay_search"] = self.decay_search_
        return self

    def _train_networks(self, split, n_inputs, valid_holes, progress, should_stop):
        """Train the BNN, or the ensemble at its weight decay (chosen first
        when `weight_decay` is None); keep the tensors, return the history."""
        self.weight_decay_ = self.weight_decay if self.method == "ensemble" else None
        self.decay_search_ = None
        if self.method == "ensemble" and self.weight_decay is None:
            pilot_progress = progress_span(progress, 0.0, PILOT_SHARE)
            progress = progress_span(progress, PILOT_SHARE, 1.0)
            self.weight_decay_, self.decay_search_ = choose_weight_decay(
                self, split, n_inputs, valid_holes, pilot_progress, should_stop)
        net = make_network(self.method, n_inputs, self.hidden, self.n_members, self.prior_sd, self.seed,
                           self.weight_decay_ or 0.0)
        history = train_network(net, *split, self, progress, should_stop)
        self.tensors_ = without_denormals({name: t.detach().clone() for name, t in net.named_tensors().items()})
        return history

    def _calibrate(self, x_valid, z_valid):
        """Fit the spread factor on the held-out holes (1 without
        RECALIBRATE) and record their coverage error and NLL before and after."""
        weights = self.component_weights(self.n_samples, self.seed)
        mu, sigma = self._components(torch.split(x_valid, rows_within(PREDICT_COMPONENTS, weights)), weights)
        self.scale_ = fit_spread_scale(mu, sigma, z_valid) if self.recalibrate else 1.0
        stretched = stretch(mu, sigma, self.scale_)
        self.validation_ = {
            "before": coverage_error(mu, sigma, z_valid), "nll_before": mixture_nll(mu, sigma, z_valid),
            "after": coverage_error(*stretched, z_valid), "nll_after": mixture_nll(*stretched, z_valid),
        }

    # ---- prediction ----------------------------------------------------------------------
    def predict_log(self, X, n_samples=None, seed=None, label="targets"):
        """(mu, sigma) of log-grade, each (n_components, n_targets): the
        posterior weight samples (bnn) or members (ensemble), recalibrated."""
        with deterministic_torch(self.n_threads):
            return self.log_components(X, n_samples, seed, label)

    def log_components(self, X, n_samples=None, seed=None, label="targets"):
        """`predict_log` leaving torch's settings (process-wide) to the
        caller, so that prediction workers may call it side by side."""
        X = as_columns(X, self.feature_names_, label)
        check_finite(X, self.feature_names_, label)
        return self._log_components(X, self.component_weights(*self._draw(n_samples, seed)))

    def predictive(self, X, n_samples=None, seed=None, label="targets"):
        """A `LogNormalMixturePredictive` of grade at X (the cross-validation's
        scores take it)."""
        return LogNormalMixturePredictive(*self.predict_log(X, n_samples, seed, label))

    def predict(self, X, cutoffs=(), n_samples=None, seed=None, label="targets", progress=None, should_stop=None,
                cluster=None):
        """{"mean", "sd", "p10", "p50", "p90", "p_gt_<c>"...} of grade per
        target, in chunks (bounded memory, progress and cancel), all with the
        same posterior draws. The chunks go to `n_threads` workers, each
        running torch on one thread: the summaries (numpy, one thread) then
        run in parallel too, and a value does not depend on the thread count.
        cluster: a `common.distributed.Cluster` whose workers summarise the
        chunks instead, the network and its drawn weights sent to each once."""
        X = as_columns(X, self.feature_names_, label)
        check_finite(X, self.feature_names_, label)
        if not len(X):
            return lognormal_mixture_summary(np.zeros((1, 0)), np.ones((1, 0)), cutoffs)
        with deterministic_torch(1), ThreadPoolExecutor(max_workers=self.n_threads) as pool:
            weights = self.component_weights(*self._draw(n_samples, seed))
            rows = rows_within(SUMMARY_COMPONENTS, weights)
            chunks = [X[start:start + rows] for start in range(0, len(X), rows)]
            if cluster is not None:
                parts = cluster.map(_summarise_on_worker, (self, weights, tuple(cutoffs)), chunks, progress,
                                    should_stop)
                return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
            summarise = lambda chunk: lognormal_mixture_summary(*self._log_components(chunk, weights), cutoffs)  # noqa: E731
            parts = in_order(pool, summarise, chunks, 2 * self.n_threads, progress, should_stop)
        return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}

    def _draw(self, n_samples, seed):
        return (self.n_samples if n_samples is None else int(n_samples)), (self.seed if seed is None else int(seed))

    def _log_components(self, X, weights):
        """(mu, sigma) of log-grade of checked features X under the drawn
        `weights`; changes no torch setting, so workers may run it at once."""
        # Standardised batch by batch, so the float copies stay in cache.
        rows = rows_within(PREDICT_COMPONENTS, weights)
        batches = (self._standardised(X[start:start + rows]) for start in range(0, len(X), rows))
        mu, sigma = self._components(batches, weights)
        mu, sigma = stretch(mu, sigma, self.scale_)
        return mu * self.y_sd_ + self.y_mean_, sigma * self.y_sd_

    def _standardised(self, X):
        """float32 tensor of X clipped to the training range and standardised."""
        return torch.from_numpy(((np.clip(X, *self.x_bounds_) - self.x_mean_) / self.x_sd_).astype(np.float32))

    def _components(self, batches, weights):
        """float64 (mu, sigma) in standardised log units, (components, n), of
        the standardised input batches, all with the same (weights, biases)."""
        weights, biases = weights
        empty = torch.zeros((weights[0].shape[0], 0), dtype=torch.float64)
        mus, sigmas = [empty], [empty]
        with torch.no_grad():
            for xs in batches:
                out = stacked_forward(xs, weights, biases)
                mus.append(out[..., 0].double().clamp(*self.mu_bounds_))
                sigmas.append(bounded_spread(out[..., 1], self.sigma_floor, self.sigma_max).double())
        return torch.cat(mus, dim=1).numpy(), torch.cat(sigmas, dim=1).numpy()

    def component_weights(self, n_samples, seed):
        """Per-layer weights (K, in, out) and biases (K, 1, out): K posterior
        draws from a generator seeded with `seed` (bnn) or the K members."""
        if self.method == "ensemble":
            return layer_tensors(self.tensors_, "weight"), layer_tensors(self.tensors_, "bias")
        generator = torch.Generator().manual_seed(seed)
        drawn = {}
        for kind in ("weight", "bias"):
            drawn[kind] = []
            for mu, rho in zip(layer_tensors(self.tensors_, kind + "_mu"), layer_tensors(self.tensors_, kind + "_rho")):
                noise = torch.randn((n_samples,) + tuple(mu.shape[1:]), generator=generator, dtype=mu.dtype)
                drawn[kind].append(mu + torch.nn.functional.softplus(rho) * noise)
        return drawn["weight"], drawn["bias"]

    def check_features(self, available, label="prediction layer"):
        """Raise naming every model feature the prediction data lacks."""
        missing = [name for name in self.feature_names_ if name not in set(available)]
        if missing:
            raise ValueError(
                f"{label}: feature field(s) {', '.join(repr(m) for m in missing)} of the model are missing; "
                f"the model was trained on {', '.join(self.feature_names_)}"
            )

    # ---- model file ----------------------------------------------------------------------
    def save(self, json_path):
        """Write `<name>.json` and `<name>.safetensors`; returns the header."""
        return save_model(json_path, KIND, FORMAT_VERSION, self.feature_names_, self._header_params(),
                          self.header_tensors(), self.metadata_, codec=CODEC, header_in_checksum=True)

    def header_params(self):
        """The JSON-ready parameters of the fitted model (architecture,
        standardisation, recalibration): with `header_tensors()` and
        `feature_names_`, all `from_header` needs; another model's file may
        hold them (the stacked network keeps its network this way)."""
        return self._header_params()

    def header_tensors(self):
        """{name: contiguous ndarray} of the fitted weights, as the model file holds them."""
        return {name: np.ascontiguousarray(t.detach().numpy()) for name, t in self.tensors_.items()}

    def _header_params(self):
        return {
            "method": self.method, "hidden": [int(h) for h in self.hidden], "n_members": int(self.n_members),
            "prior_sd": float(self.prior_sd), "kl_weight": float(self.kl_weight),
            "sigma_floor": float(self.sigma_floor), "sigma_max": float(self.sigma_max),
            "n_samples": int(self.n_samples), "learning_rate": float(self.learning_rate), "epochs": int(self.epochs),
            "batch_size": int(self.batch_size), "patience": int(self.patience),
            "validation_fraction": float(self.validation_fraction), "recalibrate": bool(self.recalibrate),
            "seed": int(self.seed),
            "input_standardisation": {"mean": [float(v) for v in self.x_mean_], "sd": [float(v) for v in self.x_sd_],
                                      "min": [float(v) for v in self.x_bounds_[0]],
                                      "max": [float(v) for v in self.x_bounds_[1]]},
            "target_transform": {"name": "log", "then_mean": self.y_mean_, "then_sd": self.y_sd_,
                                 "then_bounds": list(self.mu_bounds_)},
            "spread_scale": self.scale_,
            # The decay the ensemble trained with (chosen or given); None for the BNN, whose prior regularises it.
            "weight_decay": self.weight_decay_,
        }

    @classmethod
    def load(cls, json_path, fields=None):
        """A fitted model from its file, after checking kind, format version,
        fields (if given), checksum (of tensors, fields and parameters),
        parameters and tensor shapes."""
        header, arrays = load_model(json_path, KIND, FORMAT_VERSION, fields, codec=CODEC, header_in_checksum=True,
                                    params_schema=params_schema)
        return cls.from_header(header["params"], header["fields"], arrays, json_path, header.get("metadata", {}))

    @classmethod
    def from_header(cls, params, fields, tensors, source, metadata=None):
        """A fitted model from `header_params()`, its feature names and
        `header_tensors()` as read back from a model file (`source` names it,
        and the part of it, in messages), after checking the parameters and the
        tensor shapes against the architecture."""
        check_params_header(source, params, fields)
        arguments = {key: params[key] for key in CONSTRUCTOR_KEYS}
        arguments["hidden"] = tuple(arguments["hidden"])
        model = cls(weight_decay=params.get("weight_decay"), feature_names=list(fields), **arguments)
        expected = tensor_shapes(model.method, len(fields), model.hidden, model.n_members)
        found = {name: tuple(np.shape(array)) for name, array in tensors.items()}
        if found != expected:
            raise ModelFileError(
                f"{source}: the weights do not fit the architecture (expected {expected}, found {found})")
        model.feature_names_ = list(fields)
        model.x_mean_ = np.asarray(params["input_standardisation"]["mean"], dtype=float)
        model.x_sd_ = np.asarray(params["input_standardisation"]["sd"], dtype=float)
        model.x_bounds_ = tuple(np.asarray(params["input_standardisation"][k], dtype=float) for k in ("min", "max"))
        model.y_mean_ = float(params["target_transform"]["then_mean"])
        model.y_sd_ = float(params["target_transform"]["then_sd"])
        model.mu_bounds_ = tuple(float(v) for v in params["target_transform"]["then_bounds"])
        model.scale_ = float(params["spread_scale"])
        model.weight_decay_ = model.weight_decay
        model.tensors_ = without_denormals({name: torch.from_numpy(np.array(array)) for name, array in tensors.items()})
        model.metadata_ = dict(metadata or {})
        return model


def _summarise_on_worker(shared, X):
    """The summaries of one chunk in a Dask worker, torch on one thread as in
    the in-process `predict`."""
    model, weights, cutoffs = shared
    with deterministic_torch(1):
        return lognormal_mixture_summary(*model._log_components(X, weights), cutoffs)


def params_schema(fields):
    """What a BNN header's parameters must hold, for a model of `fields`."""
    per_field = ListOf(Number(), length=len(fields))
    return Mapping({
        "method": Text(*METHODS), "hidden": ListOf(Number(low=1, integer=True), min_length=1),
        "n_members": Number(low=1, integer=True), "prior_sd": Number(above=0), "kl_weight": Number(low=0),
        "sigma_floor": Number(above=0), "sigma_max": Number(above=0), "n_samples": Number(low=1, integer=True),
        "learning_rate": Number(above=0), "epochs": Number(low=1, integer=True),
        "batch_size": Number(low=1, integer=True), "patience": Number(low=1, integer=True),
        "validation_fraction": Number(low=0, high=1), "recalibrate": Flag(), "seed": Number(integer=True),
        "input_standardisation": Mapping({"mean": per_field, "sd": per_field, "min": per_field, "max": per_field}),
        "target_transform": Mapping({"name": Text("log"), "then_mean": Number(), "then_sd": Number(above=0),
                                     "then_bounds": ListOf(Number(), length=2)}),
        "spread_scale": Number(above=0),
    }, optional={"weight_decay": Nullable(Number(low=0))})


def check_params_header(source, params, fields):
    """Raise (naming `source`) unless `params` and `fields` describe a model this version can rebuild."""
    check_schema(source, fields, ListOf(Text()), "fields")
    check_schema(source, params, params_schema(fields), "params")
