#!/usr/bin/env python3
"""Regenerates Tests/AnalysisTests/Fixtures/stats_cases.json from SciPy.

Every statistic ffbench's Analysis module computes is computed here by SciPy
(or, where SciPy has no function, by the textbook formula in NumPy), on
seeded random cases: sample sizes 3-60, ties, identical samples, heavy tails
and outliers. Run it again and the file comes out the same: byte-identical
on one machine, and equal to 1e-12 relative where NumPy's exp, log and pow
round the last bit differently on another CPU (what --check compares):

    python3 scripts/make-stats-fixtures.py            # rewrite the fixture
    python3 scripts/make-stats-fixtures.py --check    # exit 1 if it would change
"""
import json
import warnings
import math
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

OUT = Path(__file__).resolve().parent.parent / "Tests/AnalysisTests/Fixtures/stats_cases.json"
RNG = np.random.default_rng(20261128)
BOOT = 9999


def draw(kind, n):
    if kind == "normal":
        return RNG.normal(10, 2, n)
    if kind == "ties":
        return np.round(RNG.normal(5, 1.5, n))
    if kind == "heavy":
        return RNG.standard_t(2, n) + 3
    if kind == "outliers":
        x = RNG.normal(0, 1, n)
        x[RNG.integers(0, n)] += 25
        return x
    if kind == "lognormal":
        return RNG.lognormal(1, 0.5, n)
    raise ValueError(kind)


def f(v):
    """Finite floats as numbers, infinities as "inf"/"-inf", NaN as None (an error)."""
    v = float(v)
    if math.isnan(v):
        return None
    return v if math.isfinite(v) else ("inf" if v > 0 else "-inf")


def guarded(fn):
    try:
        with np.errstate(all="ignore"):
            return fn()
    except Exception:
        return {"error": True}


def describe(x):
    x = np.asarray(x)
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    return {"n": len(x), "mean": f(np.mean(x)), "sd": f(np.std(x, ddof=1)), "median": f(med),
            "q1": f(q1), "q3": f(q3), "min": f(np.min(x)), "max": f(np.max(x))}


def test_result(r, df=None):
    out = {"statistic": f(r.statistic), "p": f(r.pvalue)}
    if df is not None:
        out["df"] = f(df)
    return out


def hedges(x, y):
    n1, n2 = len(x), len(y)
    sp = math.sqrt(((n1 - 1) * np.var(x, ddof=1) + (n2 - 1) * np.var(y, ddof=1)) / (n1 + n2 - 2))
    d = (np.mean(x) - np.mean(y)) / sp
    dof = n1 + n2 - 2
    j = math.exp(math.lgamma(dof / 2) - math.lgamma((dof - 1) / 2)) / math.sqrt(dof / 2)
    g = d * j
    se = math.sqrt((n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2)))
    z = stats.norm.ppf(0.975)
    return {"d": f(d), "g": f(g), "low": f(g - z * se), "high": f(g + z * se)}


def cliff(x, y):
    gt = sum(1 for a in x for b in y if a > b)
    lt = sum(1 for a in x for b in y if a < b)
    return f((gt - lt) / (len(x) * len(y)))


def boot(samples, statistic, method, seed):
    r = stats.bootstrap(samples, statistic, n_resamples=BOOT, method=method, vectorized=True,
                        random_state=np.random.default_rng(seed), confidence_level=0.95)
    return {"low": f(r.confidence_interval.low), "high": f(r.confidence_interval.high)}


def holm(p):
    p = np.asarray(p)
    order = np.argsort(p, kind="stable")
    m = len(p)
    out = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def main():
    warnings.simplefilter("ignore")  # SciPy warns on the degenerate cases on purpose
    cases = []
    kinds = ["normal", "ties", "heavy", "outliers", "lognormal"]
    sizes = [3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 60]
    index = 0
    for kind in kinds:
        for n1 in sizes:
            for shift in (0.0, 0.5, 2.0):
                # Unequal sizes in a third of the cases; equal sizes pair for paired tests.
                n2 = n1 if index % 3 else max(3, sizes[(sizes.index(n1) + 2) % len(sizes)])
                x = draw(kind, n1)
                y = draw(kind, n2) + shift
                cases.append(make_case(f"{kind}-{n1}-{n2}-shift{shift}", x, y, index, bootstrap=index % 4 == 0))
                index += 1
    # Degenerate and special inputs.
    special = {
        "identical-groups": ([5.0, 5.0, 5.0, 5.0], [5.0, 5.0, 5.0, 5.0]),
        "constant-but-different": ([1.0, 1.0, 1.0], [2.0, 2.0, 2.0]),
        "all-ties-mixed": ([1.0, 1.0, 2.0, 2.0, 2.0], [1.0, 2.0, 2.0, 1.0, 1.0]),
        "paired-with-zero-differences": ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [1.0, 2.5, 2.0, 4.0, 6.5, 4.0, 3.0]),
        "two-values": ([1.0, 2.0], [3.0, 4.0]),
        "huge-separation": (list(np.linspace(0, 1, 20)), list(np.linspace(100, 101, 20))),
    }
    for name, (x, y) in special.items():
        cases.append(make_case(name, np.asarray(x), np.asarray(y), index, bootstrap=False))
        index += 1
    nan_case = {"name": "nan-input", "x": [1.0, "nan", 3.0], "y": [1.0, 2.0, 3.0], "expect_error": True}
    p_vectors = [RNG.uniform(0, 0.2, k).tolist() for k in (1, 3, 6, 12, 30)]
    corrections = [{"p": [f(v) for v in p], "holm": [f(v) for v in holm(p)],
                    "bh": [f(v) for v in stats.false_discovery_control(p, method="bh")]} for p in p_vectors]
    scaling = []
    for k in range(6):
        xs = np.array([100.0, 300.0, 1000.0, 3000.0, 10000.0][: 3 + k % 3])
        xs = np.repeat(xs, 2 + k % 2)
        ys = 5.0 * xs ** (0.5 + 0.2 * k) * np.exp(RNG.normal(0, 0.1, len(xs)))
        lr = stats.linregress(np.log(xs), np.log(ys))
        t = stats.t.ppf(0.975, len(xs) - 2)
        scaling.append({"x": xs.tolist(), "y": [f(v) for v in ys], "exponent": f(lr.slope), "intercept": f(lr.intercept),
                        "se": f(lr.stderr), "low": f(lr.slope - t * lr.stderr), "high": f(lr.slope + t * lr.stderr)})
    doc = {"generator": "scripts/make-stats-fixtures.py", "scipy": scipy.__version__, "numpy": np.__version__,
           "bootstrap_resamples": BOOT, "cases": cases + [nan_case], "corrections": corrections,
           "scaling": scaling, "estimands": estimand_cases()}
    text = json.dumps(doc, indent=1, sort_keys=True, allow_nan=False) + "\n"
    if "--check" in sys.argv:
        problem = "no fixture file" if not OUT.exists() else differs(json.loads(OUT.read_text()), json.loads(text))
        print("fixtures up to date" if problem is None else f"fixtures differ from the generator's output: {problem}")
        sys.exit(0 if problem is None else 1)
    if "--stdout" in sys.argv:
        sys.stdout.write(text)
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {len(doc['cases'])} cases to {OUT}")


def differs(committed, generated, path="", rel=1e-12):
    """Where two fixture documents differ beyond `rel` (relative) in a number, or at all elsewhere; None if nowhere."""
    if isinstance(committed, dict) and isinstance(generated, dict):
        if committed.keys() != generated.keys():
            return f"{path or '/'}: keys {sorted(set(committed) ^ set(generated))}"
        return next((d for k in sorted(committed) if (d := differs(committed[k], generated[k], f"{path}/{k}", rel))), None)
    if isinstance(committed, list) and isinstance(generated, list):
        if len(committed) != len(generated):
            return f"{path}: {len(committed)} items, now {len(generated)}"
        return next((d for i, (a, b) in enumerate(zip(committed, generated)) if (d := differs(a, b, f"{path}/{i}", rel))), None)
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (committed, generated))
    if numbers and (committed == generated or abs(committed - generated) <= rel * max(abs(committed), abs(generated))):
        return None
    if path.endswith("/numpy") or path.endswith("/scipy"):
        return None  # the versions that wrote the file are recorded, not compared
    return None if committed == generated else f"{path}: {committed} in the file, {generated} now"


def t_on_logs(x, y, paired, levels=(0.95, 0.9875)):
    """Paired or Welch t on log values, with back-transformed intervals."""
    lx, ly = np.log(x), np.log(y)
    r = stats.ttest_rel(lx, ly) if paired else stats.ttest_ind(lx, ly, equal_var=False)
    out = {"statistic": f(r.statistic), "p": f(r.pvalue), "df": f(r.df), "ratio": f(math.exp(np.mean(lx - ly) if paired else np.mean(lx) - np.mean(ly)))}
    for level in levels:
        ci = r.confidence_interval(level)
        out[f"low_{level}"] = f(math.exp(ci.low))
        out[f"high_{level}"] = f(math.exp(ci.high))
    return out


def tost(x, y, paired, margin):
    x, y = np.asarray(x), np.asarray(y)
    if paired:
        lower = stats.ttest_rel(x + margin, y, alternative="greater")
        upper = stats.ttest_rel(x - margin, y, alternative="less")
        diff = stats.ttest_rel(x, y)
    else:
        lower = stats.ttest_ind(x + margin, y, equal_var=False, alternative="greater")
        upper = stats.ttest_ind(x - margin, y, equal_var=False, alternative="less")
        diff = stats.ttest_ind(x, y, equal_var=False)
    ci95, ci90 = diff.confidence_interval(0.95), diff.confidence_interval(0.90)
    return {"p_lower": f(lower.pvalue), "p_upper": f(upper.pvalue), "p": f(max(lower.pvalue, upper.pvalue)),
            "p_difference": f(diff.pvalue), "low95": f(ci95.low), "high95": f(ci95.high),
            "low90": f(ci90.low), "high90": f(ci90.high)}


def practical(x, y, paired, delta):
    """Equivalence within [1/delta, delta] by two one-sided t tests on the
    logs (TOST), and where the back-transformed interval lies against it."""
    lx, ly, d = np.log(x), np.log(y), math.log(delta)
    if paired:
        lower = stats.ttest_rel(lx + d, ly, alternative="greater")
        upper = stats.ttest_rel(lx - d, ly, alternative="less")
        full = stats.ttest_rel(lx, ly)
    else:
        lower = stats.ttest_ind(lx + d, ly, equal_var=False, alternative="greater")
        upper = stats.ttest_ind(lx - d, ly, equal_var=False, alternative="less")
        full = stats.ttest_ind(lx, ly, equal_var=False)
    out = {"p_lower": f(lower.pvalue), "p_upper": f(upper.pvalue), "p": f(max(lower.pvalue, upper.pvalue))}
    for level in (0.95, 0.9875):
        ci = full.confidence_interval(level)
        low, high = math.exp(ci.low), math.exp(ci.high)
        if low > 1 / delta and high < delta:
            reading = "within"
        elif high < 1 / delta or low > delta:
            reading = "beyond"
        elif high < 1 or low > 1:
            reading = "unresolved"
        else:
            reading = "inconclusive"
        out[f"reading_{level}"] = reading
    return out


def kaplan_meier(times, reached, tau):
    """SciPy's ecdf on CensoredData, the median and its log-log interval read
    off SciPy's band, and the restricted mean with Klein & Moeschberger's
    variance computed from SciPy's survival function."""
    times, reached = np.asarray(times), np.asarray(reached, dtype=bool)
    data = stats.CensoredData(uncensored=times[reached], right=times[~reached])
    sf = stats.ecdf(data).sf
    q, p = sf.quantiles, sf.probabilities
    band = sf.confidence_interval(0.95, method="log-log")
    low, high = band.low.probabilities, band.high.probabilities
    median = next((float(t) for t, v in zip(q, p) if v <= 0.5), None)
    median_low = next((float(t) for t, v in zip(q, low) if v <= 0.5), None)
    median_high = next((float(t) for t, v in zip(q, high) if v <= 0.5), None)

    def s_at(t):
        i = np.searchsorted(q, t, side="right") - 1
        return 1.0 if i < 0 else float(p[i])

    def area(start):
        grid = [start] + [float(t) for t in q if start < t < tau] + [tau]
        return sum(s_at(a) * (b - a) for a, b in zip(grid[:-1], grid[1:]) if b > a)

    d, n = sf._d, sf._n
    var = sum(area(float(t)) ** 2 * dk / (nk * (nk - dk)) for t, dk, nk in zip(q, d, n) if t <= tau and dk > 0 and nk > dk)
    return {"quantiles": [f(v) for v in q], "survival": [f(v) for v in p],
            "band_low": [f(v) for v in low], "band_high": [f(v) for v in high],
            "median": median, "median_low": median_low, "median_high": median_high,
            "rmst": f(area(0.0)), "rmst_variance": f(var)}


def estimand_cases():
    out = {"ratio": [], "tost": [], "practical": [], "kaplan_meier": [], "logrank": [], "nct_cdf": [], "power": []}
    for k, n in enumerate([3, 4, 5, 6, 8, 10, 15, 20]):
        for cv in (0.05, 0.12, 0.3):
            sd = math.sqrt(math.log1p(cv * cv))
            base = RNG.lognormal(1.0, sd, n)
            arm = base * RNG.lognormal(0.3 * (k % 3) / 2, sd / 2, n)
            other = RNG.lognormal(1.2, sd, n + (k % 3))
            out["ratio"].append({"x": arm.tolist(), "y": base.tolist(), "paired": True, **t_on_logs(arm, base, True)})
            out["ratio"].append({"x": arm.tolist(), "y": other.tolist(), "paired": False, **t_on_logs(arm, other, False)})
            ex = RNG.normal(2.0, 0.3, n) + 0.1 * (k % 3)
            ey = ex + RNG.normal(0.05 * (k % 4), 0.2, n)
            for margin in (0.25, 0.5, 1.0):
                out["tost"].append({"x": ex.tolist(), "y": ey.tolist(), "paired": True, "margin": margin, **tost(ex, ey, True, margin)})
                oy = RNG.normal(2.1, 0.4, n + 1)
                out["tost"].append({"x": ex.tolist(), "y": oy.tolist(), "paired": False, "margin": margin, **tost(ex, oy, False, margin)})
    # The ratio cases read against the smallest effect (no new draws: the cases above stay as they were).
    out["practical"] = [{"x": c["x"], "y": c["y"], "paired": c["paired"], "delta": delta,
                         **practical(np.asarray(c["x"]), np.asarray(c["y"]), c["paired"], delta)}
                        for c in out["ratio"] for delta in (1.02, 1.05, 1.10, 1.25)]
    for k in range(24):
        n = [4, 5, 6, 8, 10, 15][k % 6]
        times = np.round(RNG.exponential(10, n) + 1, 1 if k % 2 else 3)
        follow = 12.0 + k % 5
        reached = times <= follow
        times = np.where(reached, times, follow)
        if k % 7 == 3:
            reached[:] = True
        tau = float(np.max(times)) * (0.8 if k % 3 == 0 else 1.0)
        out["kaplan_meier"].append({"times": times.tolist(), "reached": reached.tolist(), "tau": tau,
                                    **kaplan_meier(times, reached, tau)})
        other = np.round(RNG.exponential(14, n + 1) + 1, 2)
        oreached = other <= follow + 3
        other = np.where(oreached, other, follow + 3)
        xd = stats.CensoredData(uncensored=times[reached], right=times[~reached])
        yd = stats.CensoredData(uncensored=other[oreached], right=other[~oreached])
        r = stats.logrank(xd, yd)
        out["logrank"].append({"x": times.tolist(), "x_reached": reached.tolist(), "y": other.tolist(),
                               "y_reached": oreached.tolist(), "statistic": f(r.statistic), "p": f(r.pvalue)})
    for t in (-3.0, -0.5, 0.0, 0.7, 1.5, 2.8, 6.0):
        for df in (1.0, 2.0, 4.0, 9.0, 29.0):
            for nc in (-2.0, 0.0, 0.5, 2.0, 5.0, 12.0):
                out["nct_cdf"].append({"t": t, "df": df, "nc": nc, "cdf": f(stats.nct.cdf(t, df, nc))})
    for n in (3, 5, 8, 12, 20):
        for cv in (0.05, 0.1, 0.2):
            for ratio in (1.05, 1.1, 1.3):
                for paired in (True, False):
                    sd = math.sqrt(math.log1p(cv * cv))
                    se = sd / math.sqrt(n) if paired else sd * math.sqrt(2 / n)
                    df = n - 1 if paired else 2 * n - 2
                    nc = math.log(ratio) / se
                    alpha = 0.0125 if (n + int(paired)) % 2 else 0.05
                    crit = stats.t.ppf(1 - alpha / 2, df)
                    # SciPy's nct.cdf is NaN in far tails (large nc); such cases are kept as null and skipped.
                    power = 1 - stats.nct.cdf(crit, df, nc) + stats.nct.cdf(-crit, df, nc)
                    out["power"].append({"n": n, "cv": cv, "ratio": ratio, "paired": paired, "alpha": alpha, "power": f(power)})
    return out


def make_case(name, x, y, seed, bootstrap=True):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    c = {"name": name, "x": x, "y": y}
    c["describe_x"] = describe(x)
    c["welch"] = guarded(lambda: (lambda r: test_result(r, r.df))(stats.ttest_ind(x, y, equal_var=False)))
    c["student"] = guarded(lambda: (lambda r: test_result(r, r.df))(stats.ttest_ind(x, y)))
    c["mannwhitney"] = guarded(lambda: test_result(stats.mannwhitneyu(x, y, alternative="two-sided")))
    c["hedges"] = guarded(lambda: hedges(np.array(x), np.array(y)))
    c["cliff"] = cliff(x, y)
    c["t_interval_x"] = guarded(lambda: dict(zip(("low", "high"), map(f, stats.t.interval(
        0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))))))
    if len(x) == len(y):
        c["paired"] = guarded(lambda: (lambda r: test_result(r, r.df))(stats.ttest_rel(x, y)))
        c["wilcoxon"] = guarded(lambda: test_result(stats.wilcoxon(x, y)))
    for key in list(c):
        if isinstance(c[key], dict) and any(v is None for v in c[key].values()):
            c[key] = {"error": True}
    if bootstrap:
        s = 1000 + seed
        c["bootstrap"] = {
            "mean_percentile": boot((x,), np.mean, "percentile", s),
            "mean_bca": boot((x,), np.mean, "BCa", s),
            "median_percentile": boot((x,), np.median, "percentile", s),
            "diff_bca": boot((x, y), lambda a, b, axis: np.mean(a, axis=axis) - np.mean(b, axis=axis), "BCa", s),
        }
        if min(x) > 0 and min(y) > 0:
            c["bootstrap"]["ratio_bca"] = boot((x, y), lambda a, b, axis: np.mean(a, axis=axis) / np.mean(b, axis=axis), "BCa", s)
    return c


if __name__ == "__main__":
    main()
