"""三条螺旋臂的多分类 (3-class spiral)：softmax 交叉熵 (softmax cross-entropy) + Adam。

    python demos/spiral.py [--seed 0] [--out DIR] [--steps 200] [--n 150]

线性分类器 (linear classifier) 在这里只能分对一半左右；MLP(2, [16, 16, 3]) 输出三个 logit，
用 cross_entropy（log-sum-exp，数值稳定）和 Adam（lr 0.05）整批训练，打印准确率，画决策区域。
"""

from _common import grid_predict, parser, plot_loss, pyplot, run, save, t
from micrograd_zh import MLP, no_grad
from micrograd_zh.data import make_spiral
from micrograd_zh.losses import cross_entropy
from micrograd_zh.optim import Adam
from micrograd_zh.train import fit


def argmax(values):
    return max(range(len(values)), key=lambda i: values[i].data)


def main(argv=None):
    p = parser('三类螺旋：softmax 交叉熵 + Adam (3-class spiral with softmax cross-entropy and Adam)', 'spiral')
    p.add_argument('--steps', type=int, default=200, help='训练步数 (training steps)，默认 200')
    p.add_argument('--n', type=int, default=150, help='样本数 (samples)，默认 150（每类 50）')
    args = p.parse_args(argv)

    X, y = make_spiral(args.n, classes=3, noise=0.2, seed=args.seed + 1)
    model = MLP(2, [16, 16, 3], activation='relu', seed=args.seed)
    print(f'网络 (network): {model}，{len(model.parameters())} 个参数 (parameters)')
    hist = fit(model, X, y, cross_entropy, Adam(model.parameters(), lr=0.05), epochs=args.steps,
               desc='训练 (train)')

    with no_grad():
        correct = sum(argmax(model(x)) == label for x, label in zip(X, y))
    acc = 100 * correct / len(X)
    print(f'结果 (result): 准确率 (accuracy) {correct}/{len(X)} = {acc:.1f}%，'
          f'最终交叉熵 (final cross-entropy) {hist["loss"][-1]:.5f}')

    plt = pyplot()
    if plt is None:
        return 0
    gx, gy, Z = grid_predict(lambda x: argmax(model(x)), X, steps=60, margin=0.2)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    axes[0].pcolormesh(gx, gy, Z, cmap='brg', vmin=0, vmax=2, alpha=0.3, shading='nearest')
    axes[0].scatter([x[0] for x in X], [x[1] for x in X], c=y, cmap='brg', vmin=0, vmax=2, edgecolors='k', s=25)
    axes[0].set_title(t(f'决策区域，准确率 {acc:.0f}%', f'decision regions, accuracy {acc:.0f}%'))
    plot_loss(axes[1], hist['loss'], t('softmax 交叉熵', 'softmax cross-entropy'))
    save(plt, fig, args.out, 'spiral.png')
    return 0


if __name__ == '__main__':
    run(main)
