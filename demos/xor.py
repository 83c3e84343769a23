"""异或 (XOR)：一条直线分不开，加一层隐藏层 (hidden layer) 就行。

    python demos/xor.py [--seed 0] [--out DIR] [--steps 1000]

网络 2-5-1：隐藏层 5 个 sigmoid 神经元，输出层线性，再接 sigmoid 得到概率，
用二元交叉熵 (binary cross-entropy) 和带动量的 SGD 训练，打印四个输入的预测。
最后画出训练好的网络对输入 (1, 0) 的计算图 (computation graph) xor_graph.svg，
每条边上是局部导数 (local derivative)；需要渲染器 (renderer)：pip install -e ".[viz]"。
"""

from _common import grid_predict, parser, plot_loss, pyplot, run, save, save_graph, t
from micrograd_zh import MLP, no_grad
from micrograd_zh.data import make_xor
from micrograd_zh.losses import binary_cross_entropy
from micrograd_zh.optim import SGD
from micrograd_zh.train import fit


def main(argv=None):
    p = parser('两层 sigmoid 网络学异或 (a 2-5-1 sigmoid network learns XOR)', 'xor')
    p.add_argument('--steps', type=int, default=1000, help='训练步数 (training steps)，默认 1000')
    args = p.parse_args(argv)

    X, y = make_xor()
    model = MLP(2, [5, 1], activation='sigmoid', seed=args.seed)
    prob = lambda x: model(x).sigmoid()           # 最后一层是线性的：sigmoid 把分数变成概率
    print(f'网络 (network): {model}，{len(model.parameters())} 个参数 (parameters)')
    hist = fit(prob, X, y, binary_cross_entropy,
               SGD(model.parameters(), lr=0.5, momentum=0.9), epochs=args.steps, desc='训练 (train)')

    print('预测 (predictions):')
    correct = 0
    with no_grad():
        for x, target in zip(X, y):
            q = prob(x).data
            ok = (q > 0.5) == (target == 1)
            correct += ok
            print(f'  {int(x[0])} XOR {int(x[1])} = {target}   预测概率 p = {q:.4f}   {"✓" if ok else "✗"}')
    print(f'结果 (result): {correct}/4 正确 (correct)，最终损失 (final loss) {hist["loss"][-1]:.5f}')
    trained_graph(model, prob, args.out)

    plt = pyplot()
    if plt is None:
        return 0
    gx, gy, Z = grid_predict(lambda x: prob(x).data, X, steps=80)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    cs = axes[0].contourf(gx, gy, Z, levels=20, cmap='RdBu_r', alpha=0.8)
    axes[0].contour(gx, gy, Z, levels=[0.5], colors='k')
    fig.colorbar(cs, ax=axes[0])
    axes[0].scatter([x[0] for x in X], [x[1] for x in X], c=y, cmap='RdBu_r', edgecolors='k', s=120)
    axes[0].set_title(t('决策边界 p = 0.5', 'decision boundary p = 0.5'))
    plot_loss(axes[1], hist['loss'], t('二元交叉熵', 'binary cross-entropy'))
    save(plt, fig, args.out, 'xor.png')
    return 0


def trained_graph(model, prob, out_dir):
    """训练好的网络对 (1, 0) 的计算图：做一次反向传播，图上有每个参数的梯度和每条边的局部导数。"""
    model.zero_grad()                    # 梯度会累加：先清掉训练最后一步留下的梯度
    model_out = prob([1.0, 0.0])
    model_out.label = 'p'
    model_out.backward()
    return save_graph(model_out, out_dir, 'xor_graph.svg')


if __name__ == '__main__':
    run(main)
