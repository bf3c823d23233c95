"""Reference values for training/eval/metrics.test.ts, computed with scikit-learn.

Regenerate (Debian: apt-get install python3-sklearn; scikit-learn 1.2.1 was used):
    /usr/bin/python3 training/eval/testdata/make-sklearn-cases.py > training/eval/testdata/sklearn-cases.json
Scores are rounded to 1-2 decimals so that many cases contain ties.
"""
import json
import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score, f1_score,
                             precision_score, recall_score, roc_auc_score)

rng = np.random.default_rng(20251129)
cases = []
for k in range(40):
    n = int(rng.integers(4, 80))
    y = rng.integers(0, 2, n)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    sep = rng.uniform(0, 2)
    s = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + sep * (2 * y - 1))))
    s = np.round(s, 1 if k % 2 == 0 else 2)
    t = float(rng.choice([0.3, 0.5, 0.7]))
    pred = (s >= t).astype(int)
    cases.append({
        "labels": y.tolist(), "scores": s.tolist(), "threshold": t,
        "roc_auc": roc_auc_score(y, s), "average_precision": average_precision_score(y, s),
        "accuracy": accuracy_score(y, pred), "balanced_accuracy": balanced_accuracy_score(y, pred),
        "precision": precision_score(y, pred, zero_division=0) if pred.sum() > 0 else None,
        "recall": recall_score(y, pred), "f1": f1_score(y, pred, zero_division=0),
    })
print(json.dumps({"sklearn": sklearn.__version__, "cases": cases}))
