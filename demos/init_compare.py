"""比较权重初始化 (compare weight initializations)：看激活值 (activations) 一层层怎样变化。

    python demos/init_compare.py [--seed 0] [--out DIR] [--layers 8] [--width 50]

深的 tanh 网络和深的 ReLU 网络，分别用 zeros / normal / xavier / he 初始化，输入 200 个 N(0, 1)
随机样本，打印每个隐藏层激活值的均值 (mean)、标准差 (std)，以及 tanh 饱和 (saturated) / ReLU 输出 0 的比例：
- zeros：所有激活都是 0，同层神经元完全对称 (symmetric)，梯度也是 0，网络学不动。
- normal N(0, 1)：不随层宽缩放。tanh 几乎全部饱和在 ±1（梯度消失 vanishing gradients）；
  ReLU 的激活每层放大约 √(宽度/2) 倍（爆炸 exploding）。
- xavier：方差按 2/(fan_in+fan_out) 缩放，tanh 的激活不饱和、逐层缓慢变小；ReLU 则每层减半方差，越来越小。
- he：方差按 2/fan_in 缩放，补偿 ReLU 砍掉的一半，ReLU 的激活各层保持稳定。
"""

import math
import random

from _common import parser, pyplot, run, save, t
from micrograd_zh import MLP, no_grad

INITS = ('zeros', 'normal', 'xavier', 'he')


def hidden_activations(model, X):
    """每个隐藏层的全部激活值：列表的列表，第 i 个是第 i 层所有样本、所有神经元的输出。"""
    layers = [[] for _ in model.layers[:-1]]
    with no_grad():
        for x in X:
            for i, layer in enumerate(model.layers[:-1]):
                x = layer(x)
                x = x if isinstance(x, list) else [x]
                layers[i].extend(v.data for v in x)
    return layers


def stats(values, activation):
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / n)
    if activation == 'tanh':
        extreme = sum(abs(v) > 0.99 for v in values) / n       # 饱和 (saturated)：梯度 1 - t² ≈ 0
    else:
        extreme = sum(v <= 0.0 for v in values) / n            # 输出 0 的比例：这些样本上梯度为 0
    return mean, std, extreme


def main(argv=None):
    p = parser('比较四种初始化下深层网络的激活值 (activation statistics under four initializations)',
               'init_compare')
    p.add_argument('--layers', type=int, default=8, help='隐藏层数 (hidden layers)，默认 8')
    p.add_argument('--width', type=int, default=50, help='每层宽度 (width)，默认 50')
    p.add_argument('--samples', type=int, default=200, help='输入样本数 (input samples)，默认 200')
    args = p.parse_args(argv)

    rng = random.Random(args.seed + 1)
    X = [[rng.gauss(0.0, 1.0) for _ in range(args.width)] for _ in range(args.samples)]
    results = {}
    for activation, extreme_name in (('tanh', '饱和 saturated |a|>0.99'), ('relu', '输出为 0 zero a=0')):
        print(f'\n== 深层 {activation} 网络 (deep {activation} MLP)：{args.layers} 个隐藏层 × {args.width} ==')
        for init in INITS:
            model = MLP(args.width, [args.width] * args.layers + [1], activation=activation, init=init,
                        seed=args.seed)
            acts = hidden_activations(model, X)
            results[activation, init] = acts
            print(f'-- {init}：每层 均值 mean / 标准差 std / {extreme_name}')
            for i, values in enumerate(acts, 1):
                mean, std, extreme = stats(values, activation)
                print(f'   第 {i} 层 (layer {i})  {mean:+10.4g}  {std:10.4g}  {100 * extreme:5.1f}%')
    last = {key: stats(acts[-1], key[0])[1] for key, acts in results.items()}
    print('\n结果 (result)，最后一个隐藏层的标准差 (std of the last hidden layer): ' +
          '，'.join(f'{a}/{i} {s:.3g}' for (a, i), s in last.items()))

    plt = pyplot()
    if plt is None:
        return 0
    for activation in ('tanh', 'relu'):
        fig, axes = plt.subplots(len(INITS), args.layers, figsize=(2 * args.layers, 2 * len(INITS)),
                                 squeeze=False)
        for r, init in enumerate(INITS):
            for c, values in enumerate(results[activation, init]):
                ax = axes[r][c]
                ax.hist(values, bins=40, color='C%d' % r)
                ax.set_yticks([])
                ax.tick_params(labelsize=6)
                if r == 0:
                    ax.set_title(t(f'第 {c + 1} 层', f'layer {c + 1}'), fontsize=9)
                if c == 0:
                    ax.set_ylabel(init)
        fig.suptitle(t(f'深层 {activation} 网络各层激活值的直方图', f'deep {activation} MLP: activations per layer'))
        save(plt, fig, args.out, f'init_{activation}.png')
    return 0


if __name__ == '__main__':
    run(main)
