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
  (weight_decay / 2 * ||theta||^2, a MAP estimate under a Gaussian prior).
  Without it, members fit the training holes' spatial detail within a few
  epochs and predict confidently wrong grades on new holes, and the lognormal
  mean exp(mu + sigma^2 / 2) of a member that compensates with a wide sigma
  overshoots badly (on the sample deposit an unregularised ensemble was barely
  better than kriging). The strength that suits a data set depends on its
  size and its covariates, so by default it is chosen on the held-out holes:
  one pilot member per value of `DECAY_GRID`, trained side by side with early
  stopping from the same start, and the strongest decay whose validation NLL
  is within one standard error of the lowest is used for the `n_members`
  final members (the pilot costs about as much as the ensemble itself). The
  BNN needs no such term: its KL to the prior and its weight noise regularise
  it.

Early stopping watches the validation NLL (of the network at the posterior
means, for the BNN) on holes held out whole
(`grouped_split.group_holdout`), never random rows, since neighbouring
intervals of a hole leak. Optional recalibration fits one factor k on those
held-out holes that stretches each target's log-space mixture about its mean
(mu_s -> m + k (mu_s - m), sigma_s -> k sigma_s) so that central intervals
cover their nominal share, and is stored in the model. The holes that decide
the stopping epoch also fit k; that reuse costs a little optimism but no
training data.

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
from ...common.threads import in_order, rows_within
from .architecture import METHODS, layer_tensors
from .calibration import coverage_error, fit_spread_scale, mixture_nll, stretch
from .networks import bounded_spread, make_network, sample_nll, stacked_forward
from .training import deterministic_torch, one_standard_error_choice, train_network

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


# Weight decays the ensemble tries (per sample, on standardised data): the
# usual half-decade grid. Unregularised members fit the training holes' spatial
# detail within a few epochs and then predict confidently wrong grades on new
# holes, so the decay is chosen on the held-out holes, not fixed.
DECAY_GRID = np.array([1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1])


PILOT_SHARE = 0.5  # of the progress bar, for the decay search


PILOT_EPOCH_DIVISOR = 4  # the pilots run at most EPOCHS / 4


PILOT_SEED_OFFSET = 7919  # pilot members start from other draws than the final ones


class BNNRegressor:
    """scikit-learn style: `fit(X, grade, groups)`, `predict(X, cutoffs)`,
    `predictive(X)`; `save(path)` / `load_bnn(path)` (bnn_modelfile.py)."""

    def __init__(self, method="bnn", hidden=(64, 64, 64), epochs=400, learning_rate=0.005, batch_size=512,
                 prior_sd=1.0, kl_weight=1.0, n_members=5, validation_fraction=0.2, patience=40,
                 recalibrate=True, sigma_floor=0.01, sigma_max=1.0, n_samples=32, seed=0, n_threads=1,
                 weight_decay=None):
        self.method = method
        self.hidden = tuple(int(h) for h in hidden)
        self.epochs = int(epochs)
        self.learning_rate = float(learning_rate)
        self.batch_size = int(batch_size)
        self.prior_sd = float(prior_sd)
        self.kl_weight = float(kl_weight)
        self.n_members = int(n_members)
        self.validation_fraction = float(validation_fraction)
        self.patience = int(patience)
        self.recalibrate = bool(recalibrate)
        self.sigma_floor = float(sigma_floor)
        self.sigma_max = float(sigma_max)
        self.n_samples = int(n_samples)
        self.seed = int(seed)
        self.n_threads = int(n_threads)
        self.weight_decay = weight_decay

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, X, grade, groups, feature_names=None, label="samples", target_name="grade",
            group_name="group", progress=None, should_stop=None):
        self._check_params()
        names = list(feature_names) if feature_names is not None else [f"x{i + 1}" for i in range(np.shape(X)[1])]
        X = as_columns(X, names, label)
        y = check_grades(grade, label, target_name)
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
            "n_validation": int(len(valid)), "seed": self.seed, "epochs_run": history["epochs_run"],
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
            pilot_progress, progress = progress_span(progress, 0.0, PILOT_SHARE), progress_span(progress, PILOT_SHARE, 1.0)
            self.weight_decay_, self.decay_search_ = self._choose_weight_decay(
                split, n_inputs, valid_holes, pilot_progress, should_stop)
        net = make_network(self.method, n_inputs, self.hidden, self.n_members, self.prior_sd, self.seed,
                            self.weight_decay_ or 0.0)
        history = train_network(net, *split, self, progress, should_stop)
        self.tensors_ = {name: t.detach().clone() for name, t in net.named_tensors().items()}
        return history

    def _choose_weight_decay(self, split, n_inputs, valid_holes, progress, should_stop):
        """(decay, search record): one pilot member per value of `DECAY_GRID`,
        trained side by side with early stopping and scored by validation NLL
        on the held-out holes. The pilots share their initial weights and minibatch order, so they differ
        by the decay alone, not by the luck of their draws. The strongest
        decay within one standard error (between held-out holes) of the best
        NLL wins: where the NLLs barely differ, a weakly regularised ensemble
        was seen to put one member's mean far off on new holes. They run a
        quarter of EPOCHS at most: enough to rank the decays (the final
        members' best epochs are typically 20-100 at the default rate), and a
        slowly creeping pilot would otherwise run to EPOCHS."""
        pilot = make_network("ensemble", n_inputs, self.hidden, len(DECAY_GRID), self.prior_sd,
                              self.seed + PILOT_SEED_OFFSET, DECAY_GRID, same_start=True)
        history = train_network(pilot, *split, self, progress, should_stop, same_order=True,
                         epochs=max(1, self.epochs // PILOT_EPOCH_DIVISOR))
        with torch.no_grad():
            nll = sample_nll(pilot.evaluate(split[2]), split[3], self.sigma_floor, self.sigma_max).double().numpy()
        losses = nll.mean(axis=1)
        chosen, error = one_standard_error_choice(losses, nll[int(np.argmin(losses))], valid_holes)
        return float(DECAY_GRID[chosen]), {
            "grid": [float(v) for v in DECAY_GRID], "validation_nll": [float(v) for v in losses],
            "standard_error": error, "best_epochs": history["best_epochs"]}

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

    def _check_params(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        for name in ("epochs", "batch_size", "n_members", "n_samples", "patience"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("learning_rate", "prior_sd", "sigma_floor"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if not self.sigma_max > self.sigma_floor:
            raise ValueError(f"sigma_max ({self.sigma_max}) must exceed sigma_floor ({self.sigma_floor})")
        if self.weight_decay is not None and not self.weight_decay >= 0:
            raise ValueError(f"the weight decay must not be negative, got {self.weight_decay}")
        if self.kl_weight < 0:
            raise ValueError(f"the KL weight must not be negative, got {self.kl_weight}")
        if not self.hidden or min(self.hidden) < 1:
            raise ValueError(f"hidden layers must be positive sizes, got {self.hidden}")

    # ---- prediction ----------------------------------------------------------------------
    def predict_log(self, X, n_samples=None, seed=None, label="targets"):
        """(mu, sigma) of log-grade, each (n_components, n_targets): the
        posterior weight samples (bnn) or members (ensemble), recalibrated."""
        X = as_columns(X, self.feature_names_, label)
        check_finite(X, self.feature_names_, label)
        with deterministic_torch(self.n_threads):
            return self._log_components(X, self.component_weights(*self._draw(n_samples, seed)))

    def predictive(self, X, n_samples=None, seed=None, label="targets"):
        """A `LogNormalMixturePredictive` of grade for `validation.sample_scores`."""
        return LogNormalMixturePredictive(*self.predict_log(X, n_samples, seed, label))

    def predict(self, X, cutoffs=(), n_samples=None, seed=None, label="targets", progress=None, should_stop=None):
        """{"mean", "sd", "p10", "p50", "p90", "p_gt_<c>"...} of grade per
        target, in chunks (bounded memory, progress and cancel), all with the
        same posterior draws. The chunks go to `n_threads` workers, each
        running torch on one thread: the summaries (numpy, one thread) then
        run in parallel too, and a value does not depend on the thread count."""
        X = as_columns(X, self.feature_names_, label)
        check_finite(X, self.feature_names_, label)
        if not len(X):
            return lognormal_mixture_summary(np.zeros((1, 0)), np.ones((1, 0)), cutoffs)
        with deterministic_torch(1), ThreadPoolExecutor(max_workers=self.n_threads) as pool:
            weights = self.component_weights(*self._draw(n_samples, seed))
            rows = rows_within(SUMMARY_COMPONENTS, weights)
            chunks = [X[start:start + rows] for start in range(0, len(X), rows)]
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

    def save(self, json_path):
        from .modelfile import save_bnn

        return save_bnn(self, json_path)


def load_bnn(json_path, fields=None):
    from .modelfile import load_bnn as _load

    return _load(json_path, fields)


# ---- input checks --------------------------------------------------------------------------
def check_grades(grade, label="samples", target_name="grade"):
    """Grades as floats; a missing or non-positive grade (which the log
    transform cannot take) is an error naming the field and row."""
    y = np.asarray(grade, dtype=float).ravel()
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise ValueError(f"{label}: field '{target_name}', row {bad[0] + 1}: grade is missing or not a number")
    bad = np.flatnonzero(y <= 0)
    if bad.size:
        raise ValueError(
            f"{label}: field '{target_name}', row {bad[0] + 1}: grade {y[bad[0]]:g} is not positive, which the "
            f"log transform needs (set a below-detection policy that gives half the limit)"
        )
    return y


def check_finite(X, names, label):
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        row, column = bad[0]
        raise ValueError(
            f"{label}: field '{names[column]}', row {row + 1}: feature is missing or not finite (impute it first)"
        )

