"""The MDGP search (roundtable/formation/mdgp.py) on the MDGPLIB files in ../shared, against the
certified optimum (n010, n012), best_known_here (n030 and up) and the peers in peers.csv.

    .venv/bin/python bench/formation/bench_mdgplib.py [--only PATTERN] [--scale 1.0] [--live]

--scale multiplies every time limit (for a quick look); --live also runs the PyPI package
anti-clustering 0.4.1 at equal time, from a throwaway venv under var/ (created on first use,
never the project's own), on the files up to n = 120 with equal group sizes.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.formation.exact_mdgp import optimum  # noqa: E402
from roundtable.formation import mdgp  # noqa: E402

FILES = ROOT.parent / "shared" / "benchmarks" / "mdgplib"
LIVE_VENV = ROOT / "var" / "anticlustering-venv"


def peers() -> dict[str, dict[str, str]]:
    with (FILES / "peers.csv").open(encoding="utf-8") as handle:
        return {row["instance"]: row for row in csv.DictReader(handle)}


def live(path: Path, seconds: float) -> str:
    python = LIVE_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LIVE_VENV)], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [str(python), "-m", "pip", "install", "-q", "anti-clustering==0.4.1"], check=True
        )
    try:
        out = subprocess.run(  # noqa: S603
            [str(python), str(ROOT / "bench/formation/anticlustering_live.py"), str(path),
             str(seconds)],
            capture_output=True, text=True, timeout=seconds * 3 + 30, check=True,
        ).stdout  # fmt: skip
    except subprocess.TimeoutExpired:
        return "no result in time"
    return f"{json.loads(out)['objective']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--live", action="store_true")
    args = parser.parse_args()
    table = peers()
    files = sorted(p for p in FILES.glob("*.txt") if args.only in p.name)

    print("## Exactness (n010, n012): certified optimum by dynamic program")
    print("| instance | optimum | ours (1 s) | found after s |")
    print("|---|---|---|---|")
    exact_hits, exact_times = [], []
    for path in (p for p in files if "_n010_" in p.name or "_n012_" in p.name):
        instance = mdgp.read(path)
        best, _ = optimum(instance)
        solution = mdgp.solve(instance, seed=1, time_limit=1.0 * args.scale)
        hit = abs(solution.objective - best) <= 1e-6 * max(1.0, abs(best))
        exact_hits.append(hit)
        exact_times.append(solution.seconds_to_best)
        mark = "" if hit else " (below)"
        print(f"| {instance.name} | {best:.3f} | {solution.objective:.3f}{mark}"
              f" | {solution.seconds_to_best:.3f} |")  # fmt: skip
    if exact_hits:
        print(f"\nOptimum on {sum(exact_hits)}/{len(exact_hits)}; median time to it "
              f"{statistics.median(exact_times):.3f} s.\n")  # fmt: skip

    print("## n030 to n480 at the peers' time limits")
    header = "| instance | s | ours | best_known_here | gap % | TPSDP | ours >= TPSDP | local max |"
    if args.live:
        header += " anti-clustering (live) | PyPI (peers.csv) |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    gaps: list[float] = []
    at_least_tpsdp: list[bool] = []
    for path in (p for p in files if not ("_n010_" in p.name or "_n012_" in p.name)):
        instance = mdgp.read(path)
        row = table[instance.name]
        limit = float(row["time_limit_s"]) * args.scale
        solution = mdgp.solve(instance, seed=1, time_limit=limit)
        known, tpsdp = float(row["best_known_here"]), float(row["anticlust_tpsdp"])
        gap = 100 * (known - solution.objective) / known
        gaps.append(gap)
        above = solution.objective >= tpsdp - 1e-6
        at_least_tpsdp.append(above)
        line = (
            f"| {instance.name} | {limit:g} | {solution.objective:.3f} | {known:.3f} | "
            f"{gap:.3f} | {tpsdp:.3f} | {'yes' if above else 'no'} | "
            f"{float(row['anticlust_local_maximum']):.3f} |"
        )
        if args.live:
            equal = bool((instance.lower == instance.upper).all())
            result = live(path, limit) if equal and instance.n <= 120 else "not run"
            line += f" {result} | {float(row['anti_clustering_pypi_best']):.3f} |"
        print(line, flush=True)
    if gaps:
        print(
            f"\nMean gap to best_known_here {statistics.mean(gaps):.3f} % over {len(gaps)} files; "
            f"at or above anticlust TPSDP on {sum(at_least_tpsdp)}/{len(at_least_tpsdp)}."
        )


if __name__ == "__main__":
    main()
