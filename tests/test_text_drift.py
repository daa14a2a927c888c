"""The vectorized text-content drift test gives Evidently's own figures, and a drift report can use it."""

import numpy as np
import pandas as pd
import pytest
from evidently.legacy.calculations.stattests.registry import get_stattest
from evidently.legacy.core import ColumnType
from evidently.legacy.utils.data_drift_utils import calculate_text_drift_score, roc_auc_random_classifier_percentile

from llm_assets.monitoring.text_drift import random_classifier_percentile, stattest, text_content_drift


def test_the_bootstrap_percentile_is_evidentlys():
    rng = np.random.default_rng(3)
    for n, share in ((40, 0.5), (97, 0.3), (250, 0.8)):
        y = (rng.random(n) < share).astype(int)
        for p in (0.05, 0.2):
            ours = random_classifier_percentile(y, p_value=p, iter_num=200)
            assert ours == pytest.approx(roc_auc_random_classifier_percentile(y, p_value=p, iter_num=200), rel=1e-12)


def test_the_text_test_decides_as_evidentlys_on_calm_and_shifted_text():
    rng = np.random.default_rng(5)
    words = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), 6)) for _ in range(300)]

    def texts(vocab, n):
        return pd.Series([" ".join(rng.choice(vocab, 12)) for _ in range(n)])

    reference = texts(words, 80)
    calm, shifted = texts(words, 60), texts(words[:100] + ["recall", "scam", "fraud", "warning"] * 20, 60)
    assert not text_content_drift(reference, calm, ColumnType.Text, 0.95)[1]
    # Evidently's own bootstrap takes ~10 s: compared once
    ours = text_content_drift(reference, shifted, ColumnType.Text, 0.95)
    assert ours[1] and ours == calculate_text_drift_score(reference, shifted, True, p_value=0.05)
    current = shifted
    assert get_stattest(reference, current, ColumnType.Text, stattest()) is stattest()


def test_a_drift_report_decides_the_text_column_with_it(tmp_path):
    from llm_assets.monitoring.assets import DRIFT_COLUMNS, _run_evidently

    rng = np.random.default_rng(5)
    words = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), 6)) for _ in range(300)]

    def frame(vocab, n):
        columns = {c: rng.integers(0, 5, n) for c in DRIFT_COLUMNS}
        columns["text"] = [" ".join(rng.choice(vocab, 12)) for _ in range(n)]
        columns["category"] = rng.choice(["billing", "delivery"], n)
        return pd.DataFrame({**columns, "emb_0": rng.random(n), "emb_1": rng.random(n)})

    shifted = frame(words[:100] + ["recall", "scam", "fraud", "warning"] * 20, 120)
    out = _run_evidently(frame(words, 120), shifted, ["emb_0", "emb_1"], str(tmp_path / "report.html"))
    assert out["columns"]["text"]["method"] == stattest().name and out["columns"]["text"]["drifted"]
    assert (tmp_path / "report.html").stat().st_size > 0
