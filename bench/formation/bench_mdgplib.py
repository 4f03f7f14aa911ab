"""The engine's search on a distance matrix (`mdgp.solve`, which runs `formation.tabu`) on the
MDGPLIB files in ../shared, against the certified optimum (n010, n012, from
bench/formation/exact.py), best_known_here (n030 and up) and the peers in peers.csv; three seeds
per file (the worst one is what is compared), two worker processes (one per core).

    .venv/bin/python bench/formation/bench_mdgplib.py [--only PATTERN] [--scale 1.0]
        [--seed 1] [--seeds 1,2,3] [--jobs 2] [--live] [--live-max-n 240]

--scale multiplies every time limit (for a quick look). --live also runs the PyPI package
anti-clustering 0.4.1 at equal time on the `ss` files up to --live-max-n elements (the package
takes one group count and makes equal groups only, so `ds` files are not run), from a throwaway
venv at var/anticlustering-venv (created on first use with the command below, never the
project's own venv, never in requirements):

    python -m venv var/anticlustering-venv
    var/anticlustering-venv/bin/python -m pip install anti-clustering==0.4.1
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.formation.exact import optimum  # noqa: E402
from roundtable.formation import mdgp  # noqa: E402

FILES = ROOT.parent / "shared" / "benchmarks" / "mdgplib"
LIVE_VENV = ROOT / "var" / "anticlustering-venv"
LIVE_SCRIPT = ROOT / "bench" / "formation" / "anticlustering_live.py"
SMALL = ("_n010_", "_n012_")
TOLERANCE = 5e-4  # peers.csv holds values rounded to 3 decimals


def peers() -> dict[str, dict[str, str]]:
    with (FILES / "peers.csv").open(encoding="utf-8") as handle:
        return {row["instance"]: row for row in csv.DictReader(handle)}


def live(path: Path, seconds: float) -> str:
    """Objective of anti-clustering 0.4.1 (exchange method, restarted until the time is up),
    or why it could not run."""
    python = LIVE_VENV / "bin" / "python"
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(LIVE_VENV)], check=True)  # noqa: S603
            subprocess.run(  # noqa: S603
                [str(python), "-m", "pip", "install", "-q", "anti-clustering==0.4.1"], check=True
            )
        out = subprocess.run(  # noqa: S603
            [str(python), str(LIVE_SCRIPT), str(path), str(seconds)],
            capture_output=True,
            text=True,
            timeout=seconds * 3 + 60,
            check=True,
        ).stdout
    except subprocess.TimeoutExpired:
        return "no result in time"
    except (subprocess.CalledProcessError, OSError) as exc:
        return f"could not run ({type(exc).__name__})"
    return f"{json.loads(out)['objective']:.3f}"


def exactness(files: list[Path], scale: float, seed: int) -> None:
    print("## Exactness (n010, n012): certified optimum by dynamic program over subsets")
    print()
    print("| instance | optimum | DP s | ours (1 s budget) | time to best s | stopped at s |")
    print("|---|---|---|---|---|---|")
    hits: list[bool] = []
    to_best: list[float] = []
    for path in files:
        instance = mdgp.read(path)
        started = time.perf_counter()
        best, _ = optimum(instance)
        dp_seconds = time.perf_counter() - started
        solution = mdgp.solve(instance, seed=seed, time_limit=1.0 * scale)
        hit = abs(solution.objective - best) <= 1e-6 * max(1.0, abs(best))
        hits.append(hit)
        to_best.append(solution.seconds_to_best)
        mark = "" if hit else " (below)"
        print(
            f"| {instance.name} | {best:.3f} | {dp_seconds:.2f} | {solution.objective:.3f}{mark} "
            f"| {solution.seconds_to_best:.3f} | {solution.seconds:.2f} |"
        )
    if hits:
        print(
            f"\nOptimum on {sum(hits)}/{len(hits)}; median time to it "
            f"{statistics.median(to_best):.3f} s, worst {max(to_best):.3f} s.\n"
        )


def _one_run(task: tuple[str, int, float]) -> tuple[str, int, float, float]:
    """One file and seed at its time limit, in a worker whose kernels are already loaded."""
    path, seed, limit = task
    instance = mdgp.read(path)
    solution = mdgp.solve(instance, seed=seed, time_limit=limit)
    value = mdgp.within_group_sum(instance, solution.labels)  # recomputed, bounds checked
    return path, seed, value, solution.seconds_to_best


def _warm_worker() -> None:
    from roundtable.formation.kernels import warm

    warm()


def heuristics(
    files: list[Path], scale: float, seeds: list[int], jobs: int, live_max_n: int | None
) -> None:
    table = peers()
    tasks = [
        (str(path), seed, float(table[path.stem]["time_limit_s"]) * scale)
        for path in files
        for seed in seeds
    ]
    # Longest first, so the two workers finish together.
    tasks.sort(key=lambda t: -t[2])
    runs: dict[tuple[str, int], tuple[float, float]] = {}
    with ProcessPoolExecutor(max_workers=jobs, initializer=_warm_worker) as pool:
        for done, seed, value, to_best in pool.map(_one_run, tasks):
            runs[(done, seed)] = (value, to_best)
    print("## n030 to n480 at the peers' time limits")
    print()
    header = (
        "| instance | s | "
        + " | ".join(f"seed {s}" for s in seeds)
        + " | worst | best_known_here | worst gap % | anticlust TPSDP | worst - TPSDP |"
    )
    if live_max_n is not None:
        header += " anti-clustering live | anti-clustering (peers.csv) |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    gaps: dict[str, list[float]] = {}
    known_hit: dict[str, list[bool]] = {}
    at_least: list[bool] = []
    new_best: list[str] = []
    for path in files:
        instance = mdgp.read(path)
        row = table[instance.name]
        limit = float(row["time_limit_s"]) * scale
        values = [runs[(str(path), seed)][0] for seed in seeds]
        worst, top = min(values), max(values)
        known, tpsdp = float(row["best_known_here"]), float(row["anticlust_tpsdp"])
        # Differences within the rounding of peers.csv print as 0, not as -0.000.
        diff = 0.0 if abs(worst - tpsdp) <= TOLERANCE else worst - tpsdp
        size = instance.name.split("_")[1]
        for value in values:
            gap = 0.0 if abs(known - value) <= TOLERANCE else 100 * (known - value) / known
            gaps.setdefault(size, []).append(gap)
        worst_gap = 0.0 if abs(known - worst) <= TOLERANCE else 100 * (known - worst) / known
        known_hit.setdefault(size, []).append(worst >= known - TOLERANCE)
        if size != "n030":
            at_least.append(worst >= tpsdp - TOLERANCE)
        if top > known + TOLERANCE:
            new_best.append(f"{instance.name}: {top:.3f} (best_known_here {known:.3f})")
        line = (
            f"| {instance.name} | {limit:g} | "
            + " | ".join(f"{v:.3f}" for v in values)
            + f" | {worst:.3f} | {known:.3f} | {worst_gap:.3f} | {tpsdp:.3f} | {diff:+.3f} |"
        )
        if live_max_n is not None:
            equal = bool((instance.lower == instance.upper).all())
            result = live(path, limit) if equal and instance.n <= live_max_n else "not run"
            line += f" {result} | {float(row['anti_clustering_pypi_best']):.3f} |"
        print(line, flush=True)
    if not gaps:
        return
    print()
    for size, values in sorted(gaps.items()):
        print(
            f"- {size}: mean gap {statistics.mean(values):.3f} % over {len(values)} runs, "
            f"worst seed at or above best_known_here on {sum(known_hit[size])} of "
            f"{len(known_hit[size])} files"
        )
    main_gaps = [g for size, values in gaps.items() if size != "n030" for g in values]
    if main_gaps:
        print(
            f"\nn060-n480: mean gap to best_known_here {statistics.mean(main_gaps):.3f} % over "
            f"{len(main_gaps)} runs (target <= 0); worst seed at or above anticlust TPSDP on "
            f"{sum(at_least)}/{len(at_least)} files (target: all)."
        )
    if new_best:
        print("\nNew best known here (the best seed above best_known_here):")
        for item in new_best:
            print(f"- {item}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="run the files whose name contains this")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every time limit")
    parser.add_argument("--seed", type=int, default=1, help="seed of the exactness runs")
    parser.add_argument("--seeds", default="1,2,3", help="seeds of the n030-n480 runs")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (one per core)")
    parser.add_argument("--live", action="store_true", help="also run anti-clustering 0.4.1")
    parser.add_argument("--live-max-n", type=int, default=240)
    args = parser.parse_args()
    files = sorted(p for p in FILES.glob("*.txt") if args.only in p.name)
    small = [p for p in files if any(s in p.name for s in SMALL)]
    rest = [p for p in files if p not in small]
    rest.sort(key=lambda p: (int(p.name.split("_")[1][1:]), p.name))
    if small:
        exactness(small, args.scale, args.seed)
    if rest:
        seeds = [int(v) for v in args.seeds.split(",")]
        live_max_n = args.live_max_n if args.live else None
        heuristics(rest, args.scale, seeds, args.jobs, live_max_n)


if __name__ == "__main__":
    main()
