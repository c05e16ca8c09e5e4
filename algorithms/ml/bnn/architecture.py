"""The shape of a network, in one place: training builds it, prediction reads
its tensors back by name, and loading a model file checks the saved tensors
against it before any of them is used.

A network maps the standardised features through the hidden ReLU layers to two
outputs, the mean and the (bounded) spread of standardised log-grade. The BNN
holds a mean and a softplus-rho per weight and bias, the ensemble one weight
per member; both stack K networks along a leading axis (K = 1 for the BNN, the
posterior draws being made at prediction).
"""

METHODS = ("bnn", "ensemble")


def layer_sizes(n_inputs, hidden):
    """[(n_in, n_out)] of each layer, inputs to the two outputs."""
    sizes = [n_inputs] + list(hidden) + [2]
    return list(zip(sizes[:-1], sizes[1:]))


def layer_tensors(tensors, suffix):
    """[tensors['layer0.<suffix>'], tensors['layer1.<suffix>'], ...]."""
    out = []
    while f"layer{len(out)}.{suffix}" in tensors:
        out.append(tensors[f"layer{len(out)}.{suffix}"])
    return out


def tensor_shapes(method, n_inputs, hidden, n_members):
    """Name -> shape of every tensor a model of this architecture holds."""
    suffixes = ("weight", "bias") if method == "ensemble" else ("weight_mu", "weight_rho", "bias_mu", "bias_rho")
    k = n_members if method == "ensemble" else 1
    shapes = {}
    for index, (n_in, n_out) in enumerate(layer_sizes(n_inputs, hidden)):
        for suffix in suffixes:
            shapes[f"layer{index}.{suffix}"] = (k, n_in, n_out) if suffix.startswith("weight") else (k, 1, n_out)
    return shapes
