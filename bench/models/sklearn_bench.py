"""Fit times of scikit-learn 1.2 / XGBoost 1.7 for bench/models.js: the same cases on the same
split (every fifth row held out, X standardised on the training rows). Prints JSON
{case: milliseconds (median of repetitions)}. Run by bench/models.js; /usr/bin/python3."""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.decomposition import PCA
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.mixture import GaussianMixture
from sklearn.svm import SVC

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def split(name):
    table = np.loadtxt(os.path.join(ROOT, "data", name + ".csv"), delimiter=",", skiprows=1)
    x, y = table[:, :-1], table[:, -1]
    train = np.arange(len(y)) % 5 != 0
    x, y = x[train], y[train]
    std = x.std(0)
    std[std == 0] = 1
    return (x - x.mean(0)) / std, y


CASES = {
    "LinearRegression diabetes": lambda: LinearRegression().fit(*split("diabetes")),
    "Ridge diabetes": lambda: Ridge(alpha=1.0).fit(*split("diabetes")),
    "Lasso diabetes": lambda: Lasso(alpha=0.5).fit(*split("diabetes")),
    "LogisticRegression breast-cancer": lambda: LogisticRegression(C=1.0).fit(*split("breast-cancer")),
    "SVC rbf breast-cancer": lambda: SVC(C=1.0).fit(*split("breast-cancer")),
    "GaussianMixture iris (3)": lambda: GaussianMixture(3, random_state=0).fit(split("iris")[0]),
    "GaussianProcess rbf diabetes[100]": lambda: GaussianProcessRegressor(ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(1.0), alpha=0.0)
        .fit(split("diabetes")[0][:100], (lambda y: (y - y.mean()) / y.std())(split("diabetes")[1][:100])),
    "GradientBoosting diabetes (50×depth 3)": lambda: xgb.XGBRegressor(n_estimators=50, max_depth=3, learning_rate=0.1, tree_method="exact", base_score=0.5, n_jobs=1)
        .fit(*split("diabetes")),
    "PCA digits": lambda: PCA().fit(split("digits")[0]),
}


def main():
    names = json.loads(sys.argv[1])
    out = {}
    for name in names:
        CASES[name]()
        times = []
        for _ in range(5):
            start = time.perf_counter()
            CASES[name]()
            times.append((time.perf_counter() - start) * 1000)
        out[name] = sorted(times)[len(times) // 2]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
