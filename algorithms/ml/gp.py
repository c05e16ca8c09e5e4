"""Gaussian-process baseline with GPyTorch.

Matern 5/2 kernel with one length scale per input dimension (ARD) on
coordinates standardised per axis, so the learned length scales are the
anisotropy, plus optional covariates as further ARD dimensions; constant mean,
Gaussian noise (the nugget). Up to `exact_limit` samples the exact marginal
likelihood is optimised with Cholesky solves in float64; above it a variational
sparse GP (SVGP, inducing points initialised on a seeded subset of the data and
learned) is trained on minibatches of the ELBO, which keeps memory and time
linear in n.

Grades are modelled on log scale by default (`log_transform`), as the BNN is,
so both report lognormal predictive distributions that compare like for like.
"""
import numpy as np

from ..common.progress import check_cancelled, report_progress

MIN_SAMPLES = 10


class GPRegressor:
    """Gaussian-process regression of grade (an `Estimator`). X holds the
    coordinates in its first `n_coords` columns (an all-NaN column, the z of 2D
    data, is dropped at fit) followed by the covariates; `groups` is accepted
    for the protocol and unused."""

    def __init__(self, log_transform=True, exact_limit=2000, n_inducing=512, iterations=150,
                 learning_rate=0.05, batch_size=1024, seed=0, n_coords=3):
        self.log_transform = log_transform
        self.exact_limit = exact_limit
        self.n_inducing = n_inducing
        self.iterations = iterations
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.seed = seed
        self.n_coords = n_coords

    def fit(self, X, y, groups=None, progress=None, should_stop=None):
        import torch

        x = self._design(X, fitting=True)
        y = np.asarray(y, dtype=float)
        if len(y) < MIN_SAMPLES:
            raise ValueError(f"a Gaussian process needs at least {MIN_SAMPLES} samples, got {len(y)}")
        if self.log_transform and np.any(y <= 0):
            row = int(np.flatnonzero(y <= 0)[0])
            raise ValueError(f"row {row + 1}: grade {y[row]} is not positive, which the log transform needs")
        z = np.log(y) if self.log_transform else y
        self.y_mean_, self.y_sd_ = float(z.mean()), float(z.std())
        if self.y_sd_ == 0:
            raise ValueError("the target is constant; a Gaussian process has nothing to fit")
        torch.manual_seed(self.seed)
        tx = torch.as_tensor(x, dtype=torch.float64)
        ty = torch.as_tensor((z - self.y_mean_) / self.y_sd_, dtype=torch.float64)
        self.exact_ = len(y) <= self.exact_limit
        train = self._fit_exact if self.exact_ else self._fit_sparse
        train(tx, ty, progress, should_stop)
        return self

    def predict_log(self, X, batch=4096):
        """(mu, sigma) of the transformed target per point, noise included."""
        import gpytorch
        import torch

        x = torch.as_tensor(self._design(X, fitting=False), dtype=torch.float64)
        self.model_.eval()
        self.likelihood_.eval()
        mus, variances = [], []
        with torch.no_grad(), gpytorch.settings.fast_pred_var(False), \
                gpytorch.settings.max_cholesky_size(self.exact_limit + 1):
            for start in range(0, len(x), batch):
                predictive = self.likelihood_(self.model_(x[start:start + batch]))
                mus.append(predictive.mean.numpy())
                variances.append(predictive.variance.numpy())
        mu = np.concatenate(mus) * self.y_sd_ + self.y_mean_
        sigma = np.sqrt(np.concatenate(variances)) * self.y_sd_
        return mu, sigma

    def predictive(self, X):
        """Lognormal (log-scale model) or Gaussian predictive distribution of grade."""
        from ..common.predictive import GaussianPredictive, LogNormalMixturePredictive

        mu, sigma = self.predict_log(X)
        return LogNormalMixturePredictive(mu, sigma) if self.log_transform else GaussianPredictive(mu, sigma)

    def predict(self, X, cutoffs=()):
        """Summary dict of (n,) arrays: mean, sd, p10, p50, p90, p_gt_<cut-off>."""
        from ..common.predictive import lognormal_mixture_summary, normal_summary

        mu, sigma = self.predict_log(X)
        if self.log_transform:
            return lognormal_mixture_summary(mu, sigma, cutoffs)
        return normal_summary(mu, sigma, cutoffs)

    @property
    def length_scales_(self):
        """Learned length scales in the input's own units (coordinates first)."""
        kernel = self.model_.covar_module.base_kernel
        return kernel.lengthscale.detach().numpy().ravel() * self.x_sd_

    def _design(self, X, fitting):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] < self.n_coords:
            raise ValueError(f"inputs must be (n, {self.n_coords} coordinates + covariates), got shape {X.shape}")
        coords, covariates = X[:, :self.n_coords], X[:, self.n_coords:]
        if fitting:
            # 2D data come with an all-NaN z column; it is not an input.
            self.coord_columns_ = np.flatnonzero(~np.all(np.isnan(coords), axis=0))
        coords = coords[:, self.coord_columns_]
        x = coords if covariates.shape[1] == 0 else np.column_stack([coords, covariates])
        bad = np.argwhere(~np.isfinite(x))
        if bad.size:
            row, column = bad[0]
            raise ValueError(f"row {row + 1}: input column {column + 1} is missing or not finite")
        if fitting:
            self.x_mean_ = x.mean(axis=0)
            self.x_sd_ = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
        if x.shape[1] != len(self.x_mean_):
            raise ValueError(f"{x.shape[1]} inputs given, the model was fitted on {len(self.x_mean_)}")
        return (x - self.x_mean_) / self.x_sd_

    def _kernel(self, dims):
        import gpytorch

        kernel = gpytorch.kernels.ScaleKernel(gpytorch.kernels.MaternKernel(nu=2.5, ard_num_dims=dims))
        # Start from half a standard deviation of each input: GPyTorch's default
        # (0.69) spans most of a standardised domain and leaves short fits smooth.
        kernel.base_kernel.lengthscale = 0.5
        return kernel

    @staticmethod
    def _likelihood():
        import gpytorch

        likelihood = gpytorch.likelihoods.GaussianLikelihood().double()
        # A nugget of 10% of the variance is a geostatistician's usual first guess.
        likelihood.noise = 0.1
        return likelihood

    def _fit_exact(self, x, y, progress, should_stop):
        import gpytorch
        import torch

        kernel = self._kernel(x.shape[1])

        class ExactModel(gpytorch.models.ExactGP):
            def __init__(self, likelihood):
                super().__init__(x, y, likelihood)
                self.mean_module = gpytorch.means.ConstantMean()
                self.covar_module = kernel

            def forward(self, inputs):
                return gpytorch.distributions.MultivariateNormal(self.mean_module(inputs), self.covar_module(inputs))

        self.likelihood_ = self._likelihood()
        self.model_ = ExactModel(self.likelihood_).double()
        self.model_.train()
        self.likelihood_.train()
        optimiser = torch.optim.Adam(self.model_.parameters(), lr=self.learning_rate)
        mll = gpytorch.mlls.ExactMarginalLogLikelihood(self.likelihood_, self.model_)
        with gpytorch.settings.max_cholesky_size(self.exact_limit + 1):
            for step in range(self.iterations):
                check_cancelled(should_stop)
                optimiser.zero_grad()
                loss = -mll(self.model_(x), y)
                loss.backward()
                optimiser.step()
                report_progress(progress, (step + 1) / self.iterations)
        self.final_loss_ = float(loss.detach())

    def _fit_sparse(self, x, y, progress, should_stop):
        import gpytorch
        import torch

        generator = torch.Generator().manual_seed(self.seed)
        n_inducing = min(self.n_inducing, len(x))
        inducing = x[torch.randperm(len(x), generator=generator)[:n_inducing]].clone()
        kernel = self._kernel(x.shape[1])

        class SparseModel(gpytorch.models.ApproximateGP):
            def __init__(self):
                distribution = gpytorch.variational.CholeskyVariationalDistribution(n_inducing)
                strategy = gpytorch.variational.VariationalStrategy(
                    self, inducing, distribution, learn_inducing_locations=True
                )
                super().__init__(strategy)
                self.mean_module = gpytorch.means.ConstantMean()
                self.covar_module = kernel

            def forward(self, inputs):
                return gpytorch.distributions.MultivariateNormal(self.mean_module(inputs), self.covar_module(inputs))

        self.model_ = SparseModel().double()
        self.likelihood_ = self._likelihood()
        self.model_.train()
        self.likelihood_.train()
        parameters = list(self.model_.parameters()) + list(self.likelihood_.parameters())
        optimiser = torch.optim.Adam(parameters, lr=self.learning_rate)
        elbo = gpytorch.mlls.VariationalELBO(self.likelihood_, self.model_, num_data=len(y))
        for step in range(self.iterations):
            check_cancelled(should_stop)
            order = torch.randperm(len(x), generator=generator)
            for start in range(0, len(x), self.batch_size):
                index = order[start:start + self.batch_size]
                optimiser.zero_grad()
                loss = -elbo(self.model_(x[index]), y[index])
                loss.backward()
                optimiser.step()
            report_progress(progress, (step + 1) / self.iterations)
        self.final_loss_ = float(loss.detach())
