"""One training loop for every network the package fits (the BNN, the
ensemble's members and the decay search's pilots), so that they share the
minibatching, early stopping on held-out holes and the bit-for-bit
reproducibility that one seed promises.

Reproducibility rests on two things: every random draw comes from a local
`torch.Generator` seeded from the model's seed (never the global one), and
`deterministic_torch` fixes the kernels and the thread count, hence the order
of floating-point sums, while a fit or a prediction runs.
"""
import contextlib
import threading

import numpy as np
import torch

from ...common.progress import check_cancelled, report_progress
from .networks import gaussian_nll

MIN_STEPS_PER_EPOCH = 10


_FLUSHING = threading.local()


@contextlib.contextmanager
def deterministic_torch(n_threads=1):
    """Deterministic kernels on `n_threads` threads for the duration, restoring
    the caller's settings. One thread by default: the layers are small, so
    OpenMP synchronisation costs more than it saves (ten times more on a busy
    machine), and a fixed thread count keeps the summation order, hence the
    bits, independent of the caller's setting. Denormal floats are flushed to
    zero in this thread meanwhile (`flush_denormals`)."""
    previous = torch.are_deterministic_algorithms_enabled(), torch.get_num_threads()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(int(n_threads))
    try:
        with flush_denormals():
            yield
    finally:
        torch.use_deterministic_algorithms(previous[0])
        torch.set_num_threads(previous[1])


@contextlib.contextmanager
def flush_denormals():
    """Denormal floats flushed to zero in the calling thread for the duration
    (the outermost of nested calls restores torch's default). Why: the weight
    decay drives the weights of dead ReLU units, and Adam's squared-gradient
    averages of them, below float32's smallest normal number, and arithmetic
    on denormals is tens of times slower on x86: training the stacked
    network on the `large` preset took 645 s with them and 110 s without
    (same epochs, same chosen weight decay). The CPU's flag is per thread:
    torch's intra-op workers, already running when a fit asks for more than
    one thread, keep computing on denormals (training runs on one thread by
    default and in every Processing algorithm). torch has no getter, so the
    outermost exit restores torch's default (no flushing), not a host's own
    setting."""
    depth = getattr(_FLUSHING, "depth", 0)
    if depth == 0:
        torch.set_flush_denormal(True)
    _FLUSHING.depth = depth + 1
    try:
        yield
    finally:
        _FLUSHING.depth = depth
        if depth == 0:
            torch.set_flush_denormal(False)


def without_denormals(tensors):
    """{name: tensor} with denormal entries set to zero, so that a prediction
    runs on normal numbers in any thread, whether or not it flushes
    denormals (threads started inside `flush_denormals` inherit the flag on
    Linux, not necessarily elsewhere), with weights trained or saved with them."""
    cleaned = {}
    for name, tensor in tensors.items():
        if tensor.is_floating_point():
            tensor = torch.where(tensor.abs() < torch.finfo(tensor.dtype).tiny, torch.zeros_like(tensor), tensor)
        cleaned[name] = tensor
    return cleaned


def train_network(net, x_train, y_train, x_valid, y_valid, config, progress, should_stop, same_order=False,
                  epochs=None):
    """Adam on mean NLL (+ KL / n for the BNN) in minibatches, one independent
    shuffle per member (one shared by all with `same_order`); each member
    keeps its parameters from its best validation epoch and stops once it has
    gone `patience` epochs without improving (its slice leaves the batched
    tensors, so it costs nothing more); the run ends when every member has
    stopped, or after `epochs` (default config.epochs). Why per member: the
    members' best epochs spread widely (3 to 74 on the `large` preset), and
    training every member until the slowest had stopped took 40 % more
    member-epochs, its length set by whichever member was slowest."""
    epochs = config.epochs if epochs is None else epochs

    k = net.n_networks
    generator = torch.Generator().manual_seed(config.seed + 1)
    working, slots = net, np.arange(k)  # slots: which member each of `working`'s networks is
    optimiser = torch.optim.Adam(working.parameters(), lr=config.learning_rate)
    n = len(x_train)
    # Small data sets still get about ten steps per epoch, or early stopping
    # would judge a network after a handful of updates.
    batch = max(1, min(config.batch_size, n // MIN_STEPS_PER_EPOCH))
    best_loss = np.full(k, np.inf)
    best_epoch = np.zeros(k, dtype=int)
    best = {name: t.detach().clone() for name, t in net.named_tensors().items()}
    epoch = 0
    for epoch in range(1, epochs + 1):
        check_cancelled(should_stop)
        # Every member's shuffle is drawn, stopped or not, so a member's batches do not depend on the others.
        shuffles = [torch.randperm(n, generator=generator) for _ in range(1 if same_order else k)]
        order = torch.stack(shuffles).expand(k, n)[torch.as_tensor(slots)]
        working.train()
        for start in range(0, n - batch + 1, batch):
            index = order[:, start:start + batch]
            optimiser.zero_grad()
            out = working(x_train[index])
            nll = gaussian_nll(out, y_train[index], config.sigma_floor, config.sigma_max)
            loss = nll.sum() + working.penalty(n, config.kl_weight)
            loss.backward()
            optimiser.step()
        with torch.no_grad():
            valid_nll = gaussian_nll(working.evaluate(x_valid), y_valid, config.sigma_floor, config.sigma_max)
            valid_loss = valid_nll.double().numpy()
        improved = valid_loss < best_loss[slots] - 1e-4
        for position in np.flatnonzero(improved):
            for name, t in working.named_tensors().items():
                best[name][slots[position]] = t.detach()[position]
        best_loss[slots] = np.where(improved, valid_loss, best_loss[slots])
        best_epoch[slots[improved]] = epoch
        report_progress(progress, epoch / epochs)
        stopped = epoch - best_epoch[slots] >= config.patience
        if np.all(stopped):
            break
        if np.any(stopped):
            working, optimiser = _keep_members(working, optimiser, np.flatnonzero(~stopped))
            slots = slots[~stopped]
    with torch.no_grad():
        for name, t in net.named_tensors().items():
            t.copy_(best[name])
    return {"epochs_run": int(epoch), "best_epochs": best_epoch.tolist(), "best_loss": best_loss.tolist()}


def _keep_members(net, optimiser, positions):
    """(the network of `net`'s members at `positions`, an Adam over it that
    carries on from `optimiser`'s state for them): Adam's averages are per
    element, so a member's slice trains on exactly as it would beside the others."""
    index = torch.as_tensor(positions)
    smaller = net.members(index)
    carried = torch.optim.Adam(smaller.parameters(), lr=optimiser.param_groups[0]["lr"])
    for old, new in zip(net.parameters(), smaller.parameters()):
        state = optimiser.state.get(old)
        if state:
            carried.state[new] = {key: _members_of(value, index) for key, value in state.items()}
    return smaller, carried


def _members_of(value, index):
    """One Adam state entry for the members at `index`: per-element averages
    are sliced, a scalar (the step count) copied."""
    if not torch.is_tensor(value):
        return value
    return value[index].clone() if value.dim() > 0 else value.clone()
