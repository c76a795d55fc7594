"""Themes: clusters of similar comments, per article and over the whole draft.

Per article, the distinct texts outside campaigns are weighted TF-IDF vectors of words and
word pairs; a sample is reduced to a few dozen dimensions (LSA, TruncatedSVD) and clustered
with k-means for k = 2…8 (at most one theme per 15 texts), keeping the k with the best
silhouette; every text then joins its nearest centre. The representatives of a theme are its
texts nearest the centre (real comments, nothing written by the method). Themes over the
whole draft cluster the articles' themes by their mean vectors the same way.
"""

from dataclasses import dataclass

import numpy as np

# scikit-learn and SciPy are imported by the functions that use them: web processes import
# this module without ever clustering (~100 MB and a second of start-up each).

SEED = 36
MIN_TO_SPLIT = 30       # fewer texts than this make one theme
MAX_K = 8
MIN_AVERAGE = 15        # k stays below n / MIN_AVERAGE: no themes of a handful
FIT_SAMPLE = 1500       # texts the SVD and k-means are fitted on
SCORE_SAMPLE = 500      # texts the silhouette is computed on
MIN_SILHOUETTE = 0.05   # below this, no k separates anything: one theme
COMPONENTS = 30


@dataclass
class Cluster:
    rows: np.ndarray            # row numbers (into the matrix given) of the members
    weight: float               # comments it stands for
    central: list               # member rows nearest the centre, best first
    silhouette: float | None = None


def idf_weights(features):
    """Smoothed inverse document frequency of every feature over all distinct texts."""
    n = features.shape[0]
    df = np.bincount(features.indices, minlength=features.shape[1])
    return (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)


class Vectors:
    """Sublinear TF-IDF rows, L2-normalised, over only the features the rows use
    (``columns`` maps them back to the hashed features)."""

    def __init__(self, counts, idf):
        from scipy import sparse
        from sklearn.preprocessing import normalize

        self.columns, compact = np.unique(counts.indices, return_inverse=True)
        data = (1 + np.log(counts.data.astype(np.float32))) * idf[counts.indices]
        self.matrix = normalize(sparse.csr_matrix(
            (data, compact.astype(np.int32).ravel(), counts.indptr.copy()),
            shape=(counts.shape[0], len(self.columns))))

    def profile(self, rows, width):
        """The mean of some rows, as one sparse row over all ``width`` hashed features."""
        from scipy import sparse

        mean = np.asarray(self.matrix[rows].mean(axis=0), dtype=np.float32).ravel()
        used = np.nonzero(mean)[0]
        return sparse.csr_matrix((mean[used], self.columns[used], [0, len(used)]),
                                 shape=(1, width))


def _reduce(matrix, sample):
    """LSA fitted on a sample: dense unit vectors for every row, or None when the texts
    are too few or too alike to reduce."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    components = min(COMPONENTS, len(sample) - 1, matrix.shape[1] - 1)
    if components < 2:
        return None
    svd = TruncatedSVD(n_components=components, random_state=SEED, n_iter=2)
    svd.fit(matrix[sample])
    return normalize(svd.transform(matrix)).astype(np.float32)


def _best_kmeans(points, weights, rng):
    """The k-means (k = 2…MAX_K) with the best silhouette on a sample, or None."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(points)
    score_rows = rng.choice(n, min(n, SCORE_SAMPLE), replace=False)
    best = None
    for k in range(2, min(MAX_K, n // MIN_AVERAGE) + 1):
        model = KMeans(n_clusters=k, n_init=1, random_state=SEED).fit(points,
                                                                      sample_weight=weights)
        labels = model.labels_[score_rows]
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(points[score_rows], labels))
        if best is None or score > best[0]:
            best = (score, model)
    if best is None or best[0] < MIN_SILHOUETTE:
        return None, None
    return best


def cluster_rows(matrix, weights, representatives=3):
    """Cluster the rows of a TF-IDF matrix; clusters largest first."""
    from sklearn.preprocessing import normalize

    n = matrix.shape[0]
    weights = np.asarray(weights, dtype=np.float64)
    rng = np.random.default_rng(SEED)
    points = model = score = None
    if n >= MIN_TO_SPLIT:
        sample = np.sort(rng.choice(n, min(n, FIT_SAMPLE), replace=False))
        points = _reduce(matrix, sample)
        if points is not None:
            score, model = _best_kmeans(points[sample], weights[sample], rng)
    if model is None:
        labels = np.zeros(n, dtype=np.int64)
        centres = None
    else:
        labels = model.predict(points)
        centres = normalize(model.cluster_centers_)
    clusters = []
    for label in np.unique(labels):
        rows = np.nonzero(labels == label)[0]
        if centres is not None:
            closeness = points[rows] @ centres[label]
        else:
            centre = np.asarray(matrix[rows].mean(axis=0)).ravel()
            closeness = np.asarray(matrix[rows] @ centre).ravel()
        central = rows[np.argsort(-closeness, kind="stable")[:representatives]]
        clusters.append(Cluster(rows=rows, weight=float(weights[rows].sum()),
                                central=central.tolist(), silhouette=score))
    clusters.sort(key=lambda c: (-c.weight, int(c.rows[0])))
    return clusters


def stack_profiles(rows):
    """Cluster profiles as one L2-normalised matrix."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    return normalize(sparse.vstack(rows, format="csr"))
