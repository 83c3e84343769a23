"""micrograd 的经典示例 (micrograd's classic demo)：两个半月 (two moons) 的二分类。

    python demos/moons.py [--seed 0] [--out DIR] [--steps 100]

MLP(2, [16, 16, 1])，337 个参数，权重 U(-1, 1)（micrograd 的初始化），
损失 = hinge（最大间隔 max-margin）+ 1e-4·Σp²（L2 正则），SGD，学习率从 1.0 线性降到 0.1，100 步整批。
"""

from _common import grid_predict, parser, plot_loss, pyplot, run, save, t
from micrograd_zh import MLP, no_grad
from micrograd_zh.data import make_moons
from micrograd_zh.losses import hinge, l2_penalty
from micrograd_zh.optim import SGD
from micrograd_zh.train import fit


def main(argv=None):
    p = parser('MLP(2, [16, 16, 1]) 分开两个半月 (micrograd\'s two-moons demo)', 'moons')
    p.add_argument('--steps', type=int, default=100, help='训练步数 (training steps)，默认 100')
    args = p.parse_args(argv)

    X, y01 = make_moons(100, noise=0.1, seed=args.seed + 1)
    y = [2 * c - 1 for c in y01]                       # hinge 损失的标签是 -1 和 +1
    model = MLP(2, [16, 16, 1], init='uniform', seed=args.seed)
    print(f'网络 (network): {model}，{len(model.parameters())} 个参数 (parameters)')

    def loss_fn(scores, labels):
        return hinge(scores, labels) + l2_penalty(model.parameters(), 1e-4)

    steps = args.steps
    optimizer = SGD(model.parameters(), lr=lambda k: 1.0 - 0.9 * k / steps)
    hist = fit(model, X, y, loss_fn, optimizer, epochs=steps, desc='训练 (train)')

    with no_grad():
        correct = sum((model(x).data > 0) == (label > 0) for x, label in zip(X, y))
    print(f'结果 (result): 准确率 (accuracy) {correct}/{len(X)} = {100 * correct / len(X):.0f}%，'
          f'最终损失 (final loss) {hist["loss"][-1]:.5f}')

    plt = pyplot()
    if plt is None:
        return 0
    gx, gy, Z = grid_predict(lambda x: model(x).data, X, steps=60)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    axes[0].contourf(gx, gy, [[1 if z > 0 else 0 for z in row] for row in Z], levels=[-0.5, 0.5, 1.5],
                     cmap='Spectral', alpha=0.6)
    axes[0].scatter([x[0] for x in X], [x[1] for x in X], c=y, cmap='Spectral', edgecolors='k', s=30)
    acc = 100 * correct / len(X)
    axes[0].set_title(t(f'决策边界，准确率 {acc:.0f}%', f'decision boundary, accuracy {acc:.0f}%'))
    plot_loss(axes[1], hist['loss'], t('hinge + L2 损失', 'hinge + L2 loss'))
    save(plt, fig, args.out, 'moons.png')
    return 0


if __name__ == '__main__':
    run(main)
