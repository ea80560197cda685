"""Draw the LSH S-curve of the default settings to ``docs/s-curve.png``.

Run with ``python docs/s_curve.py`` (needs the ``plot`` extra: matplotlib).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dedupe import lsh
from dedupe.settings import Settings

OUTPUT = Path(__file__).with_name("s-curve.png")


def main() -> None:
    """Plot candidate probability against Jaccard similarity for a few thresholds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    similarity = np.linspace(0.0, 1.0, 501)
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    for threshold in sorted({0.5, 0.7, 0.8, 0.9, Settings().threshold}):
        bands, rows = Settings(threshold=threshold).band_shape
        probability = [lsh.candidate_probability(s, bands=bands, rows=rows) for s in similarity]
        line = axes.plot(similarity, probability, label=f"threshold {threshold}: {bands} x {rows}")
        axes.axvline(threshold, color=line[0].get_color(), linestyle=":", linewidth=1)
    axes.axhline(lsh.DEFAULT_RECALL, color="grey", linestyle="--", linewidth=1)
    axes.set_xlabel("exact Jaccard similarity of the two shingle sets")
    axes.set_ylabel("probability of becoming a candidate pair")
    axes.set_title(f"LSH S-curves, num_perm={Settings().num_perm} (bands x rows)")
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(OUTPUT)


if __name__ == "__main__":
    main()
