"""(split from bnn; docstring to write)"""


METHODS = ("bnn", "ensemble")


RHO_INIT = -5.0  # softplus(-5) = 0.0067: start near the deterministic net, let the ELBO widen it


def parse_hidden(text):
    """'64,64,64' -> (64, 64, 64)."""
    try:
        sizes = tuple(int(token) for token in str(text).replace(";", ",").split(",") if token.strip())
    except ValueError:
        raise ValueError(f"hidden layers: {text!r} is not a comma-separated list of integers") from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"hidden layers: {text!r} needs at least one layer of at least one unit")
    return sizes


# ---- networks ------------------------------------------------------------------------------
def layer_sizes(n_inputs, hidden):
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

