"""博客 000 的感知器 (perceptron)：用 numpy 逐样本梯度下降拟合 y = 3x + 1。

    python demos/seeds/e01_perceptron.py [--seed 0] [--torch]

博客的设置：训练集 1000 个点，x ~ N(0, 1)，y = 3x + 1 + 0.1·N(0, 1)；w、b 也从 N(0, 1) 随机开始；
损失是平方误差 (ŷ - y)²，它对 w 的导数 2(ŷ - y)·x，对 b 的导数 2(ŷ - y)；学习率 1e-4，
逐个样本 (per-sample) 更新，按原来的顺序，不打乱；每轮 (epoch) 打印 w、b、训练损失和验证损失
（验证集 333 个点，损失都是平方误差的平均）。博客说大约 30 轮后收敛。

博客没有固定随机种子，它的数字无法重现；这里用 random.Random(seed) 按博客的顺序抽数
（训练集 x、训练集噪声、w、b、验证集 x、验证集噪声），大小和超参数与博客相同。
装了 numpy 时，再把同一份数据和初始值交给博客的 numpy 程序跑一遍，并排对比。

为什么是 30 轮：每一步 w 离最优解的误差乘上 (1 - 2·lr·x²)，一轮 1000 步大约乘 e^(-2·lr·1000) = e^(-0.2)，
30 轮是 e^(-6) ≈ 0.25%：初始误差是几个单位，30 轮后只剩千分之几，损失就只剩噪声 0.1² = 0.01 了。
"""

import math
import random

from _seeds import parser, run, torch_line, want_numpy, want_torch
from micrograd_zh import Value
from micrograd_zh.optim import SGD
from micrograd_zh.train import evaluate
from micrograd_zh.losses import mse

A, B = 3.0, 1.0
N, N_VALID = 1000, 1000 // 3
LR, EPOCHS, NOISE = 1e-4, 30, 0.1


def make_data(seed):
    """按博客的顺序抽随机数：训练 x、训练噪声、w、b、验证 x、验证噪声。"""
    rng = random.Random(seed)
    x = [rng.gauss(0.0, 1.0) for _ in range(N)]
    y = [A * v + B + NOISE * rng.gauss(0.0, 1.0) for v in x]
    w0, b0 = rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)
    xv = [rng.gauss(0.0, 1.0) for _ in range(N_VALID)]
    yv = [A * v + B + NOISE * rng.gauss(0.0, 1.0) for v in xv]
    return (x, y), (xv, yv), (w0, b0)


def micrograd_run(train, valid, init, epochs):
    """micrograd_zh：每个样本建一次图，(ŷ - y)² 反向传播，SGD 更新。返回每轮的 (w, b, 训练损失, 验证损失)。"""
    w, b = Value(init[0], label='w'), Value(init[1], label='b')
    opt = SGD([w, b], lr=LR)

    def model(x):
        return w * x + b

    rows = []
    for _ in range(epochs):
        for x, y in zip(*train):
            opt.zero_grad()
            ((model(x) - y) ** 2).backward()
            opt.step()
        rows.append((w.data, b.data, evaluate(model, *train, mse), evaluate(model, *valid, mse)))
    return rows


def numpy_run(np, train, valid, init, epochs):
    """博客的 numpy 程序：同样的数据、同样的初始值。"""
    tx, ty = np.array([train[0]]), np.array([train[1]])
    vx, vy = np.array([valid[0]]), np.array([valid[1]])
    w, b = np.array([init[0]]), np.array([init[1]])
    rows = []
    for _ in range(epochs):
        for i in range(ty.shape[1]):
            x, y = tx[:, i], ty[:, i]
            gradient = 2 * (np.dot(w, x) + b - y)
            w -= gradient * LR * x
            b -= gradient * LR
        rows.append((w[0], b[0], np.sum(np.square(np.dot(w, tx) + b - ty)) / N,
                     np.sum(np.square(np.dot(w, vx) + b - vy)) / N_VALID))
    return [tuple(float(v) for v in row) for row in rows]


def main(argv=None):
    p = parser('numpy 感知器拟合 y = 3x + 1 (the post\'s numpy perceptron)')
    p.add_argument('--epochs', type=int, default=EPOCHS, help=f'训练轮数 (epochs)，博客是 {EPOCHS}')
    args = p.parse_args(argv)
    train, valid, init = make_data(args.seed)
    print(f'y = 3x + 1 + 0.1·N(0,1)：训练 {N} 点，验证 {N_VALID} 点，lr {LR:g}，逐样本 SGD，'
          f'初始 w = {init[0]!r}，b = {init[1]!r}')

    rows = micrograd_run(train, valid, init, args.epochs)
    for i, (w, b, lt, lv) in enumerate(rows):
        print(f'epoch:{i}/{args.epochs}  w = {w!r}  b = {b!r}  train_loss = {lt!r}  valid_loss = {lv!r}')
    w, b, lt, lv = rows[-1]
    near = next((i for i, row in enumerate(rows) if row[2] < 1.1 * NOISE ** 2), None)
    print(f'结果 (result): w = {w:.4f}，b = {b:.4f}，训练损失 {lt:.5f}，验证损失 {lv:.5f}'
          f'（噪声方差 noise variance {NOISE ** 2:g}）；训练损失第一次低于 1.1 × 0.01 是 '
          + (f'epoch:{near}' if near is not None else '还没有 (not yet)'))

    np = want_numpy('博客的 numpy 程序', "the post's numpy program")
    if np is not None:
        theirs = numpy_run(np, train, valid, init, args.epochs)
        diff = max(abs(a - c) / max(1.0, abs(c)) for r, s in zip(rows, theirs) for a, c in zip(r, s))
        print(f'numpy（博客的程序）最后一轮 (last epoch): w = {theirs[-1][0]!r}  b = {theirs[-1][1]!r}  '
              f'train_loss = {theirs[-1][2]!r}；与 micrograd_zh 每轮每个数的最大相对差 (max rel diff) {diff:.1e}')

    torch = want_torch(args)
    if torch is not None:
        tx = torch.tensor(train[0], dtype=torch.float64)
        ty = torch.tensor(train[1], dtype=torch.float64)
        w = torch.tensor(init[0], dtype=torch.float64, requires_grad=True)
        b = torch.tensor(init[1], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=LR)
        for _ in range(args.epochs):
            for x, y in zip(tx, ty):
                opt.zero_grad()
                ((w * x + b - y) ** 2).backward()
                opt.step()
        torch_line('float64', w.item(), b.item(), rows[-1][0], rows[-1][1])
    return 0


if __name__ == '__main__':
    run(main)
