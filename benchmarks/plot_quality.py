"""Plot recall against edit rate from the JSON that ``benchmarks.quality --json`` writes.

python -m benchmarks.plot_quality RESULTS.json docs/tuning.png
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from benchmarks.quality import COPY_KINDS, RATES


def main(argv: Sequence[str] | None = None) -> int:
    """Draw one line per method: recall of copies per share of words edited."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="JSON written by benchmarks.quality --json")
    parser.add_argument("image", help="PNG to write")
    args = parser.parse_args(argv)
    with open(args.results, encoding="utf-8") as handle:
        results = json.load(handle)["results"]

    figure, axes = plt.subplots(figsize=(12, 5.5))
    percents = [rate * 100 for rate in RATES]
    colors = [plt.get_cmap("tab20")(index) for index in range(20)]
    for number, result in enumerate(results):
        recall = [result["recall"][kind] for kind in COPY_KINDS[: len(RATES)]]
        peer = not result["method"].startswith("dedupe")
        axes.plot(
            percents,
            recall,
            color=colors[number % len(colors)],
            marker="o",
            markersize=3,
            linestyle="--" if peer else "-",
            linewidth=2.5 if "(default)" in result["method"] else 1.2,
            label=result["method"],
        )
    axes.axhline(0.99, color="grey", linewidth=0.6, linestyle=":")
    axes.axhline(0.9, color="grey", linewidth=0.6, linestyle=":")
    axes.set_xlabel("words edited (%), each copy also with a case/punctuation/quote change")
    axes.set_ylabel("recall: copies clustered with their source")
    axes.set_xticks(percents)
    axes.set_ylim(-0.02, 1.02)
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(args.image, dpi=110)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
