"""Feature extractor: TF-IDF of words and word pairs on title + abstract."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass(frozen=True)
class TfidfWordPairs:
    """TF-IDF of words and word pairs (Salton & Buckley 1988, Information Processing & Management).

    scikit-learn's ``TfidfVectorizer`` with sublinear term frequency (1 + log tf), smoothed idf and
    l2-normalised rows; terms in more than ``max_df`` of the records are dropped. These are the
    settings of ASReview LAB 3's default model ELAS u4 (van de Schoot et al. 2021, Nature Machine
    Intelligence), so cartsle and ASReview see the same features.
    """

    name: ClassVar[str] = "tfidf"
    ngram_range: tuple[int, int] = (1, 2)
    sublinear_tf: bool = True
    min_df: int = 1
    max_df: float = 0.95

    def describe(self) -> str:
        low, high = self.ngram_range
        grams = "words and word pairs" if (low, high) == (1, 2) else f"{low}- to {high}-grams"
        return f"TF-IDF of {grams} (sublinear tf, max_df {self.max_df:g}, min_df {self.min_df})"

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """One row per text. Texts with no words at all get an all-zero row."""
        for max_df in (self.max_df, 1.0):
            vectoriser = TfidfVectorizer(
                ngram_range=self.ngram_range,
                sublinear_tf=self.sublinear_tf,
                min_df=self.min_df,
                max_df=max_df,
                dtype=np.float64,  # liblinear copies anything else to float64 on every fit
            )
            try:
                return vectoriser.fit_transform(list(texts)).tocsr()
            except ValueError:
                # a tiny set can lose every term to max_df; an empty one has no vocabulary at all
                continue
        return sparse.csr_matrix((len(texts), 1), dtype=np.float64)
