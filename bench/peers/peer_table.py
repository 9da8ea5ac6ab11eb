"""The comparison's numbers and its one table (standard library only, so that CI can test it).

Inputs: GraphGen's quick table (artifacts/bench/quick.csv: case,metric,value,unit) and the peers'
printouts (mlp_torch.py and GraphGen.Peers: one line per case, `name train_us threads infer_us threads`,
"-" where a peer has no number). Each side keeps its best (lowest µs) over the alternating rounds.
Targets (issue 14): inference >= 1.1x ONNX Runtime; training >= 2x the best of PyTorch and TorchSharp.
"""
import csv
import math

PEERS = ("pytorch", "torchsharp", "onnxruntime")
LABELS = {"graphgen": "GraphGen", "pytorch": "PyTorch", "torchsharp": "TorchSharp", "onnxruntime": "ORT"}
STEPS = ("train", "infer")
QUICK_METRICS = {"train_step": "train", "inference": "infer"}
# step -> (peers whose best is the target's reference, the factor GraphGen must be ahead by, how the table names it)
TARGETS = {"train": (("pytorch", "torchsharp"), 2.0, ">=2x best libtorch"), "infer": (("onnxruntime",), 1.1, ">=1.1x ORT")}
CSV_FIELDS = ["case", "step", "graphgen_us"] + [f"{p}_{f}" for p in PEERS for f in ("us", "threads")] + \
             ["best_peer", "best_peer_us", "speedup_vs_best_peer", "target", "target_reference_us", "speedup_vs_reference", "verdict"]


def parse_peer_output(text, case_names):
    """{(case, step): (µs, threads)} from a peer's printout; lines of cases not in case_names are ignored."""
    values = {}
    for line in text.splitlines():
        name = next((n for n in case_names if line.startswith(n + " ")), None)
        if name is None:
            continue
        fields = line[len(name):].split()
        if len(fields) != 4:
            raise ValueError(f"peer line for '{name}' has {len(fields)} fields after the name, expected 4 (train µs, threads, infer µs, threads): {line!r}")
        for step, (us, threads) in zip(STEPS, (fields[0:2], fields[2:4])):
            if us != "-":
                values[(name, step)] = (float(us), int(threads))
    return values


def parse_quick_csv(path):
    """{(case, step): (µs, None)} from GraphGen's quick.csv (its thread count is the runtime's own choice)."""
    values = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            step = QUICK_METRICS.get(row["metric"])
            if step:
                values[(row["case"], step)] = (float(row["value"]), None)
    return values


def keep_best(into, new):
    """Merges a round into the running best: the lower µs wins, with its thread count."""
    for key, value in new.items():
        if key not in into or value[0] < into[key][0]:
            into[key] = value


def rows(case_names, results):
    """One row per (case, step) with GraphGen's time, each peer's, the best peer, the ratios and the verdict.

    results: {"graphgen": {...}, "pytorch": {...}, ...}, each as parse_* returns (after keep_best).
    A ratio is peer µs / GraphGen µs: above 1 means GraphGen is that many times faster.
    """
    out = []
    for name in case_names:
        for step in STEPS:
            ours = results.get("graphgen", {}).get((name, step))
            peers = {p: results[p][(name, step)] for p in PEERS if (name, step) in results.get(p, {})}
            if ours is None and not peers:
                continue
            row = {"case": name, "step": step, "graphgen_us": ours[0] if ours else None}
            for p in PEERS:
                row[f"{p}_us"], row[f"{p}_threads"] = peers.get(p, (None, None))
            best = min(peers, key=lambda p: peers[p][0]) if peers else None
            row["best_peer"] = best
            row["best_peer_us"] = peers[best][0] if best else None
            row["speedup_vs_best_peer"] = ratio(row["best_peer_us"], row["graphgen_us"])
            references, factor, label = TARGETS[step]
            available = [peers[p][0] for p in references if p in peers]
            row["target"] = label
            row["target_reference_us"] = min(available) if available else None
            row["speedup_vs_reference"] = ratio(row["target_reference_us"], row["graphgen_us"])
            row["verdict"] = verdict(row["speedup_vs_reference"], factor, ours, available)
            out.append(row)
    return out


def ratio(peer_us, ours_us):
    return peer_us / ours_us if peer_us is not None and ours_us else None


def verdict(speedup, factor, ours, references):
    if ours is None:
        return "no GraphGen time"
    if not references:
        return "no reference peer"
    return "met" if speedup >= factor else "NOT met"


def format_table(table_rows):
    """The table as text: µs per side, the best peer with its thread count, the ratio to it, and the target."""
    header = f"{'case':<24} {'step':<5} {'GraphGen':>9} {'PyTorch':>9} {'TorchSharp':>10} {'ORT':>9}  {'best peer':<14} {'x best':>6}  {'target':<19} {'x ref':>6}  verdict"
    lines = [header]
    for r in table_rows:
        best = f"{LABELS[r['best_peer']]} {r[r['best_peer'] + '_threads']}t" if r["best_peer"] else "-"
        lines.append(f"{r['case']:<24} {r['step']:<5} {us(r['graphgen_us']):>9} {us(r['pytorch_us']):>9} {us(r['torchsharp_us']):>10} "
                     f"{us(r['onnxruntime_us']):>9}  {best:<14} {times(r['speedup_vs_best_peer']):>6}  {r['target']:<19} "
                     f"{times(r['speedup_vs_reference']):>6}  {r['verdict']}")
    return "\n".join(lines)


def us(value):
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 10000 else f"{value:.0f}"


def times(value):
    return "-" if value is None or math.isnan(value) else f"{value:.2f}"


def write_csv(table_rows, path):
    """The table as CSV (CSV_FIELDS), empty cells where a side has no number."""
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for r in table_rows:
            writer.writerow({k: ("" if r[k] is None else round(r[k], 3) if isinstance(r[k], float) else r[k]) for k in CSV_FIELDS})


def parse_quick_sgemm(path, n):
    """(GFLOP/s, None) of GraphGen's square SGEMM of size n from quick.csv."""
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["case"] == f"sgemm {n}" and row["metric"] == "gflops":
                return float(row["value"]), None
    raise ValueError(f"{path} has no sgemm {n} row")


def parse_sgemm_line(text, n):
    """(best GFLOP/s, its threads) from GraphGen.Peers torchsharp-sgemm's line `sgemm N  x GFLOP/s (t threads) ...`."""
    for line in text.splitlines():
        fields = line.split()
        if fields[:2] == ["sgemm", str(n)]:
            found = [(float(fields[i - 1]), int(fields[i + 1].lstrip("("))) for i, f in enumerate(fields) if f == "GFLOP/s"]
            if found:
                return max(found)
    raise ValueError(f"no 'sgemm {n}' line with GFLOP/s in: {text!r}")


def format_malloc_table(case_names, tuned, defaults):
    """Training µs of the libtorch peers under glibc's default malloc settings and with the tunables, and the slowdown."""
    lines = [f"{'case':<24} {'PyTorch default':>15} {'tuned':>9} {'x':>5}   {'TorchSharp default':>18} {'tuned':>9} {'x':>5}"]
    for name in case_names:
        cells = []
        for peer, width in (("pytorch", 15), ("torchsharp", 18)):
            slow, fast = defaults.get(peer, {}).get((name, "train")), tuned.get(peer, {}).get((name, "train"))
            cells.append(f"{us(slow[0] if slow else None):>{width}} {us(fast[0] if fast else None):>9} "
                         f"{times(ratio(slow[0], fast[0]) if slow and fast else None):>5}")
        lines.append(f"{name:<24} " + "   ".join(cells))
    return "\n".join(lines)
