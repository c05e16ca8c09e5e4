"""Regression kriging (Hengl et al. 2007; Odeh et al. 1995): a linear trend on
the covariates and coordinates, plus ordinary kriging of its residuals.

Why a baseline of its own: it is the classical way a geostatistician brings
covariates into kriging, so a network that claims to use the covariates must
beat it, not only plain OK. The trend is a ridge regression on standardised
columns (one-hot lithology columns of rare categories would otherwise get
wild coefficients), on the grade scale, so no back-transform bias arises. The
residuals get their own automatic variogram, refitted on every training fold.
The predictive is N(trend + kriged residual, residual kriging variance): the
trend's own estimation error is ignored, as in the usual RK practice; with
hundreds of samples per coefficient it is small beside the kriging variance.
"""
import numpy as np

from .kriging import OrdinaryKriging

RIDGE_PENALTY = 1.0  # on standardised columns, against n in the hundreds or more


class RegressionKriging:
    """Estimator (fit(X, y, groups) / predictive(X)). X: `n_coords` coordinate
    columns (z = 0 in 2D), then the covariates (none: a linear drift in the
    coordinates alone). Kriging settings as `OrdinaryKriging`'s."""

    def __init__(self, n_coords=3, search=None, max_samples=32, max_per_hole=None, ridge_penalty=RIDGE_PENALTY,
                 seed=0, label="samples"):
        self.n_coords = n_coords
        self.search = search
        self.max_samples = max_samples
        self.max_per_hole = max_per_hole
        self.ridge_penalty = ridge_penalty
        self.seed = seed
        self.label = label

    def fit(self, X, y, groups=None):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        keep = np.isfinite(y) & np.all(np.isfinite(X), axis=1)
        if keep.sum() < 3:
            raise ValueError(f"{self.label}: regression kriging needs at least 3 samples with a grade and every "
                             f"covariate, got {int(keep.sum())}")
        columns = self._trend_columns(X)
        self.center_ = columns[keep].mean(axis=0)
        scale = columns[keep].std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)  # a constant column (z of 2D data) gets no weight
        self.coef_, self.intercept_ = _ridge(self._standardised(columns[keep]), y[keep], self.ridge_penalty)
        residuals = np.where(keep, y - self.trend(X), np.nan)
        self.kriging_ = OrdinaryKriging(None, self.search, 1, self.max_samples, self.max_per_hole, seed=self.seed,
                                        label=self.label).fit(self._xyz(X), residuals, groups)
        return self

    def trend(self, X):
        """The fitted linear trend at X."""
        return self._standardised(self._trend_columns(np.asarray(X, dtype=float))) @ self.coef_ + self.intercept_

    def predictive(self, X):
        from ..common.predictive import GaussianPredictive

        X = np.asarray(X, dtype=float)
        kriged = self.kriging_.predict(self._xyz(X))
        return GaussianPredictive(self.trend(X) + kriged["estimate"], np.sqrt(np.maximum(kriged["variance"], 0.0)))

    def _xyz(self, X):
        coords = X[:, : self.n_coords]
        return np.column_stack([coords, np.zeros((len(X), 3 - self.n_coords))]) if self.n_coords < 3 else coords

    def _trend_columns(self, X):
        return np.column_stack([X[:, self.n_coords:], self._xyz(X)])

    def _standardised(self, columns):
        return (columns - self.center_) / self.scale_


def _ridge(A, y, penalty):
    """(coefficients, intercept) minimising |y - A b - c|^2 + penalty |b|^2
    on centred columns (the intercept is not penalised)."""
    mean_y = y.mean()
    gram = A.T @ A + penalty * np.eye(A.shape[1])
    coef = np.linalg.solve(gram, A.T @ (y - mean_y))
    return coef, float(mean_y - A.mean(axis=0) @ coef)
