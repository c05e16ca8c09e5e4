"""The two kinds of network as torch modules, and the forward passes and
losses training and prediction share.

Both keep K networks as stacked tensors (K, in, out), so that the members of an
ensemble, or the pilot members of the decay search, train side by side as one
batched module, and prediction evaluates all posterior draws or members in one
pass of batched matrix products. Training needs only `forward`, `evaluate` (the network
early stopping judges), `penalty` (what the loss adds to the mean NLL) and
`named_tensors` (what is kept at the best epoch and saved) from either module.
"""
import numpy as np
import torch

from .architecture import layer_sizes

RHO_INIT = -5.0  # softplus(-5) = 0.0067: start near the deterministic net, let the ELBO widen it


def make_network(method, n_inputs, hidden, n_members, prior_sd, seed, weight_decay=0.0, same_start=False):
    """The BNN, or `n_members` ensemble members with weight decay
    `weight_decay` (one value, or one per member), from independent initial
    weights or, with `same_start`, all from the same ones."""
    generator = torch.Generator().manual_seed(seed)
    k = n_members if method == "ensemble" else 1
    layers = layer_sizes(n_inputs, hidden)
    draws = 1 if same_start else k
    weights = [(torch.randn((draws, a, b), generator=generator) * np.sqrt(2.0 / a)).expand(k, a, b).clone()
               for a, b in layers]
    biases = [torch.zeros((k, 1, b)) for _, b in layers]
    if method == "ensemble":
        return EnsembleNet(weights, biases, np.broadcast_to(weight_decay, (k,)))
    return BayesNet(weights, biases, prior_sd, generator)


def stacked_forward(x, weights, biases):
    """Forward pass of K networks at once: x (n, d) -> (K, n, 2). The first
    layer is one matrix product against the K weight matrices side by side
    (x is shared) with the bias fused, the others batched products; ReLUs act
    in place on contiguous outputs, which halves the time of a pass."""
    k, d, h = weights[0].shape
    first = torch.addmm(biases[0].transpose(0, 1).reshape(1, k * h), x, weights[0].transpose(0, 1).reshape(d, k * h))
    a = first.relu_().view(len(x), k, h).transpose(0, 1)
    for index in range(1, len(weights)):
        a = torch.baddbmm(biases[index], a, weights[index])
        if index < len(weights) - 1:
            a = a.relu_()
    return a


def bounded_spread(raw, floor, ceiling):
    """Aleatoric sd between `floor` and `ceiling` (standardised units): a
    ReLU network extrapolates linearly, and an unbounded log-scale sd would
    turn exp(mu + sigma^2 / 2) into an overflow far from the data."""
    return floor + (ceiling - floor) * torch.sigmoid(raw)


def gaussian_nll(out, y, floor, ceiling):
    """Mean NLL per sample of N(mu, sigma^2) per network, (K,) for out (K, n, 2)."""
    return sample_nll(out, y, floor, ceiling).mean(dim=-1)


def sample_nll(out, y, floor, ceiling):
    """NLL of each sample under each network, (K, n)."""
    sigma = bounded_spread(out[..., 1], floor, ceiling)
    return torch.log(sigma) + 0.5 * ((y - out[..., 0]) / sigma) ** 2 + 0.5 * np.log(2 * np.pi)


class EnsembleNet(torch.nn.Module):
    """K deterministic heteroscedastic MLPs as one module of stacked tensors,
    each with its own L2 weight decay."""

    def __init__(self, weights, biases, weight_decay):
        super().__init__()
        self.n_layers = len(weights)
        self.weight_decay = torch.as_tensor(np.asarray(weight_decay, dtype=np.float32))
        self.n_networks = weights[0].shape[0]
        for index, (w, b) in enumerate(zip(weights, biases)):
            self.register_parameter(f"layer{index}_weight", torch.nn.Parameter(w))
            self.register_parameter(f"layer{index}_bias", torch.nn.Parameter(b))

    def layers(self):
        return [(getattr(self, f"layer{i}_weight"), getattr(self, f"layer{i}_bias")) for i in range(self.n_layers)]

    def forward(self, x):
        """x (K, n, d) -> (K, n, 2); each member sees its own batch."""
        a = x
        for index, (w, b) in enumerate(self.layers()):
            a = torch.baddbmm(b, a, w)
            if index < self.n_layers - 1:
                a = a.relu()
        return a

    def evaluate(self, x):
        weights, biases = zip(*self.layers())
        return stacked_forward(x, list(weights), list(biases))

    def members(self, index):
        """A new module of the members at `index` (a copy, same weights and decays)."""
        weights, biases = zip(*self.layers())
        return EnsembleNet([w.detach()[index].clone() for w in weights], [b.detach()[index].clone() for b in biases],
                           self.weight_decay[index].numpy())

    def penalty(self, n_train, kl_weight):
        """Sum over members of decay_k / 2 * ||theta_k||^2, added to their mean NLL."""
        squares = sum((t**2).sum(dim=(1, 2)) for layer in self.layers() for t in layer)
        return 0.5 * (self.weight_decay * squares).sum()

    def named_tensors(self):
        return {f"layer{i}.{k}": t for i, (w, b) in enumerate(self.layers()) for k, t in (("weight", w), ("bias", b))}


class BayesNet(torch.nn.Module):
    """Mean-field Gaussian posterior over every weight and bias."""

    def __init__(self, weights, biases, prior_sd, generator):
        super().__init__()
        self.prior_sd = prior_sd
        self.generator = generator
        self.n_networks = 1
        self.n_layers = len(weights)
        for index, (w, b) in enumerate(zip(weights, biases)):
            for name, value in (("weight", w), ("bias", b)):
                self.register_parameter(f"layer{index}_{name}_mu", torch.nn.Parameter(value))
                rho = torch.full_like(value, RHO_INIT)
                self.register_parameter(f"layer{index}_{name}_rho", torch.nn.Parameter(rho))

    def _get(self, index, name):
        return getattr(self, f"layer{index}_{name}")

    def forward(self, x):
        """Local reparameterisation: x (1, n, d) -> (1, n, 2), each
        pre-activation drawn from its Gaussian given the layer's input."""
        a = x
        for index in range(self.n_layers):
            w_sd = torch.nn.functional.softplus(self._get(index, "weight_rho"))
            b_sd = torch.nn.functional.softplus(self._get(index, "bias_rho"))
            mean = torch.baddbmm(self._get(index, "bias_mu"), a, self._get(index, "weight_mu"))
            var = torch.baddbmm(b_sd**2, a**2, w_sd**2)
            a = mean + var.sqrt() * torch.randn(mean.shape, generator=self.generator)
            if index < self.n_layers - 1:
                a = a.relu()
        return a

    def evaluate(self, x):
        """The network at the posterior means: early stopping's yardstick."""
        weights = [self._get(i, "weight_mu") for i in range(self.n_layers)]
        biases = [self._get(i, "bias_mu") for i in range(self.n_layers)]
        return stacked_forward(x, weights, biases)

    def penalty(self, n_train, kl_weight):
        """The ELBO's KL term per training sample."""
        return kl_weight * self.kl() / n_train

    def kl(self):
        """KL(q || N(0, prior_sd^2)) summed over every weight and bias."""
        total = torch.zeros(())
        for index in range(self.n_layers):
            for name in ("weight", "bias"):
                mu = self._get(index, f"{name}_mu")
                sd = torch.nn.functional.softplus(self._get(index, f"{name}_rho"))
                ratio = sd / self.prior_sd
                total = total + (-torch.log(ratio) + (ratio**2 + (mu / self.prior_sd) ** 2) / 2 - 0.5).sum()
        return total

    def named_tensors(self):
        return {f"layer{i}.{name}": self._get(i, name) for i in range(self.n_layers)
                for name in ("weight_mu", "weight_rho", "bias_mu", "bias_rho")}

