"""Hinton's supervised Forward-Forward in PyTorch, with the settings of
ffbench's default FF (Hinton 2022, section 3.3, and his ffnew.m):

- the label one-hot in the first 10 inputs (value 1), or a neutral label
  (0.1 in each place) for the softmax head's pass;
- each layer's input RMS-normalised (x / (rms + 1e-20)), ReLU units;
- goodness = sum of squared activities against a threshold of the layer's
  width; per-layer loss softplus(-(g - theta)) on positives and
  softplus(g - theta) on negatives, averaged over the batch; gradients stay
  in their layer (inputs are detached);
- hard negatives sampled from the head's softmax with the true label
  masked; peer normalisation (running mean activity 0.9/0.1, strength 0.03,
  a gradient term ungated by the ReLU);
- a softmax head on the normalised outputs of layers 2 and up (zero
  initial weights, no bias, cross-entropy);
- Hinton's SGD: v = 0.9 v + 0.1 g, w -= lr (v + wd w), lr 0.005 and weight
  cost 0.002 for the layers (none on biases), lr 0.1 and 0.003 for the head,
  constant for half the epochs then linear decay;
- prediction by goodness accumulated over layers 2 and up, one pass per label.

--plain gives the FF of most ports instead: random negatives, no head.
--layers lc2, lc3 or lcN:UxK: ffbench's locally connected FF (Hinton 2022,
CIFAR-10): the centred image scaled to RMS 1 reaches layer 1 through its
fields, and the label reaches every unit of layer 1 as ten more inputs
(label weights drawn after the layers'). --goodness min-ssq: positive data
should make the sum of squares low, and prediction picks the lowest.
Prints one ffbench epoch line per epoch (train seconds exclude evaluation).
"""
import numpy as np
import torch
import torch.nn.functional as F

import common

LABELS = 10


def softplus(x):
    """max(x, 0) + log1p(exp(-|x|)): ffbench's, exact on both tails."""
    return torch.clamp(x, min=0) + torch.log1p(torch.exp(-x.abs()))


def normalize(h):
    return h / (h.pow(2).mean(dim=1, keepdim=True).sqrt() + 1e-20)


class HintonSGD(torch.optim.Optimizer):
    """v = momentum v + (1 - dampening) g; w -= lr (v + wd w): the weight
    cost is outside the momentum (separate), as in Hinton's code. (torch's
    SGD starts its buffer at g, not (1 - dampening) g, and puts the decay in
    the gradient, so it is not this.)"""

    def __init__(self, groups, momentum=0.9, dampening=0.9):
        super().__init__(groups, dict(lr=0.0, weight_decay=0.0, momentum=momentum, dampening=dampening))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, wd, mu, keep = group["lr"], group["weight_decay"], group["momentum"], 1 - group["dampening"]
            for p in group["params"]:
                state = self.state[p]
                if "v" not in state:
                    state["v"] = torch.zeros_like(p)
                v = state["v"]
                v.mul_(mu).add_(p.grad, alpha=keep)
                p.sub_(lr * (v + wd * p) if wd else lr * v)

    def momentum_state(self, p):
        """momentum x v, what ffbench keeps between steps."""
        return self.state[p]["v"] * self.param_groups[0]["momentum"]


class FF:
    def __init__(self, input_size, widths, seed, device, plain=False, input_mean=None, local=None, min_ssq=False):
        """local: the locally connected layers' shapes (common.local_shapes); widths are then ignored."""
        self.local, self.min_ssq = local, min_ssq
        self.label_value, self.peer_strength, self.peer_momentum = 1.0, 0.03, 0.9
        self.goodness_from, self.head_from = 2, 2  # 1-based layers
        rng = common.RNG(seed, common.INIT_STREAM)
        if local:
            widths = [common.local_size(shape)[0] for shape in local]
            matrices = [common.init_local(rng, shape) for shape in local]
        else:
            sizes = [input_size] + widths
            matrices = [common.init_weight(rng, sizes[l], sizes[l + 1]) for l in range(len(widths))]
        self.widths, self.device, self.plain = widths, device, plain
        self.weights = [torch.tensor(m, device=device, requires_grad=True) for m in matrices]
        self.label_weight = None
        if local:
            fan_in = common.local_size(local[0])[1]
            draws = common.init_normal(rng, LABELS * widths[0], fan_in).reshape(LABELS, widths[0])
            self.label_weight = torch.tensor(draws, device=device, requires_grad=True)
        self.biases = [torch.zeros(w, device=device, requires_grad=True) for w in widths]
        self.head = {} if plain else {l: torch.zeros(widths[l], LABELS, device=device, requires_grad=True)
                                      for l in range(len(widths)) if l + 1 >= self.head_from}
        self.peer = [torch.full((w,), 0.5, device=device) for w in widths]
        self.negatives_rng = common.RNG(seed, common.NEGATIVES_STREAM)
        self.input_mean = None if input_mean is None else torch.tensor(input_mean, device=device)
        decayed = self.weights + ([self.label_weight] if self.label_weight is not None else [])
        groups = [dict(params=decayed, lr=0.005, base_lr=0.005, weight_decay=0.002),
                  dict(params=self.biases, lr=0.005, base_lr=0.005, weight_decay=0.0)]
        if self.head:
            groups.append(dict(params=list(self.head.values()), lr=0.1, base_lr=0.1, weight_decay=0.003))
        self.optimizer = HintonSGD(groups)

    def momentum_state(self, p):
        return self.optimizer.momentum_state(p)

    def set_learning_rate_scale(self, scale):
        for g in self.optimizer.param_groups:
            g["lr"] = float(np.float32(g["base_lr"]) * scale)

    def overlay(self, x, labels):
        """The image (centred if asked) with the label in its first 10 places: a tensor of labels, one class, or None (neutral).
        Locally connected: the centred image alone (the label enters layer 1's products)."""
        h = x - self.input_mean if self.input_mean is not None else x.clone()
        if self.local:
            return normalize(h)
        if labels is None:
            h[:, :LABELS] = self.label_value / LABELS
        else:
            h[:, :LABELS] = 0
            if isinstance(labels, int):
                h[:, labels] = self.label_value
            else:
                h[torch.arange(len(h), device=h.device), labels] = self.label_value
        return normalize(h)

    def product(self, l, inp, labels):
        """Layer l's pre-activation from its (normalised) input; `labels` as for overlay."""
        W, b = self.weights[l], self.biases[l]
        if not self.local:
            return inp @ W + b
        shape = self.local[l]
        z = common.local_product(inp, W, shape, planar=l == 0 and shape["in_channels"] > 1) + b
        if l > 0:
            return z
        if labels is None:
            return z + (self.label_value / LABELS) * self.label_weight.sum(dim=0)
        return z + self.label_value * self.label_weight[labels]

    def layers(self, inp, labels):
        """Each layer's ReLU output, from a normalised input (no gradients)."""
        out = []
        for l in range(len(self.weights)):
            h = torch.relu(self.product(l, inp, labels))
            out.append(h)
            inp = normalize(h)
        return out

    def head_logits(self, relus):
        return sum(normalize(relus[l]) @ S for l, S in self.head.items())

    # ------------------------------------------------------------ training

    def train_batch(self, x, y, negatives=None):
        """One batch: every gradient, then every update. Returns (summed loss, head errors or None, negatives) as tensors."""
        B = len(y)
        self.optimizer.zero_grad()  # every backward below adds to fresh gradients
        loss = torch.zeros((), device=x.device)
        errors = None
        probs = None
        if self.head:
            # 1. Neutral label: the head's loss and gradient on the layers' normalised outputs.
            with torch.no_grad():
                relus = self.layers(self.overlay(x, None), None)
            logits = self.head_logits(relus)
            head_loss = F.cross_entropy(logits, y, reduction="sum")
            (head_loss / B).backward()
            loss = loss + head_loss.detach()
            errors = (logits.detach().argmax(dim=1) != y).sum()
            probs = torch.softmax(logits.detach(), dim=1)
        if negatives is None:
            negatives = self.sample_negatives(y, probs)
        # 2 and 3. Positive, then negative: each layer's own loss and gradient.
        for positive, labels in ((True, y), (False, negatives)):
            inp = self.overlay(x, labels)
            # min-ssq: positive data is what max-ssq calls negative.
            sign = -1.0 if positive != self.min_ssq else 1.0
            for l in range(len(self.weights)):
                z = self.product(l, inp, labels)
                h = torch.relu(z)
                rows = softplus(sign * (h.pow(2).sum(dim=1) - self.widths[l]))
                objective = rows.sum() / B
                if positive and self.peer_strength > 0:
                    with torch.no_grad():
                        self.peer[l].mul_(self.peer_momentum).add_(h.mean(dim=0), alpha=1 - self.peer_momentum)
                        m = self.peer[l]
                        pull = (-2 * self.peer_strength / B) * (m.mean() - m)
                    # d/dz of this term is `pull` on every row: ungated by the ReLU, so dead units revive.
                    objective = objective + (z * pull).sum()
                objective.backward()
                loss = loss + rows.sum().detach()
                inp = normalize(h.detach())
        self.optimizer.step()
        return loss, errors, negatives

    def sample_negatives(self, y, probs):
        labels = y.cpu().numpy()
        if probs is None:
            k = np.array([self.negatives_rng.int_below(LABELS - 1) for _ in labels])
            return torch.tensor(np.where(k >= labels, k + 1, k), device=y.device)
        return torch.tensor(hard_negatives(probs.cpu().numpy(), labels, self.negatives_rng), device=y.device)

    # ------------------------------------------------------------ evaluation

    @torch.no_grad()
    def errors(self, x, y):
        """(goodness errors, softmax errors or None) on a batch."""
        scores = torch.zeros(len(y), LABELS, device=x.device)
        for c in range(LABELS):
            relus = self.layers(self.overlay(x, c), c)
            for l in range(self.goodness_from - 1, len(relus)):
                scores[:, c] += (-1 if self.min_ssq else 1) * relus[l].pow(2).sum(dim=1)
        goodness = (scores.argmax(dim=1) != y).sum().item()
        softmax = None
        if self.head:
            softmax = (self.head_logits(self.layers(self.overlay(x, None), None)).argmax(dim=1) != y).sum().item()
        return goodness, softmax


def hard_negatives(probs, labels, rng):
    """ffbench's NegativeLabels.hard in float32: for each row, a draw u * total
    walked down the wrong labels' probabilities; the last wrong label with mass
    if rounding leaves none, a uniform wrong label if none has mass."""
    B = len(labels)
    truth = labels
    masked = probs.astype(np.float32).copy()
    masked[np.arange(B), truth] = 0
    total = np.zeros(B, dtype=np.float32)
    for j in range(LABELS):
        total += masked[:, j]  # the same sequence of float32 additions as the Swift loop
    draws = np.zeros(B, dtype=np.float32)
    pick = np.full(B, -1, dtype=np.int64)
    for r in range(B):  # draws in row order, as ffbench makes them
        if total[r] > 0:
            draws[r] = rng.uniform_float()
        else:
            k = rng.int_below(LABELS - 1)
            pick[r] = k + 1 if k >= truth[r] else k
    u = draws * total
    for j in range(LABELS):
        u = u - masked[:, j]
        crossed = (pick < 0) & (total > 0) & (u < 0) & (truth != j)
        pick[crossed] = j
    for r in np.flatnonzero(pick < 0):
        pick[r] = max(j for j in range(LABELS) if j != truth[r] and masked[r, j] > 0)
    return pick


def run(a):
    device = common.setup_torch(a)
    data = common.Data(a.dataset, a.data_dir, a.validation)
    local = common.local_shapes(a.layers, a.dataset)
    widths = None if local else common.parse_layers(a.layers, data.input_size)
    center = a.dataset == "cifar10"
    model = FF(data.input_size, widths, a.seed, device, plain=a.plain, input_mean=data.mean_image() if center else None,
               local=local, min_ssq=a.goodness == "min-ssq")

    def step(x, y):
        loss, errors, _ = model.train_batch(x, y)
        return loss, errors

    def line(epoch, scale, loss, train_error, val, test, train_seconds, eval_seconds, **device_memory):
        common.epoch_line(epoch=epoch, train_loss=loss, train_error=train_error, test_error=test[0],
                          validation_error=val[0] if val else None, test_error_goodness=test[0],
                          test_error_softmax=test[1], train_seconds=train_seconds, eval_seconds=eval_seconds,
                          learning_rate=float(np.float32(0.005) * scale), **device_memory)

    common.train_epochs(a, device, data, model, step, model.errors, line)


if __name__ == "__main__":
    def options(p):
        p.add_argument("--plain", action="store_true", help="random negatives, no softmax head (the FF of most ports)")
        p.add_argument("--goodness", choices=["max-ssq", "min-ssq"], default="max-ssq",
                       help="positive data should make each layer's sum of squares high (max-ssq) or low")

    run(common.arguments(__doc__.split("\n")[0], options))
