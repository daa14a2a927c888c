"""Evidently's percentile text-content drift test, with its random-classifier bootstrap drawn as one array.

Evidently decides whether a text column drifted by training a domain classifier (TF-IDF + SGD) to tell reference
from current rows, and comparing its ROC AUC with the 95th percentile of the ROC AUCs of 1,000 random classifiers on
the same held-out labels. It scores those 1,000 one ``roc_auc_score`` call at a time, about 11 ms of input
validation each: 11 s per text column, three times per report (column drift, drifted-columns count, column table).
This test is the same statistic with the same seeds: the ROC AUC of untied random scores is the Mann-Whitney U of
the positive rows divided by n0 * n1, computed by scipy for all 1,000 draws at once. ``test_text_drift.py`` compares
it with Evidently's own function.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

ITERATIONS = 1000  # Evidently's
SEED = 42  # Evidently's
PERCENTILE_TEST_MAX_REFERENCE = 1000  # beyond it Evidently picks its threshold test, which has no bootstrap


def random_classifier_percentile(y_test, p_value: float = 0.05, iter_num: int = ITERATIONS, seed: int = SEED):
    """The (1 - p_value) percentile of the ROC AUCs of ``iter_num`` random classifiers, drawn exactly as Evidently's
    ``roc_auc_random_classifier_percentile`` draws them."""
    from scipy.stats import mannwhitneyu

    y = np.asarray(y_test).astype(bool)
    np.random.seed(seed)
    seeds = np.random.randint(0, iter_num * 10, size=iter_num)
    scores = np.empty((iter_num, len(y)))
    for i, s in enumerate(seeds):
        np.random.seed(s)
        scores[i] = np.random.rand(len(y))
    u = mannwhitneyu(scores[:, y], scores[:, ~y], axis=1, method="asymptotic").statistic
    return np.percentile(u / (y.sum() * (~y).sum()), 100 * (1 - p_value))


def text_content_drift(reference: pd.Series, current: pd.Series, feature_type, threshold: float) -> tuple[float, bool]:
    """Evidently's ``perc_text_content_drift``: the domain classifier's ROC AUC, and whether it beats chance."""
    import pandas as pd
    from evidently.legacy.utils.data_drift_utils import roc_auc_domain_classifier
    from sklearn.model_selection import train_test_split

    domain = pd.concat([pd.DataFrame({"text": reference, "target": 0}), pd.DataFrame({"text": current, "target": 1})])
    x_train, x_test, y_train, y_test = train_test_split(
        domain["text"], domain["target"], test_size=0.5, random_state=42, shuffle=True
    )
    roc_auc, _, _ = roc_auc_domain_classifier(x_train, x_test, y_train, y_test)
    return roc_auc, roc_auc > random_classifier_percentile(y_test, p_value=1 - threshold)


@functools.cache
def stattest():
    """The test as an Evidently ``StatTest``, registered once in Evidently's registry."""
    from evidently.legacy.calculations.stattests.registry import StatTest, register_stattest
    from evidently.legacy.core import ColumnType

    test = StatTest(
        name="perc_text_content_drift_vectorized",
        display_name="Percentile text content drift",
        allowed_feature_types=[ColumnType.Text],
        default_threshold=0.95,
    )
    register_stattest(test, text_content_drift)
    return test
