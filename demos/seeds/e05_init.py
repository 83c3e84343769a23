"""博客 001 第 2 节“设定初始值”：全零、randn、Xavier、He 四种初始化下，深层网络各层的输出。

    python demos/seeds/e05_init.py [--seed 0] [--out DIR] [--layers 10] [--width 100] [--samples 100] [--torch]

博客只有文字，没有程序。它说：
(1) 全零初始化不行，每个神经元学到的东西都一样；
(2) 用 np.random.randn 随机初始化，层数一多，越往后的 tanh 层输出几乎都接近 0；
(3) Xavier 让输入和输出的分布相同，适合 tanh，但对 ReLU 无能为力；
(4) He 初始化针对 ReLU。

这里把它做成实验：10 层、每层 100 个神经元、没有偏置 (bias) 的 tanh 网络和 ReLU 网络，输入 100 个
N(0, 1) 的样本，打印每层输出的标准差 (std)，画出每层输出的直方图 (histogram)。除了博客的四种，
还加了一种 0.01·randn（“很小的随机数”）。结果回答 (2)：
- randn（标准差 1）的 tanh 网络恰恰相反：每层的输入 z = Σ wᵢaᵢ 的标准差约为 √100 = 10 倍，
  tanh 被推到 ±1，几乎全部饱和 (saturated)，输出的标准差接近 1，而不是 0。饱和处 tanh 的导数 1 - a² ≈ 0，
  梯度一样传不回去，这才是 randn 的毛病。
- 输出“几乎都接近 0”的是 0.01·randn：每层把标准差乘上约 0.01·√100 = 0.1，十层之后只剩 1e-10 量级。
  博客这句话对“很小的随机数”成立，对 randn 本身不成立。
- ReLU 网络里 randn 和 0.01·randn 的直方图形状一模一样，只差一个比例：ReLU 是正齐次的，
  relu(c·z) = c·relu(z)（c > 0），所以第 k 层正好差 0.01ᵏ 倍：一个爆炸 (exploding)，一个消失 (vanishing)。
- Xavier（方差 2/(fan_in + fan_out)，方形的层就是 1/fan_in）让 tanh 各层的标准差只缓慢变小；ReLU 用 Xavier 每层丢掉一半方差，
  越来越小；He（方差 2/fan_in）把这一半补回来，ReLU 各层保持稳定。全零时所有输出都是 0。
"""

import math
import random
import statistics
from operator import mul

from _seeds import parser, pyplot, run, save, t, want_torch
from micrograd_zh import MLP

INITS = ('zeros', 'randn', '0.01·randn', 'xavier', 'he')


def build(width, layers, activation, init, seed):
    """没有偏置的深层网络：MLP 的偏置本来就从 0 开始；0.01·randn 就是 randn 的权重乘 0.01。"""
    model = MLP(width, [width] * layers + [1], activation=activation,
                init={'randn': 'normal', '0.01·randn': 'normal'}.get(init, init), seed=seed)
    if init == '0.01·randn':
        for p in model.parameters():
            p.data *= 0.01
    return model


def layer_outputs(model, X, activation):
    """每个隐藏层的全部输出（所有样本、所有神经元摊平成一个列表）。

    这里只看数值、不要梯度，所以直接用参数的 .data 做浮点运算：比逐个建 Value 节点快几十倍，数值相同。
    """
    f = math.tanh if activation == 'tanh' else (lambda z: z if z > 0.0 else 0.0)
    outputs, batch = [], X
    for layer in model.layers[:-1]:
        rows = [([w.data for w in n.w], n.b.data) for n in layer.neurons]
        batch = [[f(sum(map(mul, w, a)) + b) for w, b in rows] for a in batch]
        outputs.append([v for a in batch for v in a])
    return outputs


def describe(values):
    """标准差 (std)、|a| < 0.01 的比例（≈ 0）和 |a| > 0.99 的比例（tanh 饱和）。"""
    n = len(values)
    return (statistics.pstdev(values), sum(abs(v) < 0.01 for v in values) / n,
            sum(abs(v) > 0.99 for v in values) / n)


def torch_last_std(torch, activation, init, width, layers, samples, seed):
    """同样的实验用 PyTorch 的 nn.init 函数（随机数不同，分布相同）：返回最后一层输出的标准差。"""
    torch.manual_seed(seed)
    a = torch.randn(samples, width, dtype=torch.float64)
    for _ in range(layers):
        w = torch.empty(width, width, dtype=torch.float64)
        if init == 'zeros':
            torch.nn.init.zeros_(w)
        elif init == 'randn':
            torch.nn.init.normal_(w, std=1.0)
        elif init == '0.01·randn':
            torch.nn.init.normal_(w, std=0.01)
        elif init == 'xavier':
            torch.nn.init.xavier_normal_(w)
        else:
            torch.nn.init.kaiming_normal_(w, nonlinearity='relu')
        a = getattr(torch, activation)(a @ w.T)
    return a.std(unbiased=False).item()


def main(argv=None):
    p = parser('深层网络的四种初始化 (weight initialization in deep tanh / ReLU networks)', 'e05_init')
    p.add_argument('--layers', type=int, default=10, help='隐藏层数 (hidden layers)，默认 10')
    p.add_argument('--width', type=int, default=100, help='每层神经元数 (width)，默认 100')
    p.add_argument('--samples', type=int, default=100, help='输入样本数 (samples)，默认 100')
    args = p.parse_args(argv)
    rng = random.Random(args.seed + 1)
    X = [[rng.gauss(0.0, 1.0) for _ in range(args.width)] for _ in range(args.samples)]
    print(f'{args.layers} 层 × {args.width} 个神经元，无偏置，输入 {args.samples} 个 N(0,1) 样本；每层输出的标准差 (std per layer)：')

    acts = {}
    for activation in ('tanh', 'relu'):
        print(f'== {activation} ==')
        for init in INITS:
            model = build(args.width, args.layers, activation, init, args.seed)
            acts[activation, init] = layer_outputs(model, X, activation)
            stds = [describe(layer)[0] for layer in acts[activation, init]]
            print(f'{init:>11}: ' + ' '.join(f'{s:.3g}' for s in stds))
        last = {init: describe(acts[activation, init][-1]) for init in INITS}
        print(f'   最后一层 (last layer): ' + '；'.join(
            f'{init} std {s:.3g}，≈0 占 {100 * z:.0f}%' + (f'，饱和 {100 * sat:.0f}%' if activation == 'tanh' else '')
            for init, (s, z, sat) in last.items()))
    tanh_randn, tanh_small = describe(acts['tanh', 'randn'][-1]), describe(acts['tanh', '0.01·randn'][-1])
    print(f'结果 (result): randn 的 tanh 网络最后一层 std {tanh_randn[0]:.3f}、{100 * tanh_randn[2]:.0f}% 饱和在 ±1'
          f'（不是接近 0）；0.01·randn 的最后一层 std {tanh_small[0]:.3g}（这才接近 0）')

    torch = want_torch(args)
    if torch is not None:
        for activation in ('tanh', 'relu'):
            print(f'PyTorch nn.init，{activation}，最后一层 std: ' + '；'.join(
                f'{init} {torch_last_std(torch, activation, init, args.width, args.layers, args.samples, args.seed):.3g}'
                for init in INITS))

    plt = pyplot()
    if plt is None:
        return 0
    for activation in ('tanh', 'relu'):
        fig, axes = plt.subplots(len(INITS), args.layers, figsize=(1.6 * args.layers, 1.5 * len(INITS)),
                                 squeeze=False)
        for r, init in enumerate(INITS):
            for c, values in enumerate(acts[activation, init]):
                ax = axes[r][c]
                ax.hist(values, bins=30, range=(-1, 1) if activation == 'tanh' else None, color=f'C{r}',
                        histtype='stepfilled')
                ax.set_yticks([])
                ax.tick_params(labelsize=5, labelbottom=activation == 'tanh' and r == len(INITS) - 1)
                ax.text(0.97, 0.93, f'std {statistics.pstdev(values):.2g}', transform=ax.transAxes,
                        ha='right', va='top', fontsize=6)
                if r == 0:
                    ax.set_title(t(f'第 {c + 1} 层', f'layer {c + 1}'), fontsize=8)
                if c == 0:
                    ax.set_ylabel(init, fontsize=8)
        fig.suptitle(t(f'{activation} 网络每层输出的直方图（右上角是标准差）',
                       f'{activation} network: outputs of each layer (std at the top right)'))
        save(plt, fig, args.out, f'init_{activation}.png')
    return 0


if __name__ == '__main__':
    run(main)
