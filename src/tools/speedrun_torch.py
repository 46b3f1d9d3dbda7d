#!/usr/bin/python3
"""Lesson 16's recipe in PyTorch: the yardstick for `make speedrun TORCH=1`.

The same network, the same held-out images, the same schedule, optimiser,
weight decay, label smoothing, random moves and test-time augmentation as
build/lessons/16_train_fast --full (src/speedrun.c), on PyTorch's CPU
kernels. Not the same random numbers (PyTorch draws its own), so the
accuracies are compared as means over seeds, not seed by seed. Prints one
line per seed and a summary:

    seed 1: validation 99.10%  test 99.21%  training 41.2 s wall, 80.3 s processor time

Run it through src/tools/bench_torch.sh (the fastest configuration this
machine allows: OpenBLAS with OpenMP, malloc keeping large blocks):

    TORCH_SCRIPT=src/tools/speedrun_torch.py sh src/tools/bench_torch.sh build --data data/mnist [--quick]

A short check (--limit N) needs enough steps: the recipe's warm-up is a
fraction of the steps, and with --limit 2000 (32 steps, 6 warming up) the
learning rate reaches 0.067 at the third step, while the weights are still
the random ones: that step throws the dense layer's logits far (the loss
went 2.45, 2.46, 6.9, 14.3), and the network ends at chance, ours
(build/lessons/16_train_fast --validation 58000) as well as this one. Give
such a check more epochs (--limit 2000 --epochs 8: 128 steps, 25 warming up).
"""
import argparse
import math
import os
import statistics
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VALIDATION = 5000


def read_idx(path, images):
    with open(path, "rb") as f:
        if images:
            magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
            raw = f.read(n * rows * cols)
            if magic != 0x803 or len(raw) != n * rows * cols:
                raise ValueError("%s: not an IDX image file of %d images" % (path, n))
            return torch.frombuffer(bytearray(raw), dtype=torch.uint8).reshape(n, 1, rows, cols)
        magic, n = struct.unpack(">II", f.read(8))
        raw = f.read(n)
        if magic != 0x801 or len(raw) != n:
            raise ValueError("%s: not an IDX label file of %d labels" % (path, n))
        return torch.frombuffer(bytearray(raw), dtype=torch.uint8).long()


class Net(nn.Module):
    """conv 16 3 same, maxpool 2, batchnorm, relu, conv 32 3 same, maxpool 2, batchnorm, relu, flatten,
    [dense HIDDEN, relu,] dense 10 (the full recipe has the hidden layer of 128, the quick one none;
    both pool first; pool_first=False: the full recipe's network of an earlier revision, normalising first)"""

    def __init__(self, c1=16, c2=32, pool_first=True, hidden=0):
        super().__init__()
        self.pool_first = pool_first                  # conv, maxpool, batchnorm, relu
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(c1)                 # eps 1e-5, momentum 0.1: src/batchnorm.h's
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(c2)
        self.hidden = nn.Linear(c2 * 7 * 7, hidden) if hidden else None
        self.fc = nn.Linear(hidden if hidden else c2 * 7 * 7, 10)

    def forward(self, x):
        if self.pool_first:
            x = F.relu(self.bn1(F.max_pool2d(self.conv1(x), 2)))
            x = F.relu(self.bn2(F.max_pool2d(self.conv2(x), 2)))
        else:
            x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
            x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        if self.hidden is not None:
            x = F.relu(self.hidden(x))
        return self.fc(x)


def moved(images, dy, dx, limit):
    """Each image i moved down by dy[i] and right by dx[i] pixels (|d| <= limit), black filling in."""
    n, _, h, w = images.shape
    padded = F.pad(images, (limit, limit, limit, limit))
    out = torch.empty_like(images)
    for a in range(-limit, limit + 1):
        for b in range(-limit, limit + 1):
            idx = ((dy == a) & (dx == b)).nonzero(as_tuple=True)[0]
            if idx.numel():
                out[idx] = padded[idx, :, limit - a:limit - a + h, limit - b:limit - b + w]
    return out


def one_cycle(t, T, W, peak):
    if t < 0 or t >= T:
        return 0.0
    return peak * t / W if t < W else peak * (T - t) / (T - W)


def accuracy(net, images, labels, tta):
    net.eval()
    views = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]   # ours, in order
    views = views[:{0: 1, 1: 5, 2: 9}[tta]]                  # tta 1: the one-pixel moves; 2: and the diagonals
    correct = 0
    with torch.no_grad():
        for first in range(0, images.shape[0], 1000):
            x = images[first:first + 1000]
            probs = 0
            for dy, dx in views:
                n = x.shape[0]
                shifted = moved(x, torch.full((n,), dy), torch.full((n,), dx), 1) if (dy or dx) else x
                probs = probs + F.softmax(net(shifted), dim=1)
            correct += (probs.argmax(1) == labels[first:first + 1000]).sum().item()
    return correct / images.shape[0]


def train(seed, recipe, train_x, train_y):
    torch.manual_seed(seed)
    net = Net(pool_first=recipe["pool_first"], hidden=recipe["hidden"])
    opt = torch.optim.SGD(net.parameters(), lr=0.0, momentum=recipe["momentum"], nesterov=True,
                          weight_decay=recipe["weight_decay"])
    n, batch = train_x.shape[0], recipe["batch"]
    per_epoch = (n + batch - 1) // batch
    T = per_epoch * recipe["epochs"]
    W = int(recipe["warmup"] * T)
    step = 0
    gen = torch.Generator().manual_seed(seed + 1)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for epoch in range(recipe["epochs"]):
        net.train()
        order = torch.randperm(n, generator=gen)
        s = recipe["shift"]
        dy = torch.randint(-s, s + 1, (n,), generator=gen)
        dx = torch.randint(-s, s + 1, (n,), generator=gen)
        x_epoch = moved(train_x, dy, dx, s) if s > 0 else train_x      # this epoch's moves, as ours draws them
        for first in range(0, n, batch):
            idx = order[first:first + batch]
            for g in opt.param_groups:
                g["lr"] = one_cycle(step, T, W, recipe["lr"])
            loss = F.cross_entropy(net(x_epoch[idx]), train_y[idx], label_smoothing=recipe["smoothing"])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if not math.isfinite(loss.item()):
                sys.exit("speedrun_torch: the loss is %s at step %d" % (loss.item(), step))
    return net, time.perf_counter() - wall0, time.process_time() - cpu0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data/mnist")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="the quick recipe (1 epoch, moves of 1 pixel)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N images only (a check that it runs)")
    ap.add_argument("--epochs", type=int, default=0, help="the recipe's epochs, replaced (a --limit check needs more)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    recipe = dict(epochs=6, batch=128, lr=0.2, warmup=0.2, momentum=0.9, weight_decay=5e-4, smoothing=0.0,
                  shift=2, tta=2, pool_first=True, hidden=128)
    if a.quick:
        recipe.update(epochs=1, shift=1, smoothing=0.1, tta=1, hidden=0)
    if a.epochs > 0:
        recipe.update(epochs=a.epochs)
    try:
        images = read_idx(os.path.join(a.data, "train-images-idx3-ubyte"), True).float() / 255.0
        labels = read_idx(os.path.join(a.data, "train-labels-idx1-ubyte"), False)
        test_x = read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte"), True).float() / 255.0
        test_y = read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte"), False)
    except (OSError, ValueError, struct.error) as e:
        sys.exit("speedrun_torch: %s" % e)
    n_train = images.shape[0] - VALIDATION
    if n_train < 1:
        sys.exit("speedrun_torch: %d training images, fewer than the %d held out" % (images.shape[0], VALIDATION))
    if 0 < a.limit < n_train:
        n_train = a.limit
    print("PyTorch %s, %d threads: %s recipe, %d training images, the last %d held out" %
          (torch.__version__, a.threads, "quick" if a.quick else "full", n_train, VALIDATION))
    accs, walls, cpus = [], [], []
    for seed in range(1, a.seeds + 1):
        net, wall, cpu = train(seed, recipe, images[:n_train], labels[:n_train])
        held = images.shape[0] - VALIDATION
        val = accuracy(net, images[held:], labels[held:], recipe["tta"])
        test = accuracy(net, test_x, test_y, recipe["tta"])
        accs.append(test)
        walls.append(wall)
        cpus.append(cpu)
        print("  seed %d: validation %.2f%%  test %.2f%%  training %.1f s wall, %.1f s processor time" %
              (seed, 100 * val, 100 * test, wall, cpu))
        sys.stdout.flush()
    sd = statistics.stdev(accs) if len(accs) > 1 else float("nan")
    print("PyTorch test accuracy over %d seed(s): mean %.2f%%, sd %.2f, lowest %.2f%%, highest %.2f%%" %
          (len(accs), 100 * statistics.mean(accs), 100 * sd, 100 * min(accs), 100 * max(accs)))
    print("PyTorch training time per seed: %.1f s wall, %.1f s processor time" %
          (statistics.mean(walls), statistics.mean(cpus)))


if __name__ == "__main__":
    main()
