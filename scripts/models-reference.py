"""Reference results for nb.models (src/models/reference.json), from scikit-learn 1.2 and
XGBoost 1.7 on the bundled datasets (data/*.csv).

Split: every fifth row (index % 5 == 0) is held out for testing, the rest trains; where X is
standardised, the mean and population standard deviation come from the training rows (as
nb.data.standardize). The tests rebuild the same split and compare against these numbers, so
they pass without Python. Run: /usr/bin/python3 scripts/models-reference.py
"""
import json
import os
import sys

import numpy as np
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.svm import SVC
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel
import xgboost as xgb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name):
    table = np.loadtxt(os.path.join(ROOT, "data", name + ".csv"), delimiter=",", skiprows=1)
    return table[:, :-1], table[:, -1]


def split(name, standardise=True):
    x, y = load(name)
    test = np.arange(len(y)) % 5 == 0
    xtr, xte, ytr, yte = x[~test], x[test], y[~test], y[test]
    if standardise:
        mean, std = xtr.mean(0), xtr.std(0)
        std[std == 0] = 1
        xtr, xte = (xtr - mean) / std, (xte - mean) / std
    return xtr, ytr, xte, yte


def svc_case(name, classes, **params):
    xtr, ytr, xte, yte = split(name)
    if classes is not None:
        keep, keep_te = np.isin(ytr, classes), np.isin(yte, classes)
        xtr, ytr, xte, yte = xtr[keep], ytr[keep], xte[keep_te], yte[keep_te]
    model = SVC(tol=1e-8, shrinking=False, **params).fit(xtr, ytr)
    order = np.argsort(model.support_)
    return {
        "data": name, "classes": classes, "params": params,
        "supportIndices": model.support_[order].tolist(),
        "dualCoef": model.dual_coef_[0][order].tolist(),
        "intercept": float(model.intercept_[0]),
        "decisionTest": model.decision_function(xte).tolist(),
        "gamma": float(model._gamma),
    }


def lasso_case(cls, **params):
    xtr, ytr, _, _ = split("diabetes", standardise=False)
    model = cls(tol=1e-14, max_iter=1_000_000, **params).fit(xtr, ytr)
    return {"data": "diabetes", "params": params, "coef": model.coef_.tolist(), "intercept": float(model.intercept_), "nIter": int(model.n_iter_)}


def logistic_case(name, features, **params):
    xtr, ytr, xte, yte = split(name)
    if features is not None:
        xtr, xte = xtr[:, :features], xte[:, :features]
    model = LogisticRegression(tol=1e-12, max_iter=100_000, solver="newton-cg", **params).fit(xtr, ytr)
    intercept = model.intercept_
    if len(intercept) > 1:
        intercept = intercept - intercept.mean()
    return {
        "data": name, "features": features, "params": params, "coef": model.coef_.tolist(), "intercept": intercept.tolist(),
        "probaTest": model.predict_proba(xte).tolist(),
    }


def boosting_case(name, objective, **params):
    xtr, ytr, xte, yte = split(name, standardise=False)
    full = dict(n_estimators=30, max_depth=3, learning_rate=0.3, reg_lambda=1.0, gamma=0.0, min_child_weight=1.0,
                tree_method="exact", base_score=0.5)
    full.update(params)
    if objective == "reg:squarederror":
        model = xgb.XGBRegressor(objective=objective, **full).fit(xtr, ytr)
        train_loss = float(np.mean(0.5 * (model.predict(xtr) - ytr) ** 2))
        test_metric = float(model.score(xte, yte))
    else:
        model = xgb.XGBClassifier(objective=objective, **full).fit(xtr, ytr.astype(int))
        p = np.clip(model.predict_proba(xtr), 1e-300, 1)
        train_loss = float(-np.mean(np.log(p[np.arange(len(ytr)), ytr.astype(int)])))
        test_metric = float(model.score(xte, yte.astype(int)))
    return {"data": name, "objective": objective, "params": full, "trainLoss": train_loss, "testMetric": test_metric}


def linear_case(cls, name, **params):
    xtr, ytr, xte, yte = split(name, standardise=False)
    model = cls(**params).fit(xtr, ytr)
    return {"data": name, "params": params, "coef": model.coef_.tolist(), "intercept": float(model.intercept_), "r2Test": float(model.score(xte, yte))}


def pca_case(name):
    xtr, _, xte, _ = split(name)
    model = PCA().fit(xtr)
    return {
        "data": name, "explainedVariance": model.explained_variance_.tolist(), "explainedVarianceRatio": model.explained_variance_ratio_.tolist(),
        "components": model.components_[:5].tolist(), "transformTest": model.transform(xte)[:, :3].tolist(),
    }


def mixture_case(name, max_iter, reg_covar=1e-6):
    """EM from fully given initial parameters: the first training row of each class as means,
    uniform weights, every covariance the data's (population) covariance + reg_covar·I, which is
    what nb.models.GaussianMixture starts from when given meansInit."""
    xtr, ytr, _, _ = split(name, standardise=False)
    classes = np.unique(ytr)
    means = np.array([xtr[np.argmax(ytr == c)] for c in classes])
    k, d = means.shape
    cov = np.cov(xtr.T, bias=True) + reg_covar * np.eye(d)
    model = GaussianMixture(
        n_components=k, covariance_type="full", reg_covar=reg_covar, tol=0.0, max_iter=max_iter,
        weights_init=np.full(k, 1 / k), means_init=means, precisions_init=np.array([np.linalg.inv(cov)] * k),
    ).fit(xtr)
    return {"data": name, "maxIter": max_iter, "regCovar": reg_covar, "meansInit": means.tolist(), "score": float(model.score(xtr)),
            "means": model.means_.tolist(), "weights": model.weights_.tolist(), "lowerBound": float(model.lower_bound_)}


def gp_data(rows=100):
    """The first `rows` training rows of diabetes, X standardised, y standardised (mean 0, sd 1)."""
    xtr, ytr, xte, yte = split("diabetes")
    x, y = xtr[:rows], ytr[:rows]
    mean, sd = y.mean(), y.std()
    return x, (y - mean) / sd, xte[:40], (yte[:40] - mean) / sd


def gp_kernel(kind, variance, lengthscale, noise):
    base = RBF(lengthscale) if kind == "rbf" else Matern(lengthscale, nu=kind)
    return ConstantKernel(variance) * base + WhiteKernel(noise)


def gp_case(kind, variance, lengthscale, noise):
    x, y, xte, _ = gp_data()
    fixed = GaussianProcessRegressor(gp_kernel(kind, variance, lengthscale, noise), alpha=0.0, optimizer=None).fit(x, y)
    lml, grad = fixed.log_marginal_likelihood(fixed.kernel_.theta, eval_gradient=True)
    mean, std = fixed.predict(xte, return_std=True)
    best = GaussianProcessRegressor(gp_kernel(kind, variance, lengthscale, noise), alpha=0.0, n_restarts_optimizer=9, random_state=0).fit(x, y)
    return {
        "kernel": kind, "variance": variance, "lengthscale": lengthscale, "noise": noise, "theta": fixed.kernel_.theta.tolist(),
        "lml": float(lml), "gradient": grad.tolist(), "meanTest": mean.tolist(), "varianceTest": (std ** 2 - noise).tolist(),
        "bestLml": float(best.log_marginal_likelihood_value_), "bestTheta": best.kernel_.theta.tolist(),
    }


def main():
    reference = {
        "svc": {
            "linear": svc_case("breast-cancer", None, kernel="linear", C=1.0),
            "rbf": svc_case("breast-cancer", None, kernel="rbf", C=1.0, gamma="scale"),
            "poly": svc_case("breast-cancer", None, kernel="poly", C=0.5, gamma=0.05, degree=3, coef0=1.0),
            "irisRbf": svc_case("iris", [1.0, 2.0], kernel="rbf", C=10.0, gamma=0.5),
        },
        "lasso": lasso_case(Lasso, alpha=0.5),
        "elasticNet": lasso_case(ElasticNet, alpha=0.05, l1_ratio=0.7),
        "logistic": {
            "binary": logistic_case("breast-cancer", None, C=1.0),
            "none": logistic_case("breast-cancer", 2, penalty=None),
            "multinomial": logistic_case("wine", None, C=0.5),
        },
    }
    reference["boosting"] = {
        "squared": boosting_case("diabetes", "reg:squarederror", n_estimators=50, learning_rate=0.1),
        "logistic": boosting_case("breast-cancer", "binary:logistic"),
        "softmax": boosting_case("wine", "multi:softprob"),
        "squaredDeep": boosting_case("diabetes", "reg:squarederror", n_estimators=20, max_depth=6, min_child_weight=5.0, reg_lambda=2.0),
    }
    reference["linear"] = linear_case(LinearRegression, "diabetes")
    reference["ridge"] = linear_case(Ridge, "diabetes", alpha=0.1, solver="cholesky")
    reference["pca"] = {"wine": pca_case("wine"), "digits": pca_case("digits")}
    reference["mixture"] = {"iris": mixture_case("iris", 50), "wine": mixture_case("wine", 30, 1e-3)}
    reference["gp"] = {"rbf": gp_case("rbf", 1.0, 3.0, 0.5), "matern": gp_case(2.5, 0.8, 2.0, 0.3), "matern15": gp_case(1.5, 1.2, 4.0, 0.6)}
    with open(os.path.join(ROOT, "src", "models", "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print("wrote src/models/reference.json", file=sys.stderr)


if __name__ == "__main__":
    main()
