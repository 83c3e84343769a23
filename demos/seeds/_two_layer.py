"""博客 001 第 1 节的两层 ReLU 网络：e03（numpy 手写梯度）和 e04（PyTorch 自动求导）共用的部分：
数据、micrograd_zh 上的训练、PyTorch 上的训练。

    h = relu(x·W1)，ŷ = h·W2，损失 = Σ (ŷ - y)²（平方误差和），W -= lr·∂损失/∂W

尺寸是博客的 N = 64、D_in = 1000、H = 100、D_out = 10，学习率 1e-6，没有偏置 (bias)，
x、y、W1、W2 全是标准正态随机数。micrograd_zh 一步要建约 650 万条边（64×100 个 1000 输入的点积），
在纯 Python 里约 1.5～2 秒，所以默认只跑前几步，--full 才跑满 500 步（约 15 分钟）。
"""

import random

from _seeds import parser
from micrograd_zh import Value, dot, paused_gc
from micrograd_zh.losses import sse

N, D_IN, H, D_OUT = 64, 1000, 100, 10
LR, ITERATIONS = 1e-6, 500
DEFAULT_ITERS = 5


def start(description, how, argv):
    """e03、e04 开头相同的几步：命令行、数据、打印设置、在 micrograd_zh 上训练。

    返回 (args, 步数, (x, y, W1, W2), micrograd_zh 每步的损失)。
    """
    p = parser(description)
    p.add_argument('--iters', type=int, default=DEFAULT_ITERS,
                   help=f'micrograd_zh 跑几步 (iterations on micrograd_zh)，默认 {DEFAULT_ITERS}（每步约 2 秒）')
    p.add_argument('--full', action='store_true',
                   help=f'micrograd_zh 也跑满博客的 {ITERATIONS} 步，约 15 分钟 (all {ITERATIONS} iterations, about 15 min)')
    args = p.parse_args(argv)
    steps = ITERATIONS if args.full else min(args.iters, ITERATIONS)
    data = make_data(args.seed)
    print(f'N={N}, D_in={D_IN}, H={H}, D_out={D_OUT}，lr {LR:g}，平方误差和，{how}；micrograd_zh 跑 {steps} 步')
    return args, steps, data, micrograd_losses(*data, steps)


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
        with paused_gc():                      # 这一步里暂停循环 GC：图没有引用环，用不着它（见 paused_gc）
            losses.append(_step(cols1, cols2, params, x, targets))
    return losses


def _step(cols1, cols2, params, x, targets):
    """一步：前向、清零、反向、更新；只返回损失的数值，图在返回时就释放了。"""
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
    return loss.data


def torch_losses(torch, x, y, w1, w2, steps, dtype=None):
    """PyTorch 自动求导版：返回每步更新前的损失。dtype 默认 float64；博客用的是 float32。"""
    dtype = dtype or torch.float64
    x, y = torch.tensor(x, dtype=dtype), torch.tensor(y, dtype=dtype)
    w1 = torch.tensor(w1, dtype=dtype, requires_grad=True)
    w2 = torch.tensor(w2, dtype=dtype, requires_grad=True)
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


def table(ours, theirs, name):
    """像博客那样每步打印一行“t 损失”：micrograd_zh 在前，另一种实现 (name) 在后，再加相对差。

    theirs 为 None（numpy / PyTorch 不可用）时只打印 micrograd_zh 的几行。返回前几步的最大相对差。
    """
    if theirs is None:
        for t, loss in enumerate(ours):
            print(f'{t} {loss!r}')
        return None
    print(f't  micrograd_zh 的损失 (loss)  {name} 的损失  相对差 (rel diff)')
    for t, loss in enumerate(theirs):
        mine = f'{ours[t]!r}  {loss!r}  {rel_diff(ours[t], loss):.1e}' if t < len(ours) else f'-  {loss!r}'
        print(f'{t} {mine}')
    return max(rel_diff(a, b) for a, b in zip(ours, theirs))
