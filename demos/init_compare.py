"""比较权重初始化 (compare weight initializations)：激活值 (activations) 和梯度 (gradients) 一层层怎样变化。

    python demos/init_compare.py [--seed 0] [--out DIR] [--layers 8] [--width 50] [--samples 100]

深的 tanh 网络和深的 ReLU 网络，分别用 zeros / normal / xavier / he 初始化，输入若干个 N(0, 1) 随机样本。
前向传播 (forward) 之后对每个样本的输出做反向传播 (backward)，于是每个隐藏层的激活 h 都有 h.grad = ∂out/∂h：
反向传播时从输出流回这一层的梯度。对每个隐藏层打印激活的均值 (mean)、标准差 (std)、tanh 饱和 (saturated) /
ReLU 输出 0 的比例，以及梯度的均方根 (RMS)：
- zeros：所有激活都是 0，同层神经元完全对称 (symmetric)，梯度也是 0，网络学不动。
- normal N(0, 1)：不随层宽缩放。tanh 几乎全部饱和在 ±1，局部导数 1 - t² ≈ 0，梯度越往前越小（梯度消失
  vanishing gradients）；ReLU 的激活每层放大约 √(宽度/2) 倍，梯度也一样逐层放大（爆炸 exploding）。
- xavier：方差按 2/(fan_in+fan_out) 缩放。对线性网络它让方差逐层不变；tanh 在 0 附近斜率为 1、离开 0 就变平，
  所以 tanh 的激活不饱和、但逐层缓慢变小。ReLU 每层砍掉一半方差，越来越小。
- he：方差按 2/fan_in 缩放，补偿 ReLU 砍掉的一半，ReLU 的激活和梯度各层保持稳定。
"""

import math
import random

from _common import parser, pyplot, run, save, t
from micrograd_zh import MLP, add_n

INITS = ('zeros', 'normal', 'xavier', 'he')


def layer_values(model, X):
    """每个隐藏层的全部激活值和它们的梯度 ∂out/∂h：两个列表的列表，第 i 个是第 i 层所有样本、所有神经元的。"""
    hidden = [[] for _ in model.layers[:-1]]
    outs = []
    for x in X:
        for i, layer in enumerate(model.layers[:-1]):
            x = layer(x)
            x = x if isinstance(x, list) else [x]
            hidden[i].extend(x)
        outs.append(model.layers[-1](x))
    add_n(outs).backward()                  # 各样本的图互不相连，所以 h.grad 就是这个样本的 ∂out/∂h
    return [[v.data for v in h] for h in hidden], [[v.grad for v in h] for h in hidden]


def stats(values, activation):
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / n)
    if activation == 'tanh':
        extreme = sum(abs(v) > 0.99 for v in values) / n       # 饱和 (saturated)：梯度 1 - t² ≈ 0
    else:
        extreme = sum(v <= 0.0 for v in values) / n            # 输出 0 的比例：这些样本上梯度为 0
    return mean, std, extreme


def rms(values):
    """均方根 (root mean square)：一组梯度的典型大小。"""
    return math.sqrt(sum(v * v for v in values) / len(values))


def main(argv=None):
    p = parser('比较四种初始化下深层网络的激活值和梯度 (activations and gradients under four initializations)',
               'init_compare')
    p.add_argument('--layers', type=int, default=8, help='隐藏层数 (hidden layers)，默认 8')
    p.add_argument('--width', type=int, default=50, help='每层宽度 (width)，默认 50')
    p.add_argument('--samples', type=int, default=100, help='输入样本数 (input samples)，默认 100')
    args = p.parse_args(argv)

    rng = random.Random(args.seed + 1)
    X = [[rng.gauss(0.0, 1.0) for _ in range(args.width)] for _ in range(args.samples)]
    results = {}
    for activation, extreme_name in (('tanh', '饱和 saturated |a|>0.99'), ('relu', '输出为 0 zero a=0')):
        print(f'\n== 深层 {activation} 网络 (deep {activation} MLP)：{args.layers} 个隐藏层 × {args.width} ==')
        for init in INITS:
            model = MLP(args.width, [args.width] * args.layers + [1], activation=activation, init=init,
                        seed=args.seed)
            acts, grads = layer_values(model, X)
            results[activation, init] = acts, grads
            print(f'-- {init}：每层 均值 mean / 标准差 std / {extreme_name} / 梯度均方根 RMS ∂out/∂h')
            for i, (values, g) in enumerate(zip(acts, grads), 1):
                mean, std, extreme = stats(values, activation)
                print(f'   第 {i} 层 (layer {i})  {mean:+10.4g}  {std:10.4g}  {100 * extreme:5.1f}%  {rms(g):10.4g}')
    last = {key: stats(acts[-1], key[0])[1] for key, (acts, _) in results.items()}
    first_grad = {key: rms(grads[0]) for key, (_, grads) in results.items()}
    print('\n结果 (result)，最后一个隐藏层激活的标准差 (std of the last hidden layer): ' +
          '，'.join(f'{a}/{i} {s:.3g}' for (a, i), s in last.items()))
    print('结果 (result)，第 1 个隐藏层的梯度均方根 (RMS gradient at the first hidden layer): ' +
          '，'.join(f'{a}/{i} {g:.3g}' for (a, i), g in first_grad.items()))

    plt = pyplot()
    if plt is None:
        return 0
    for activation in ('tanh', 'relu'):
        plot_activation(plt, results, activation, args)
    return 0


def plot_activation(plt, results, activation, args):
    """上面四行：每种初始化各层激活的直方图，同一行共用横轴，所以逐层变宽（爆炸）或变窄（消失）看得见；
    下面一行：各层激活的标准差和梯度的均方根，对数纵轴 (log scale)。"""
    fig = plt.figure(figsize=(1.6 * args.layers, 1.6 * len(INITS) + 3))
    grid = fig.add_gridspec(len(INITS) + 2, args.layers, height_ratios=[1] * len(INITS) + [0.35, 2.2])
    layers = range(1, args.layers + 1)
    for r, init in enumerate(INITS):
        acts = results[activation, init][0]
        first = None
        for c, values in enumerate(acts):
            ax = fig.add_subplot(grid[r, c], sharex=first)
            first = first or ax
            ax.hist(values, bins=40, color='C%d' % r)
            ax.text(0.97, 0.88, f'σ = {stats(values, activation)[1]:.2g}', transform=ax.transAxes,
                    ha='right', fontsize=7)                  # 标准差写在图上：横轴刻度太挤时也看得出大小
            ax.set_yticks([])
            ax.tick_params(labelsize=6)
            if r == 0:
                ax.set_title(t(f'第 {c + 1} 层', f'layer {c + 1}'), fontsize=9)
            if c == 0:
                ax.set_ylabel(init)
        if activation == 'tanh':
            first.set_xlim(-1.05, 1.05)
    half = args.layers // 2
    for k, (index, title) in enumerate(((0, t('各层激活的标准差', 'std of activations')),
                                        (1, t('各层梯度 ∂out/∂h 的均方根', 'RMS of gradients ∂out/∂h')))):
        ax = fig.add_subplot(grid[len(INITS) + 1, k * half:(k + 1) * half])
        for r, init in enumerate(INITS):
            series = [stats(v, activation)[1] if index == 0 else rms(v) for v in results[activation, init][index]]
            if any(s > 0 for s in series):
                ax.semilogy(layers, series, 'o-', color='C%d' % r, label=init)
            else:
                ax.plot([], [], 'o-', color='C%d' % r, label=t(f'{init}（全为 0，对数轴上画不出）',
                                                                f'{init} (all 0, not on a log axis)'))
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(t('隐藏层', 'hidden layer'))
        ax.legend(fontsize=7)
    fig.suptitle(t(f'深层 {activation} 网络：四种初始化下各层的激活和梯度',
                   f'deep {activation} MLP: activations and gradients per layer'))
    save(plt, fig, args.out, f'init_{activation}.png')


if __name__ == '__main__':
    run(main)
