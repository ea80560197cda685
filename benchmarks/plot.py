"""Plot CPU time and peak memory against corpus size, from the comparison runner's JSON.

python -m benchmarks.plot docs/benchmark-results.json docs/benchmarks.png

Rows written before the runner measured CPU seconds (no ``cpu`` field) are left out.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

COLOURS = {
    "dedupe": "tab:green",
    "dedupe-defaults": "tab:olive",
    "gaoya": "tab:purple",
    "fastsketchlsh": "tab:red",
    "rensa": "tab:orange",
    "datasketch": "tab:blue",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("output", type=Path)
    options = parser.parse_args(argv)
    rows: list[dict[str, Any]] = json.loads(options.results.read_text())

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (time_axis, memory_axis) = plt.subplots(1, 2, figsize=(9, 3.6), dpi=80)
    for system, colour in COLOURS.items():
        own = sorted(
            (row for row in rows if row["system"] == system and "cpu" in row),
            key=lambda r: r["size"],
        )
        if not own:
            continue
        for axis, field in ((time_axis, "cpu"), (memory_axis, "peak_mb")):
            axis.plot(
                [row["size"] for row in own],
                [row[field] for row in own],
                marker="o",
                color=colour,
                label=system,
            )
    for axis, title in ((time_axis, "CPU seconds of the call"), (memory_axis, "peak memory (MB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("paragraphs")
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
    time_axis.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(options.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
