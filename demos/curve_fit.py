"""拟合曲线 (fit a curve)：ReLU 网络用折线 (piecewise-linear) 逼近 y = x²。

    python demos/curve_fit.py [--seed 0] [--out DIR] [--steps 1000]

100 个点，x ~ U(-1, 1)，y = x² + N(0, 0.05²)；网络 1-10-1（隐藏层 10 个 ReLU），
均方误差 (MSE)，整批 SGD，学习率 0.2。每个 ReLU 贡献一个折点 (kink)，合起来就是一条折线。
"""

import random

from _common import parser, plot_loss, pyplot, run, save, t
from micrograd_zh import MLP, no_grad
from micrograd_zh.losses import mse
from micrograd_zh.optim import SGD
from micrograd_zh.train import fit


def main(argv=None):
    p = parser('1-10-1 ReLU 网络拟合 y = x² (a 1-10-1 ReLU network fits y = x^2)', 'curve_fit')
    p.add_argument('--steps', type=int, default=1000, help='训练步数 (training steps)，默认 1000')
    args = p.parse_args(argv)

    rng = random.Random(args.seed + 1)            # 数据和权重用不同的随机流 (separate streams)
    X = [rng.uniform(-1.0, 1.0) for _ in range(100)]
    y = [x * x + rng.gauss(0.0, 0.05) for x in X]
    model = MLP(1, [10, 1], activation='relu', seed=args.seed)
    print(f'网络 (network): {model}，{len(model.parameters())} 个参数 (parameters)')
    hist = fit(model, X, y, mse, SGD(model.parameters(), lr=0.2), epochs=args.steps, desc='训练 (train)')

    with no_grad():
        grid = [-1.0 + 2.0 * i / 200 for i in range(201)]
        fitted = [model(x).data for x in grid]
    worst = max(abs(f - x * x) for f, x in zip(fitted, grid))
    print(f'结果 (result): 训练 MSE (train MSE) {hist["loss"][-1]:.5f}（噪声方差 noise variance 0.0025），'
          f'与 x² 的最大偏差 (max |f(x) - x²|) {worst:.4f}')

    plt = pyplot()
    if plt is None:
        return 0
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    axes[0].scatter(X, y, s=10, alpha=0.6, label=t('数据', 'data'))
    axes[0].plot(grid, [x * x for x in grid], 'k--', label='x²')
    axes[0].plot(grid, fitted, 'r', label=t('网络', 'network'))
    axes[0].legend()
    axes[0].set_title(t('1-10-1 ReLU 网络', '1-10-1 ReLU network'))
    plot_loss(axes[1], hist['loss'], 'MSE')
    save(plt, fig, args.out, 'curve_fit.png')
    return 0


if __name__ == '__main__':
    run(main)
