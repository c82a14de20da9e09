"""Backpropagation in PyTorch with the settings of ffbench's BP baseline:
the same hidden ReLU stack as FF on the raw pixels, a 10-way linear output
layer, softmax cross-entropy averaged over the batch, weights N(0, 1/fan_in)
from ffbench's generator (biases 0), and torch's own SGD with lr 0.05,
momentum 0.9 and weight decay 1e-4 in the gradient (none on biases) — the
same update as ffbench's, since with no dampening torch's first momentum
step equals ffbench's — constant for half the epochs, then linear decay.
Prints one ffbench epoch line per epoch (train seconds exclude evaluation).
"""
import numpy as np
import torch
import torch.nn.functional as F

import common

LABELS = 10


class BP:
    def __init__(self, input_size, widths, seed, device):
        rng = common.RNG(seed, common.INIT_STREAM)
        sizes = [input_size] + widths + [LABELS]
        self.weights = [torch.tensor(common.init_weight(rng, sizes[l], sizes[l + 1]), device=device, requires_grad=True)
                        for l in range(len(sizes) - 1)]
        self.biases = [torch.zeros(sizes[l + 1], device=device, requires_grad=True) for l in range(len(sizes) - 1)]
        self.optimizer = torch.optim.SGD([dict(params=self.weights, weight_decay=1e-4, base_lr=0.05),
                                          dict(params=self.biases, weight_decay=0.0, base_lr=0.05)],
                                         lr=0.05, momentum=0.9, dampening=0)

    def set_learning_rate_scale(self, scale):
        for g in self.optimizer.param_groups:
            g["lr"] = float(np.float32(g["base_lr"]) * scale)

    def logits(self, x):
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            x = torch.relu(x @ W + b)
        return x @ self.weights[-1] + self.biases[-1]

    def train_batch(self, x, y):
        """One step; (summed cross-entropy, errors) as tensors."""
        self.optimizer.zero_grad()
        logits = self.logits(x)
        loss = F.cross_entropy(logits, y, reduction="sum")
        (loss / len(y)).backward()
        self.optimizer.step()
        return loss.detach(), (logits.detach().argmax(dim=1) != y).sum()

    def momentum_state(self, p):
        """momentum x buffer, what ffbench keeps between steps."""
        return self.optimizer.state[p]["momentum_buffer"] * 0.9

    @torch.no_grad()
    def errors(self, x, y):
        return (self.logits(x).argmax(dim=1) != y).sum().item()


def run(a):
    device = common.setup_torch(a)
    data = common.Data(a.dataset, a.data_dir, a.validation)
    model = BP(data.input_size, common.parse_layers(a.layers, data.input_size), a.seed, device)

    def line(epoch, scale, loss, train_error, val, test, train_seconds, eval_seconds):
        common.epoch_line(epoch=epoch, train_loss=loss, train_error=train_error, test_error=test[0],
                          validation_error=val[0] if val else None, train_seconds=train_seconds,
                          eval_seconds=eval_seconds, learning_rate=float(np.float32(0.05) * scale))

    common.train_epochs(a, device, data, model, model.train_batch, lambda x, y: (model.errors(x, y),), line)


if __name__ == "__main__":
    run(common.arguments(__doc__.split("\n")[0]))
