"""Feature extractors: TF-IDF of words (and word pairs), of characters, and of keyword terms.

Each extractor turns the records into one sparse row each. ``fit_transform`` takes the texts
(title + abstract) and, when the records carry them, their keywords or MeSH terms (one string per
record, terms separated by ``;``); extractors that do not use keywords ignore them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from scipy import sparse


def _tfidf(texts: Sequence[str], max_df: float, **settings) -> sparse.csr_matrix:
    """TF-IDF rows; a tiny set can lose every term to max_df, an empty one has no vocabulary."""
    # imported here: scikit-learn's import (which loads pandas and scipy.stats too) is most of a
    # fresh process's start-up, and a simulation on kept features needs none of it
    from sklearn.feature_extraction.text import TfidfVectorizer

    for limit in (max_df, 1.0):
        vectoriser = TfidfVectorizer(max_df=limit, dtype=np.float64, **settings)
        try:
            return vectoriser.fit_transform(list(texts)).tocsr()
        except ValueError:
            continue
    return sparse.csr_matrix((len(texts), 1), dtype=np.float64)


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

    def fit_transform(self, texts: Sequence[str], keywords: Sequence[str] | None = None) -> sparse.csr_matrix:
        """One row per text. Texts with no words at all get an all-zero row."""
        return _tfidf(
            texts,
            self.max_df,
            ngram_range=self.ngram_range,
            sublinear_tf=self.sublinear_tf,
            min_df=self.min_df,
        )


@dataclass(frozen=True)
class TfidfChars:
    """TF-IDF of character n-grams inside word boundaries (scikit-learn ``analyzer="char_wb"``).

    Catches spelling variants and word stems (randomised/randomized, nephritis/nephritic) that
    whole words miss. ``min_df`` 2 drops n-grams seen once, which cannot help rank another record.
    """

    name: ClassVar[str] = "chars"
    ngram_range: tuple[int, int] = (3, 5)
    min_df: int = 2
    max_df: float = 0.95

    def describe(self) -> str:
        low, high = self.ngram_range
        return f"TF-IDF of {low}- to {high}-character n-grams (min_df {self.min_df})"

    def fit_transform(self, texts: Sequence[str], keywords: Sequence[str] | None = None) -> sparse.csr_matrix:
        return _tfidf(
            texts,
            self.max_df,
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            sublinear_tf=True,
            min_df=self.min_df,
        )


def _split_terms(text: str) -> list[str]:
    return [term.strip().lower() for term in text.split(";") if term.strip()]


@dataclass(frozen=True)
class KeywordTerms:
    """TF-IDF of whole keyword or MeSH terms (each term one feature, "Double-Blind Method" whole).

    Indexers assign MeSH terms from the full text, so they carry study design and population that a
    title and abstract may not state. Records without keywords get an all-zero row.
    """

    name: ClassVar[str] = "keywords"

    def describe(self) -> str:
        return "TF-IDF of keyword/MeSH terms"

    def fit_transform(self, texts: Sequence[str], keywords: Sequence[str] | None = None) -> sparse.csr_matrix:
        if keywords is None or not any(keywords):
            return sparse.csr_matrix((len(texts), 0), dtype=np.float64)
        return _tfidf(keywords, 0.95, analyzer=_split_terms, min_df=2, sublinear_tf=True)


FeaturePart = TfidfWordPairs | TfidfChars | KeywordTerms


@dataclass(frozen=True)
class Combined:
    """Several extractors side by side (columns stacked), each block scaled by its weight.

    Every block's rows are l2-normalised, so a weight says how much that block counts against the
    others; blocks with no columns (no keywords in the records) drop out.
    """

    name: ClassVar[str] = "combined"
    parts: tuple[FeaturePart, ...] = field(default_factory=lambda: (TfidfWordPairs(),))
    weights: tuple[float, ...] = (1.0,)

    def describe(self) -> str:
        return " + ".join(
            part.describe() + (f" (weight {weight:g})" if weight != 1 else "")
            for part, weight in zip(self.parts, self.weights, strict=True)
        )

    def fit_transform(self, texts: Sequence[str], keywords: Sequence[str] | None = None) -> sparse.csr_matrix:
        return self.combine([part.fit_transform(texts, keywords) for part in self.parts])

    def combine(self, blocks: Sequence[sparse.csr_matrix]) -> sparse.csr_matrix:
        """The parts' own features (in the order of ``parts``) weighted and side by side."""
        weighted = [block * weight for block, weight in zip(blocks, self.weights, strict=True)]
        return sparse.hstack([block for block in weighted if block.shape[1]], format="csr", dtype=np.float64)


FeatureExtractor = TfidfWordPairs | TfidfChars | KeywordTerms | Combined


def fit_all(
    extractors: Mapping[str, FeatureExtractor], texts: Sequence[str], keywords: Sequence[str] | None = None
) -> dict[str, sparse.csr_matrix]:
    """Each extractor's features (by name), every part computed once: the default model and ELAS
    u4 share the TF-IDF of words and word pairs, the costliest part."""
    blocks: dict[FeaturePart, sparse.csr_matrix] = {}

    def block(part: FeaturePart) -> sparse.csr_matrix:
        if part not in blocks:
            blocks[part] = part.fit_transform(texts, keywords)
        return blocks[part]

    return {
        name: extractor.combine([block(part) for part in extractor.parts])
        if isinstance(extractor, Combined)
        else block(extractor)
        for name, extractor in extractors.items()
    }
