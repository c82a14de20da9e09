"""Checks that a PyTorch port runs ffbench's algorithm: reads the first
training steps ffbench wrote (`ffbench first-step --out DIR ...`) and repeats
them with the port, comparing

- the batches (which training images, in which order) and the initial
  weights drawn from the port's own copy of ffbench's generator: exactly;
- FF's negative labels sampled from the port's softmax head: exactly;
- BP in micro-batches (--micro-batch) or with checkpointing (--checkpoint)
  when the step folder was written so;
- each batch's loss, every parameter after the steps and the momentum state
  (the smoothed gradient itself, so a wrong gradient cannot hide behind a
  small learning rate): to 1e-4, relative to the largest value of each.

    python ports/pytorch/check_step.py DIR --data-dir ../shared/datasets

Exits 0 when everything agrees, 1 otherwise.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

import common
import bp as bp_port
import ff as ff_port

TOLERANCE = 1e-4


def read(folder):
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    tensors = {}
    for t in manifest["tensors"]:
        dtype = np.float32 if t["dtype"] == "float32" else np.int32
        tensors[t["name"]] = np.fromfile(os.path.join(folder, t["file"]), dtype=dtype).reshape(t["shape"])
    return manifest, tensors


def parameters(model, algorithm):
    """name -> (tensor, momentum state or None), in ffbench's names."""
    out = {}
    for l, (W, b) in enumerate(zip(model.weights, model.biases)):
        out[f"layer{l + 1}.weight"], out[f"layer{l + 1}.bias"] = W, b
    if algorithm == "ff":
        if model.label_weight is not None:
            out["label_weight"] = model.label_weight
        for l, S in model.head.items():
            out[f"head{l + 1}"] = S
    return out


# The settings the ports implement (ffbench's defaults); anything else in a step folder is refused, not compared.
OPTIMIZER = {"ff": dict(kind="sgd", learning_rate=0.005, momentum=0.9, dampening=0.9, weight_decay=0.002, decay_style="separate"),
             "bp": dict(kind="sgd", learning_rate=0.05, momentum=0.9, dampening=0, weight_decay=1e-4, decay_style="in-gradient")}
FF_SETTINGS = dict(label_value=1, layer_schedule="simultaneous", peer_normalization=0.03, peer_momentum=0.9, goodness_from_layer=2,
                   head_from_layer=2, head=dict(kind="sgd", learning_rate=0.1, momentum=0.9, dampening=0.9, weight_decay=0.003,
                                                decay_style="separate"))


def unsupported(config):
    """Settings of the step folder the ports do not implement, as 'key: value' lines."""
    def differ(prefix, want, have):
        out = []
        for k, v in want.items():
            if isinstance(v, dict):
                out += differ(prefix + k + ".", v, have.get(k, {}))
            elif not np.isclose(have.get(k, v), v, rtol=1e-6) if isinstance(v, float) else have.get(k, v) != v:
                out.append(f"{prefix}{k}: {have.get(k)} (the port: {v})")
        return out
    algorithm = config["algorithm"]
    out = differ("optimizer.", OPTIMIZER[algorithm], config["optimizer"])
    if config.get("schedule") != "half-linear":
        out.append(f"schedule: {config.get('schedule')} (the port: half-linear)")
    if algorithm == "ff" and config.get("micro_batch") is not None:
        out.append(f"micro_batch: {config['micro_batch']} (the FF port: whole batches)")
    if algorithm == "ff":
        ff = config["ff"]
        out += differ("ff.", FF_SETTINGS, ff)
        if "threshold" in ff:
            out.append(f"ff.threshold: {ff['threshold']} (the port: the layer's width)")
        if ff.get("goodness", "max-ssq") not in ("max-ssq", "min-ssq"):
            out.append(f"ff.goodness: {ff.get('goodness')}")
        plain = ff.get("softmax_head") is False
        if (ff.get("negatives") == "random") != plain:
            out.append("ff.negatives and ff.softmax_head: the port has hard negatives with the head, or random ones without (--plain)")
    return out


def relative(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.abs(b).max()
    return float(np.abs(a - b).max() / scale) if scale > 0 else float(np.abs(a - b).max())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folder")
    p.add_argument("--data-dir", default=os.environ.get("FFBENCH_DATA", "Data"))
    a = p.parse_args()
    torch.set_num_threads(1)
    manifest, ref = read(a.folder)
    algorithm, widths, B = manifest["algorithm"], manifest["widths"], manifest["batch_size"]
    config = manifest["spec"]["config"]
    problems = unsupported(config)
    if problems:
        sys.exit(f"{a.folder}: written with settings the PyTorch ports do not implement: " + "; ".join(problems))
    plain = algorithm == "ff" and config["ff"].get("softmax_head") is False
    seed = manifest["seed"]
    ok = True
    rows = []

    def exact(name, same, detail):
        nonlocal ok
        ok &= bool(same)
        rows.append((name, "identical" if same else "DIFFERENT: " + detail, "exact"))

    def close(name, value):
        nonlocal ok
        ok &= value <= TOLERANCE
        rows.append((name, f"{value:.2e}", "ok" if value <= TOLERANCE else "ABOVE 1e-4"))

    losses = manifest["losses"]
    steps = len(losses)
    data = common.Data(manifest["dataset"], a.data_dir, manifest["validation"])
    order = common.epoch_order(seed, 1, len(data.x_train))[:B * steps]
    exact(f"batches: image indices ({steps} x {B})", np.array_equal(order, ref["batch_indices"]), "the port shuffles differently")
    exact("batches: labels", np.array_equal(data.y_train[order], ref["batch_labels"]), "")
    exact("batches: pixels", np.array_equal(data.x_train[order], ref["batch_images"]), "")

    device = torch.device("cpu")
    local = common.local_shapes(config["layers"], manifest["dataset"])
    # As ffbench's TrainingLoop.centersInputs: FF's, and both algorithms' locally connected stacks, on CIFAR-10 by default.
    center = config["ff"].get("center_inputs", manifest["dataset"] == "cifar10") and (algorithm == "ff" or local is not None)
    mean = data.mean_image() if center else None
    if algorithm == "ff":
        min_ssq = config["ff"].get("goodness") == "min-ssq"
        make = lambda: ff_port.FF(data.input_size, widths, seed, device, plain=plain, input_mean=mean, local=local, min_ssq=min_ssq)
    else:
        micro, checkpoint = config.get("micro_batch"), config.get("checkpoint")
        make = lambda: bp_port.BP(data.input_size, widths, seed, device, micro_batch=micro, checkpoint=checkpoint, local=local, input_mean=mean)
    params = parameters(make(), algorithm)
    same_init = all(np.array_equal(t.detach().numpy(), ref["before/" + n]) for n, t in params.items())
    exact("initial weights (the port's own draws)", same_init,
          "max difference " + str(max(float(np.abs(t.detach().numpy() - ref["before/" + n]).max()) for n, t in params.items())))

    def start():
        m = make()
        p = parameters(m, algorithm)
        with torch.no_grad():  # from ffbench's weights whatever the draws gave, so the steps are compared on their own
            for n, t in p.items():
                t.copy_(torch.tensor(ref["before/" + n]))
        m.set_learning_rate_scale(np.float32(manifest["learning_rate_scale"]))
        return m, p

    def train(m, fed):
        """Every step; with `fed`, on ffbench's negative labels. Returns (losses, negatives)."""
        out, negs = [], []
        for k in range(steps):
            rows = slice(k * B, (k + 1) * B)
            x, y = torch.tensor(ref["batch_images"][rows]), torch.tensor(ref["batch_labels"][rows].astype(np.int64))
            if algorithm == "bp":
                loss, _ = m.train_batch(x, y)
            else:
                given = torch.tensor(ref["negative_labels"][rows].astype(np.int64)) if fed else None
                loss, _, n = m.train_batch(x, y, negatives=given)
                negs.append(n.numpy())
            out.append(float(loss))
        return out, negs

    model, params = start()
    got, negatives = train(model, fed=False)
    if algorithm == "ff":
        sampled = np.concatenate(negatives)
        same = np.array_equal(sampled, ref["negative_labels"])
        exact("negative labels (sampled by the port)", same,
              f"{int((sampled != ref['negative_labels']).sum())} of {len(sampled)} differ; the steps below use ffbench's")
        if not same:
            model, params = start()
            got, _ = train(model, fed=True)
    for k, (mine, theirs) in enumerate(zip(got, losses)):
        close(f"batch {k + 1} loss ({mine:.6f} vs ffbench {theirs:.6f})", abs(mine - theirs) / abs(theirs))
    for n, t in params.items():
        close(f"{n} after {steps} step{'s' if steps > 1 else ''}", relative(t.detach().numpy(), ref["after/" + n]))
        if "momentum/" + n in ref:
            close(f"{n} momentum state (the smoothed gradient)", relative(model.momentum_state(t).numpy(), ref["momentum/" + n]))
    if algorithm == "ff":
        for l, m in enumerate(model.peer):
            close(f"peer{l + 1} running mean activity", relative(m.numpy(), ref[f"after/peer{l + 1}"]))

    variant = ", ".join(f"{k.replace('_', '-')} {config[k]}" for k in ("micro_batch", "checkpoint") if config.get(k) is not None)
    variant = f" ({variant})" if variant else ""
    print(f"{algorithm.upper()}{' (plain)' if plain else ''}{variant} {'-'.join(map(str, widths))} on {manifest['dataset']}, batch {B}, seed {seed}: "
          f"PyTorch {torch.__version__} port against ffbench's first {steps} step(s) (relative to each tensor's largest value)")
    width = max(len(r[0]) for r in rows)
    for name, value, verdict in rows:
        print(f"  {name:<{width}}  {value:>10}  {verdict}")
    print("same algorithm: every check passes" if ok else "MISMATCH: see above")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
