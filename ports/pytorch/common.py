"""What ffbench's PyTorch ports share with ffbench itself, so a port run and
a native run of the same seed see the same data in the same order:

- ffbench's random generator (xoshiro256** seeded through SplitMix64, one
  stream per purpose), its unbiased integers, normals and shuffles;
- the data files (IDX for MNIST and Fashion-MNIST, CIFAR-10's binary
  batches, gzip or not), scaled to [0, 1] as float32 exactly as ffbench does;
- the stratified validation split (fixed seed, the same held-out images);
- the epoch order, the weight initialisation N(0, 1/fan_in), the
  half-linear schedule and the epoch lines ffbench's recorder reads.

Ported from Sources/Tensor/RNG.swift, Sources/Datasets/ and
Sources/Training/ by reading them; nothing here imports ffbench.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

MASK = (1 << 64) - 1


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class RNG:
    """xoshiro256**, seeded through SplitMix64 (Sources/Tensor/RNG.swift)."""

    def __init__(self, seed, stream=None):
        if stream is not None:
            seed = seed ^ ((stream * 0xD1B54A32D192ED03) & MASK)
        x = seed & MASK
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            state.append(z ^ (z >> 31))
        self.s = state
        self.spare = None

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self):
        """[0, 1) with 53 random bits."""
        return (self.next() >> 11) * 2.0 ** -53

    def uniform_float(self):
        """float32 in [0, 1) with 24 random bits."""
        return np.float32((self.next() >> 40) * 2.0 ** -24)

    def int_below(self, bound):
        """Unbiased integer in 0..<bound (Lemire's multiply-and-reject)."""
        m = self.next() * bound
        if (m & MASK) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (m & MASK) < threshold:
                m = self.next() * bound
        return m >> 64

    def normal(self):
        """Standard normal by Box-Muller, in pairs (cosine first, sine kept)."""
        if self.spare is not None:
            z, self.spare = self.spare, None
            return z
        u1 = self.uniform()
        while u1 == 0:
            u1 = self.uniform()
        u2 = self.uniform()
        radius = math.sqrt(-2 * math.log(u1))
        self.spare = radius * math.sin(2 * math.pi * u2)
        return radius * math.cos(2 * math.pi * u2)

    def permutation(self, n):
        """Fisher-Yates from the end, as ffbench shuffles."""
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.int_below(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


# Streams of the run seed (Sources/Training, Sources/Datasets).
INIT_STREAM = 1
NEGATIVES_STREAM = 2
VALIDATION_SEED = 0x5EED0FA11DA7


def shuffle_stream(seed, epoch):
    return RNG(seed, 0xBA7C0000 + epoch)


def init_normal(rng, count, fan_in):
    """count draws of N(0, 1/fan_in) as ffbench fills a matrix: in order, Float(normal) * std in float32."""
    std = np.float32(1) / np.sqrt(np.float32(fan_in))
    values = np.array([rng.normal() for _ in range(count)], dtype=np.float64)
    return values.astype(np.float32) * std


def init_weight(rng, fan_in, fan_out):
    """A dense layer's weights (fan_in x fan_out), N(0, 1/fan_in), row-major."""
    return init_normal(rng, fan_in * fan_out, fan_in).reshape(fan_in, fan_out)


# ---------------------------------------------------------------- data

DATASETS = {
    "mnist": ("mnist", "idx", 60000),
    "fashion-mnist": ("fashion-mnist", "idx", 60000),
    "cifar10": ("cifar-10-batches-bin", "cifar", 50000),
}


def default_validation(dataset):
    n = DATASETS[dataset][2]
    return 10000 if n >= 60000 else 5000 if n >= 50000 else 0


def _open(folder, name):
    for path, opener in ((os.path.join(folder, name), open), (os.path.join(folder, name + ".gz"), gzip.open)):
        if os.path.exists(path):
            with opener(path, "rb") as f:
                return f.read()
    raise SystemExit(f"{os.path.join(folder, name)}[.gz]: no such file")


def _folder(data_dir, dataset):
    """The data set's own folder, or a root holding it (as ffbench's --data-dir)."""
    sub = os.path.join(data_dir, DATASETS[dataset][0])
    return sub if os.path.isdir(sub) else data_dir


def _idx(folder, images_name, labels_name):
    raw = _open(folder, images_name)
    magic, n, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 2051:
        raise SystemExit(f"{images_name}: not an IDX image file (magic {magic})")
    images = np.frombuffer(raw, dtype=np.uint8, offset=16, count=n * rows * cols).reshape(n, rows * cols)
    raw = _open(folder, labels_name)
    magic, m = struct.unpack(">II", raw[:8])
    if magic != 2049 or m != n:
        raise SystemExit(f"{labels_name}: not the IDX labels of {images_name}")
    labels = np.frombuffer(raw, dtype=np.uint8, offset=8, count=n)
    return images, labels


def _cifar(folder, names):
    images, labels = [], []
    for name in names:
        raw = np.frombuffer(_open(folder, name), dtype=np.uint8).reshape(-1, 3073)
        labels.append(raw[:, 0])
        images.append(raw[:, 1:])
    return np.concatenate(images), np.concatenate(labels)


def load(dataset, data_dir):
    """(train images, train labels, test images, test labels): float32 pixels / 255, int64 labels."""
    folder = _folder(data_dir, dataset)
    if DATASETS[dataset][1] == "idx":
        tr = _idx(folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
        te = _idx(folder, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    else:
        tr = _cifar(folder, [f"data_batch_{i}.bin" for i in range(1, 6)])
        te = _cifar(folder, ["test_batch.bin"])

    def scale(x):
        return x.astype(np.float32) / np.float32(255)

    return scale(tr[0]), tr[1].astype(np.int64), scale(te[0]), te[1].astype(np.int64)


def validation_split(labels, count, classes=10):
    """Indices (train, validation), each in the original order: stratified by
    class with largest-remainder quotas, chosen by a seeded permutation within
    each class (Dataset.splitValidation)."""
    n = len(labels)
    by_class = [np.flatnonzero(labels == k).tolist() for k in range(classes)]
    exact = [len(ix) * count / n for ix in by_class]
    quota = [int(math.floor(e)) for e in exact]
    order = sorted(range(classes), key=lambda k: (exact[k] - quota[k], -k), reverse=True)
    for k in order[: count - sum(quota)]:
        quota[k] += 1
    held = []
    for k, ix in enumerate(by_class):
        if quota[k] > 0:
            perm = RNG(VALIDATION_SEED, 0x5A110000 + k).permutation(len(ix))
            held += [ix[p] for p in perm[: quota[k]]]
    held = np.array(sorted(held), dtype=np.int64)
    keep = np.ones(n, dtype=bool)
    keep[held] = False
    return np.flatnonzero(keep), held


class Data:
    """A data set as a run sees it: training set less the validation split, validation set, test set."""

    def __init__(self, dataset, data_dir, validation):
        xtr, ytr, self.x_test, self.y_test = load(dataset, data_dir)
        if validation > 0:
            train, held = validation_split(ytr, validation)
            self.x_train, self.y_train = xtr[train], ytr[train]
            self.x_val, self.y_val = xtr[held], ytr[held]
        else:
            self.x_train, self.y_train, self.x_val, self.y_val = xtr, ytr, None, None
        self.input_size = xtr.shape[1]

    def mean_image(self):
        """The training set's mean image, summed in float64 (FF centres CIFAR-10 on it)."""
        return (self.x_train.astype(np.float64).sum(axis=0) / len(self.x_train)).astype(np.float32)


def epoch_order(seed, epoch, n):
    return np.array(shuffle_stream(seed, epoch).permutation(n), dtype=np.int64)


def learning_rate_scale(epoch, epochs, schedule="half-linear"):
    """Hinton's epsgain: 1 up to half the epochs, then (1 + 2(E - e)) / E."""
    if schedule == "constant" or epoch <= epochs / 2:
        return np.float32(1)
    return np.float32(1 + 2 * (epochs - epoch)) / np.float32(epochs)


IMAGE_SHAPES = {"mnist": (28, 28, 1), "fashion-mnist": (28, 28, 1), "cifar10": (32, 32, 3)}


def local_shapes(text, dataset):
    """ffbench's locally connected stacks: lc2, lc3 (3 units per location, 11x11
    fields) or lcN:UxK, over maps of the data set's image size; None for a dense stack."""
    if not text.startswith("lc"):
        return None
    count, _, rest = text[2:].partition(":")
    units, field = (int(v) for v in rest.split("x")) if rest else (3, 11)
    height, width, channels = IMAGE_SHAPES[dataset]
    return [dict(height=height, width=width, in_channels=channels if l == 0 else units, units=units, field=field)
            for l in range(int(count))]


def local_size(shape):
    """(outputs, fan-in) of a locally connected layer."""
    return shape["height"] * shape["width"] * shape["units"], shape["field"] ** 2 * shape["in_channels"]


def init_local(rng, shape):
    """A locally connected layer's weights as ffbench draws them: one row per
    location and unit, its field (row of the field, column, channel), N(0, 1/fan-in)."""
    outputs, fan_in = local_size(shape)
    return init_normal(rng, outputs * fan_in, fan_in).reshape(outputs, fan_in)


def local_product(x, W, shape, planar):
    """x's products with a locally connected layer's weights (no bias): x is
    (B, H*W*C) with channels last, or channel-major when planar (an image);
    the result (B, H*W*units) has channels last. The field is zero-padded at
    the edges, so the map keeps its size."""
    B, H, Wd, cin, units, k = len(x), shape["height"], shape["width"], shape["in_channels"], shape["units"], shape["field"]
    image = x.view(B, cin, H, Wd) if planar else x.view(B, H, Wd, cin).permute(0, 3, 1, 2)
    columns = F.unfold(image, k, padding=(k - 1) // 2)  # (B, cin*k*k, H*W), channel first within a field
    weights = W.view(H * Wd, units, k, k, cin).permute(0, 1, 4, 2, 3).reshape(H * Wd, units, cin * k * k)
    return torch.einsum("bpl,lup->blu", columns, weights).reshape(B, H * Wd * units)


def parse_layers(text, input_size):
    """COUNTxWIDTH (2x500) or a list starting with the input size (784-500-500)."""
    if "x" in text:
        count, width = text.split("x")
        return [int(width)] * int(count)
    widths = [int(w) for w in text.split("-")]
    if widths[0] != input_size:
        raise SystemExit(f"--layers {text}: the first size must be the input size {input_size}")
    return widths[1:]


# ---------------------------------------------------------------- runs

def arguments(description, extra=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--dataset", default="mnist", choices=sorted(DATASETS))
    p.add_argument("--data-dir", default=os.environ.get("FFBENCH_DATA", "Data"))
    p.add_argument("--layers", default="4x2000")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--validation", type=int, default=None, help="held-out training images (default: ffbench's for the data set)")
    p.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--batches", type=int, default=None, help="stop each epoch after this many batches (tests)")
    if extra:
        extra(p)
    a = p.parse_args()
    if a.seed < 0:
        a.seed &= MASK  # ffbench passes seeds above 2^63 as their signed bit pattern
    if a.validation is None:
        a.validation = default_validation(a.dataset)
    return a


def setup_torch(a):
    import torch

    if a.threads:
        torch.set_num_threads(a.threads)
        torch.set_num_interop_threads(1)
    torch.manual_seed(a.seed & 0x7FFFFFFFFFFFFFFF)  # nothing here draws from torch's generator; set for any library that does
    if a.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA device")
    return torch.device(a.device)


def synchronize(device):
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize()


def epoch_line(**fields):
    """One epoch as ffbench's recorder reads it (docs/schema.md, epochs table)."""
    print(json.dumps({k: v for k, v in fields.items() if v is not None}), flush=True)


class Clock:
    def __init__(self, device):
        self.device = device

    def __enter__(self):
        synchronize(self.device)
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        synchronize(self.device)
        self.seconds = time.perf_counter() - self.start


def as_tensor(array, device):
    """The array on the device; on the CPU the same memory (torch.from_numpy),
    so a run does not hold the data set twice and its RSS is the port's, not
    a copy's."""
    import torch

    t = torch.from_numpy(array)
    return t if device.type == "cpu" else t.to(device)


def batch_sums(errors, x, y, B):
    """Sums of `errors(x_batch, y_batch)` (a tuple of counts, None for a count
    a model does not make) over the set in batches of B, as rates."""
    total = None
    for i in range(0, len(y), B):
        counts = errors(x[i:i + B], y[i:i + B])
        total = counts if total is None else tuple(None if t is None else t + c for t, c in zip(total, counts))
    return tuple(None if t is None else t / len(y) for t in total)


def train_epochs(a, device, data, model, step, errors, line):
    """ffbench's epoch loop: the schedule, the epoch order, the training
    clock (evaluation outside it), a check that the loss stays finite, and
    the error rates of validation and test sets, handed to `line`.

    step(x, y) -> (summed loss tensor, wrong-count tensor or None);
    errors(x, y) -> a tuple of counts; line(epoch, scale, loss, train_error,
    validation rates, test rates, train seconds, eval seconds, **device
    memory) prints. On CUDA the device memory is the allocator's peaks over
    the epoch, reset after its first batch so that one-time allocations (the
    cuBLAS workspace, the allocator's first blocks) are not read as the
    algorithm's."""
    import torch

    x_train, y_train = as_tensor(data.x_train, device), as_tensor(data.y_train, device)
    evals = [None if x is None else (as_tensor(x, device), as_tensor(yv, device))
             for x, yv in ((data.x_val, data.y_val), (data.x_test, data.y_test))]
    B = a.batch_size
    batches = len(data.x_train) // B
    if a.batches:
        batches = min(batches, a.batches)
    for epoch in range(1, a.epochs + 1):
        scale = learning_rate_scale(epoch, a.epochs)
        model.set_learning_rate_scale(scale)
        order = torch.from_numpy(epoch_order(a.seed, epoch, len(data.x_train))).to(device)
        loss = torch.zeros((), device=device)
        wrong = torch.zeros((), device=device, dtype=torch.int64)
        counted = False
        with Clock(device) as train:
            for i in range(batches):
                idx = order[i * B:(i + 1) * B]
                batch_loss, batch_wrong = step(x_train[idx], y_train[idx])
                if i == 0 and device.type == "cuda":
                    torch.cuda.synchronize(device)
                    torch.cuda.reset_peak_memory_stats(device)
                loss += batch_loss
                if batch_wrong is not None:
                    wrong += batch_wrong
                    counted = True
            train_loss = loss.item()
        if not np.isfinite(train_loss):
            fail(f"epoch {epoch}: the loss is not finite (diverged)")
        seen = batches * B
        memory = {}
        if device.type == "cuda" and batches > 1:
            memory = dict(cuda_max_allocated_bytes=torch.cuda.max_memory_allocated(device),
                          cuda_max_reserved_bytes=torch.cuda.max_memory_reserved(device))
        with Clock(device) as evaluation:
            val, test = [None if part is None else batch_sums(errors, *part, B) for part in evals]
        line(epoch, scale, train_loss / seen, wrong.item() / seen if counted else None, val, test,
             train.seconds, evaluation.seconds, **memory)


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)
