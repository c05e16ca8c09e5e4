"""The ensemble's weight decay, chosen on the held-out holes.

Unregularised members fit the training holes' spatial detail within a few
epochs and then predict confidently wrong grades on new holes, and the decay
that suits a data set depends on its size and covariates, so it is chosen, not
fixed: one pilot member per value of `DECAY_GRID`, trained side by side, and
the strongest decay whose validation NLL is within one standard error of the
lowest (the one-standard-error rule) trains the final members. The BNN needs
no such choice: its KL to the prior and its weight noise regularise it.
"""
import numpy as np
import torch

from .networks import make_network, sample_nll
from .training import train_network

# Weight decays the ensemble tries (per sample, on standardised data): the
# usual half-decade grid.
DECAY_GRID = np.array([1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1])


PILOT_SHARE = 0.5  # of the progress bar, for the decay search


PILOT_EPOCH_DIVISOR = 4  # the pilots run at most EPOCHS / 4


PILOT_SEED_OFFSET = 7919  # pilot members start from other draws than the final ones


def one_standard_error_choice(losses, best_sample_losses, holes):
    """(index, error): the last (most regularised) candidate whose loss is
    within one standard error of the lowest; the error is that of the best
    candidate's mean loss over whole holes, since a hole's samples move
    together (Hastie, Tibshirani and Friedman 2009, section 7.10)."""
    _, index = np.unique(holes, return_inverse=True)
    per_hole = np.bincount(index, weights=best_sample_losses) / np.bincount(index)
    error = per_hole.std(ddof=1) / np.sqrt(len(per_hole)) if len(per_hole) > 1 else 0.0
    return int(np.flatnonzero(losses <= np.min(losses) + error)[-1]), float(error)


def choose_weight_decay(config, split, n_inputs, valid_holes, progress, should_stop):
    """(decay, search record): one pilot member per value of `DECAY_GRID`,
    trained side by side with early stopping and scored by validation NLL on
    the held-out holes of `split` (x_train, y_train, x_valid, y_valid).
    `config` is the `BNNRegressor` (architecture, prior, seed, training
    parameters). The pilots share their initial weights and minibatch order,
    so they differ by the decay alone, not by the luck of their draws. The
    strongest decay within one standard error (between held-out holes) of the
    best NLL wins: where the NLLs barely differ, a weakly regularised ensemble
    was seen to put one member's mean far off on new holes. They run a quarter
    of EPOCHS at most: enough to rank the decays (the final members' best
    epochs are typically 20-100 at the default rate), and a slowly creeping
    pilot would otherwise run to EPOCHS."""
    pilot = make_network("ensemble", n_inputs, config.hidden, len(DECAY_GRID), config.prior_sd,
                         config.seed + PILOT_SEED_OFFSET, DECAY_GRID, same_start=True)
    history = train_network(pilot, *split, config, progress, should_stop, same_order=True,
                            epochs=max(1, config.epochs // PILOT_EPOCH_DIVISOR))
    with torch.no_grad():
        nll = sample_nll(pilot.evaluate(split[2]), split[3], config.sigma_floor, config.sigma_max).double().numpy()
    losses = nll.mean(axis=1)
    chosen, error = one_standard_error_choice(losses, nll[int(np.argmin(losses))], valid_holes)
    return float(DECAY_GRID[chosen]), {
        "grid": [float(v) for v in DECAY_GRID], "validation_nll": [float(v) for v in losses],
        "standard_error": error, "best_epochs": history["best_epochs"]}
