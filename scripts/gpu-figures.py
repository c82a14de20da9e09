"""Prints the GPU check's figures (scripts/gpu-check) from the CSVs that
`ffbench export` wrote into a folder: per arm, the median over runs of
PyTorch's CUDA allocator peaks (highest epoch) and of NVML's memory samples
(the run's own processes, and the whole device), and time per epoch.
Standard library only."""
import csv
import os
import statistics
import sys


def rows(folder, name):
    with open(os.path.join(folder, name), newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def main(folder):
    runs = {r["id"]: r for r in rows(folder, "runs.csv") if r.get("status") == "completed"}
    per_run = {}
    for e in rows(folder, "epochs.csv"):
        if e["run_id"] not in runs:
            continue
        r = per_run.setdefault(e["run_id"], {"seconds": [], "allocated": [], "reserved": [], "gpu": [], "device": []})
        for key, column in (("seconds", "train_seconds"), ("allocated", "cuda_max_allocated_bytes"), ("reserved", "cuda_max_reserved_bytes")):
            v = number(e.get(column))
            if v is not None:
                r[key].append(v)
    for s in rows(folder, "samples.csv"):
        r = per_run.get(s["run_id"])
        key = {"gpu_memory_bytes": "gpu", "gpu_device_memory_bytes": "device"}.get(s["metric"])
        if r is not None and key:
            r[key].append(float(s["value"]))
    arms = {}
    for run_id, r in per_run.items():
        arms.setdefault(runs[run_id]["arm"], []).append(r)
    mib = 2 ** 20
    header = ["arm", "runs", "torch max allocated MiB", "torch max reserved MiB", "NVML run MiB", "NVML device MiB", "s/epoch"]
    table = []
    for arm in sorted(arms):
        def median(key, scale, pick=max):
            values = [pick(r[key]) for r in arms[arm] if r[key]]
            return f"{statistics.median(values) / scale:.0f}" if values and scale > 1 else f"{statistics.median(values):.2f}" if values else "-"
        table.append([arm, str(len(arms[arm])), median("allocated", mib), median("reserved", mib), median("gpu", mib),
                      median("device", mib), median("seconds", 1, statistics.median)])
    widths = [max(len(row[i]) for row in [header] + table) for i in range(len(header))]
    for row in [header] + table:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))


if __name__ == "__main__":
    main(sys.argv[1])
