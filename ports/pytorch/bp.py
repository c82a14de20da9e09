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
    widths = common.parse_layers(a.layers, data.input_size)
    model = BP(data.input_size, widths, a.seed, device)
    x_train = torch.tensor(data.x_train, device=device)
    y_train = torch.tensor(data.y_train, device=device)
    evals = [(torch.tensor(x, device=device), torch.tensor(yv, device=device)) if x is not None else None
             for x, yv in ((data.x_val, data.y_val), (data.x_test, data.y_test))]
    B = a.batch_size
    batches = len(data.x_train) // B
    if a.batches:
        batches = min(batches, a.batches)
    for epoch in range(1, a.epochs + 1):
        scale = common.learning_rate_scale(epoch, a.epochs)
        model.set_learning_rate_scale(scale)
        order = torch.tensor(common.epoch_order(a.seed, epoch, len(data.x_train)), device=device)
        loss = torch.zeros((), device=device)
        wrong = torch.zeros((), device=device, dtype=torch.int64)
        with common.Clock(device) as train:
            for i in range(batches):
                idx = order[i * B:(i + 1) * B]
                batch_loss, errors = model.train_batch(x_train[idx], y_train[idx])
                loss += batch_loss
                wrong += errors
            train_loss = loss.item()
        if not np.isfinite(train_loss):
            common.fail(f"epoch {epoch}: the loss is not finite (diverged)")
        seen = batches * B
        with common.Clock(device) as evaluation:
            rates = []
            for part in evals:
                if part is None:
                    rates.append(None)
                    continue
                x, yv = part
                rates.append(sum(model.errors(x[i:i + B], yv[i:i + B]) for i in range(0, len(yv), B)) / len(yv))
        common.epoch_line(epoch=epoch, train_loss=train_loss / seen, train_error=wrong.item() / seen, test_error=rates[1],
                          validation_error=rates[0], train_seconds=train.seconds, eval_seconds=evaluation.seconds,
                          learning_rate=float(np.float32(0.05) * scale))


if __name__ == "__main__":
    run(common.arguments(__doc__.split("\n")[0]))
