"""博客 001 第 1 节的两层 ReLU 网络：e03（numpy 手写梯度）和 e04（PyTorch 自动求导）共用的部分：
数据、micrograd_zh 上的训练、PyTorch 上的训练。

    h = relu(x·W1)，ŷ = h·W2，损失 = Σ (ŷ - y)²（平方误差和），W -= lr·∂损失/∂W

尺寸是博客的 N = 64、D_in = 1000、H = 100、D_out = 10，学习率 1e-6，没有偏置 (bias)，
x、y、W1、W2 全是标准正态随机数。micrograd_zh 一步要建约 650 万条边（64×100 个 1000 输入的点积），
在纯 Python 里约 1.5～2 秒，所以默认只跑前几步，--full 才跑满 500 步（约 15 分钟）。
"""

import random

from micrograd_zh import Value, dot
from micrograd_zh.losses import sse

N, D_IN, H, D_OUT = 64, 1000, 100, 10
LR, ITERATIONS = 1e-6, 500
DEFAULT_ITERS = 5


def add_arguments(p):
    p.add_argument('--iters', type=int, default=DEFAULT_ITERS,
                   help=f'micrograd_zh 跑几步 (iterations on micrograd_zh)，默认 {DEFAULT_ITERS}（每步约 2 秒）')
    p.add_argument('--full', action='store_true',
                   help=f'micrograd_zh 也跑满博客的 {ITERATIONS} 步，约 15 分钟 (all {ITERATIONS} iterations, about 15 min)')


def iterations(args):
    return ITERATIONS if args.full else min(args.iters, ITERATIONS)


def make_data(seed):
    """按博客 numpy 程序的顺序抽：x (N×D_in)、y (N×D_out)、W1 (D_in×H)、W2 (H×D_out)。都是普通列表。"""
    rng = random.Random(seed)

    def randn(rows, cols):
        return [[rng.gauss(0.0, 1.0) for _ in range(cols)] for _ in range(rows)]

    return randn(N, D_IN), randn(N, D_OUT), randn(D_IN, H), randn(H, D_OUT)


def micrograd_losses(x, y, w1, w2, steps):
    """在 micrograd_zh 上训练 steps 步，返回每步更新前的损失（与博客 print(t, loss) 打印的是同一个数）。

    W1 按列存：W1 的第 j 列是隐藏单元 j 的 1000 个权重，h[n][j] = dot(第 j 列, x[n]) 是一个 'Σ' 节点。
    """
    cols1 = [[Value(w1[i][j]) for i in range(D_IN)] for j in range(H)]
    cols2 = [[Value(w2[j][k]) for j in range(H)] for k in range(D_OUT)]
    params = [p for col in cols1 + cols2 for p in col]
    targets = [v for row in y for v in row]
    losses = []
    for _ in range(steps):
        preds = []
        for row in x:
            h = [dot(col, row).relu() for col in cols1]
            preds += [dot(col, h) for col in cols2]
        loss = sse(preds, targets)
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        losses.append(loss.data)
    return losses


def torch_losses(torch, x, y, w1, w2, steps):
    """PyTorch 自动求导版：返回每步更新前的损失。"""
    x, y = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    w1 = torch.tensor(w1, dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(w2, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(steps):
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= LR * w1.grad
            w2 -= LR * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return losses


def rel_diff(a, b):
    return abs(a - b) / abs(b)
