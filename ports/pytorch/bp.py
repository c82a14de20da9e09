"""Backpropagation in PyTorch with the settings of ffbench's BP baseline:
the same hidden ReLU stack as FF on the raw pixels, a 10-way linear output
layer, softmax cross-entropy averaged over the batch, weights N(0, 1/fan_in)
from ffbench's generator (biases 0), and torch's own SGD with lr 0.05,
momentum 0.9 and weight decay 1e-4 in the gradient (none on biases) — the
same update as ffbench's, since with no dampening torch's first momentum
step equals ffbench's — constant for half the epochs, then linear decay.
Prints one ffbench epoch line per epoch (train seconds exclude evaluation).

--layers lc2, lc3 or lcN:UxK: ffbench's locally connected stacks (Hinton
2022, CIFAR-10) instead of dense layers, over the image centred on the
training set's mean image on CIFAR-10, as ffbench's locally connected BP.

BP's two memory-saving variants, as ffbench's `train` has them:
--micro-batch M splits each batch into ceil(B/M) micro-batches whose
gradients accumulate (each micro-batch's summed loss over B), then takes one
optimizer step; --checkpoint K|sqrt keeps the activations of every K-th
hidden layer only (sqrt: K = ceil(sqrt(L))) and recomputes the rest in the
backward pass, through torch.utils.checkpoint.checkpoint_sequential with
ceil(L/K) segments.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

import common

LABELS = 10


class BP:
    def __init__(self, input_size, widths, seed, device, micro_batch=None, checkpoint=None, local=None, input_mean=None):
        """local: the locally connected layers' shapes (common.local_shapes); widths are then ignored."""
        self.micro_batch = micro_batch
        self.local = local
        self.input_mean = None if input_mean is None else torch.tensor(input_mean, device=device)
        rng = common.RNG(seed, common.INIT_STREAM)
        if local:
            widths = [common.local_size(shape)[0] for shape in local]
            hidden = [common.init_local(rng, shape) for shape in local]
        else:
            hidden = [common.init_weight(rng, ([input_size] + widths)[l], widths[l]) for l in range(len(widths))]
        self.segments = segments(checkpoint, len(widths))
        matrices = hidden + [common.init_weight(rng, widths[-1], LABELS)]
        self.weights = [torch.tensor(m, device=device, requires_grad=True) for m in matrices]
        self.biases = [torch.zeros(n, device=device, requires_grad=True) for n in widths + [LABELS]]
        self.optimizer = torch.optim.SGD([dict(params=self.weights, weight_decay=1e-4, base_lr=0.05),
                                          dict(params=self.biases, weight_decay=0.0, base_lr=0.05)],
                                         lr=0.05, momentum=0.9, dampening=0)

    def set_learning_rate_scale(self, scale):
        for g in self.optimizer.param_groups:
            g["lr"] = float(np.float32(g["base_lr"]) * scale)

    def hidden(self):
        if self.local:
            return [lambda x, W=W, b=b, shape=shape, l=l: torch.relu(common.local_product(x, W, shape, planar=l == 0 and shape["in_channels"] > 1) + b)
                    for l, (W, b, shape) in enumerate(zip(self.weights[:-1], self.biases[:-1], self.local))]
        return [lambda x, W=W, b=b: torch.relu(x @ W + b) for W, b in zip(self.weights[:-1], self.biases[:-1])]

    def logits(self, x):
        if self.input_mean is not None:
            x = x - self.input_mean
        layers = self.hidden()
        if self.segments and torch.is_grad_enabled():
            x = torch.utils.checkpoint.checkpoint_sequential(layers, self.segments, x, use_reentrant=False)
        else:
            for layer in layers:
                x = layer(x)
        return x @ self.weights[-1] + self.biases[-1]

    def train_batch(self, x, y):
        """One step, over micro-batches when asked; (summed cross-entropy, errors) as tensors."""
        self.optimizer.zero_grad()
        B = len(y)
        M = self.micro_batch or B
        loss, wrong = torch.zeros((), device=x.device), torch.zeros((), device=x.device, dtype=torch.int64)
        for i in range(0, B, M):
            logits = self.logits(x[i:i + M])
            part = F.cross_entropy(logits, y[i:i + M], reduction="sum")
            (part / B).backward()
            loss += part.detach()
            wrong += (logits.detach().argmax(dim=1) != y[i:i + M]).sum()
        self.optimizer.step()
        return loss, wrong

    def momentum_state(self, p):
        """momentum x buffer, what ffbench keeps between steps."""
        return self.optimizer.state[p]["momentum_buffer"] * 0.9

    @torch.no_grad()
    def errors(self, x, y):
        return (self.logits(x).argmax(dim=1) != y).sum().item()


def segments(checkpoint, depth):
    """checkpoint_sequential's segment count for ffbench's --checkpoint K|sqrt over `depth` hidden layers (None: off)."""
    if checkpoint is None:
        return None
    span = math.ceil(math.sqrt(depth)) if checkpoint == "sqrt" else int(checkpoint)
    if span < 1:
        raise SystemExit(f"--checkpoint {checkpoint}: expected a whole number of layers of 1 or more, or sqrt")
    return math.ceil(depth / span)


def run(a):
    device = common.setup_torch(a)
    data = common.Data(a.dataset, a.data_dir, a.validation)
    if a.micro_batch is not None and a.micro_batch < 1:
        raise SystemExit(f"--micro-batch {a.micro_batch}: expected 1 or more")
    local = common.local_shapes(a.layers, a.dataset)
    model = BP(data.input_size, None if local else common.parse_layers(a.layers, data.input_size), a.seed, device,
               micro_batch=a.micro_batch, checkpoint=a.checkpoint, local=local,
               input_mean=data.mean_image() if local and a.dataset == "cifar10" else None)

    def line(epoch, scale, loss, train_error, val, test, train_seconds, eval_seconds, **device_memory):
        common.epoch_line(epoch=epoch, train_loss=loss, train_error=train_error, test_error=test[0],
                          validation_error=val[0] if val else None, train_seconds=train_seconds,
                          eval_seconds=eval_seconds, learning_rate=float(np.float32(0.05) * scale), **device_memory)

    common.train_epochs(a, device, data, model, model.train_batch, lambda x, y: (model.errors(x, y),), line)


if __name__ == "__main__":
    def options(p):
        p.add_argument("--micro-batch", type=int, default=None, help="accumulate gradients over micro-batches of this size")
        p.add_argument("--checkpoint", default=None, help="keep every K-th hidden layer's activations (K or sqrt)")

    run(common.arguments(__doc__.split("\n")[0], options))
