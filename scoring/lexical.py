"""A lexical probe: what the words and word pieces of a sentence say, learned from the rubric.

The embedder (all-MiniLM-L6-v2) was trained on English and rates most Dutch sentences as alike;
character n-grams do not care which language they read ("excuses", "sorry", "schoenhoes",
"afdekken"). Per language, one linear model per behaviour is fitted on the rubric's exemplars
only (near misses count as "not this behaviour"), like the embedding probe in scoring.scorer, so
it never sees a labelled reply and cross-validated figures stay honest. Fitting takes well under
a second at load; a turn costs one sparse transform.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator.vocabulary import BEHAVIOURS

C = 1.0  # inverse ridge of the logistic models (CV on dev+train: 1, 4 and 16 within 0.006)


class LexicalProbe:
    """Per behaviour, the log-odds that a sentence is an exemplar of it, from its n-grams."""

    def __init__(self, texts: Sequence[str], labels: np.ndarray):
        """`labels[i, k]` is 1 where text i shows behaviour k (an exemplar: one; a near miss or
        a labelled reply without behaviours: none; a labelled reply: any number)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion

        self.vectorizer = FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                      min_df=1, lowercase=True)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b", lowercase=True)),
        ])
        X = self.vectorizer.fit_transform(list(texts))
        self.weights = np.zeros((X.shape[1], len(BEHAVIOURS)), dtype=np.float32)
        self.bias = np.zeros(len(BEHAVIOURS), dtype=np.float32)
        for k in range(len(BEHAVIOURS)):
            y = labels[:, k].astype(int)
            if 0 < y.sum() < len(y):
                model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced")
                model.fit(X, y)
                self.weights[:, k] = model.coef_[0]
                self.bias[k] = model.intercept_[0]

    def scores(self, sentences: Sequence[str]) -> np.ndarray:
        """(sentences × behaviours) log-odds."""
        from sklearn import config_context

        # a turn's few strings: sklearn's input checks would take a third of the transform
        with config_context(assume_finite=True, skip_parameter_validation=True):
            X = self.vectorizer.transform(list(sentences))
        return np.asarray(X @ self.weights) + self.bias
