"""博客 001 第 5 节的 PyTorch 回归：Net(1, 10, 1) 用 ReLU 拟合 y = x² + 0.2·rand，每 10 步画一帧。

    python demos/seeds/e08_fit_x2.py [--seed 0] [--out DIR] [--torch]

博客的设置：x 是 linspace(-1, 1) 上的 100 个点，y = x² + 0.2·U(0, 1)；网络 1 → 10 个 ReLU → 1；
nn.MSELoss，SGD lr 0.2，100 步整批梯度下降；每 10 步（t = 0, 10, ..., 90）清屏重画：数据点、
当前的预测曲线（红线），和文字 Loss=%.4f。这里把 10 帧排成一张 2×5 的图。

- 默认：random.Random(seed) 造同样分布的数据，权重按 PyTorch nn.Linear 的默认规则抽
  （w、b ~ U(-1/√fan_in, 1/√fan_in)），在 micrograd_zh 上训练。
- --torch：博客写了 torch.manual_seed(1)，所以它的运行是确定的。这里照它的顺序用 PyTorch 造出
  完全相同的数据和初始权重，先按博客的程序（float32）训练，得到博客那 10 帧上的 Loss；
  再把同样的数据和初始权重交给 micrograd_zh（float64）训练，并排打印：每帧的 Loss=%.4f 相同，
  完整的数只差 float32 的舍入（约 1e-7）。

博客代码里的小问题：%matplotlib qt5 / %matplotlib inline 是 Jupyter 的魔法命令，放进 .py 文件会 SyntaxError；
网页把 'r-' 等引号换成了弯引号 ‘r-‘，照抄也会 SyntaxError。打印的 loss 是这一步更新之前的损失。
"""

import math
import random

from _seeds import parser, pyplot, run, save, t, want_torch
from micrograd_zh import MLP, no_grad
from micrograd_zh.losses import mse
from micrograd_zh.optim import SGD

N, HIDDEN, LR, STEPS, EVERY = 100, 10, 0.2, 100, 10


def pytorch_linear_init(nin, nout, rng):
    """按 PyTorch nn.Linear 的默认规则抽一层的权重：w 和 b 都来自 U(-1/√nin, 1/√nin)。

    （nn.Linear 用 kaiming_uniform_(a=√5)，算下来的边界正好是 1/√nin。）返回 (W, b)，W 是 nout 行 nin 列。
    随机数来自 rng (random.Random)：与 PyTorch 的随机数不同，只是分布相同。
    """
    bound = 1.0 / math.sqrt(nin)
    return ([[rng.uniform(-bound, bound) for _ in range(nin)] for _ in range(nout)],
            [rng.uniform(-bound, bound) for _ in range(nout)])


def set_layer(layer, W, b):
    """把 micrograd_zh 的一层 (Layer) 的权重设成 W（nout 行 nin 列），偏置设成 b。"""
    for neuron, row, bias in zip(layer.neurons, W, b):
        for w, v in zip(neuron.w, row):
            w.data = v
        neuron.b.data = bias


def our_setup(seed):
    """默认的数据和初始权重：分布与博客相同，随机数来自 random.Random(seed)。"""
    rng = random.Random(seed)
    x = [-1.0 + 2.0 * i / (N - 1) for i in range(N)]
    y = [v * v + 0.2 * rng.random() for v in x]
    (W1, b1), (W2, b2) = pytorch_linear_init(1, HIDDEN, rng), pytorch_linear_init(HIDDEN, 1, rng)
    return x, y, (W1, b1, W2, b2)


def post_setup(torch):
    """博客的 torch.manual_seed(1) 之后的随机数：同样的顺序造数据和网络。返回 (x, y, net)，float32。"""
    torch.manual_seed(1)
    x = torch.unsqueeze(torch.linspace(-1, 1, N), dim=1)
    y = x.pow(2) + 0.2 * torch.rand(x.size())
    net = torch.nn.Sequential(torch.nn.Linear(1, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 1))
    return x, y, net


def micrograd_train(x, y, weights):
    """在 micrograd_zh 上训练；返回每帧 (t, 这一步更新前的损失, 预测曲线) 和网络。"""
    model = MLP(1, [HIDDEN, 1], activation='relu')
    W1, b1, W2, b2 = weights
    set_layer(model.layers[0], W1, b1)
    set_layer(model.layers[1], W2, b2)
    opt = SGD(model.parameters(), lr=LR)
    frames = []
    for step in range(STEPS):
        prediction = [model(v) for v in x]
        loss = mse(prediction, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % EVERY == 0:
            frames.append((step, loss.data, [p.data for p in prediction]))
    return frames, model


def torch_train(torch, x, y, net):
    """博客的训练循环（PyTorch，float32）：返回同样格式的帧。"""
    optimizer = torch.optim.SGD(net.parameters(), lr=LR)
    loss_func = torch.nn.MSELoss()
    frames = []
    for step in range(STEPS):
        prediction = net(x)
        loss = loss_func(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % EVERY == 0:
            frames.append((step, loss.item(), prediction.detach().flatten().tolist()))
    return frames


def main(argv=None):
    p = parser('Net(1, 10, 1) 拟合 y = x² (the post\'s ReLU net fitting x^2, frames every 10 steps)', 'e08_fit_x2')
    args = p.parse_args(argv)
    torch = want_torch(args)
    if torch is None:
        x, y, weights = our_setup(args.seed)
        theirs = None
        print(f'数据和初始权重来自 random.Random({args.seed})（分布与博客相同）')
    else:
        tx, ty, net = post_setup(torch)
        x, y = tx.flatten().tolist(), ty.flatten().tolist()
        weights = tuple(p.detach().tolist() for p in (net[0].weight, net[0].bias, net[2].weight, net[2].bias))
        print('数据和初始权重与博客完全相同：torch.manual_seed(1) 之后按博客的顺序造出 (the post\'s exact data and weights)')
        theirs = torch_train(torch, tx, ty, net)

    frames, model = micrograd_train(x, y, weights)
    print(f'网络 (network): {model}，SGD lr {LR}，MSE，{STEPS} 步')
    for k, (step, loss, _) in enumerate(frames):
        line = f't = {step:2d}  micrograd_zh Loss={loss:.4f} ({loss!r})'
        if theirs is not None:
            tl = theirs[k][1]
            line += f'  博客的程序 (PyTorch float32) Loss={tl:.4f} ({tl!r})  差 (diff) {abs(loss - tl):.1e}'
        print(line)
    with no_grad():
        final = mse([model(v) for v in x], y).data
    print(f'结果 (result): 第 {frames[-1][0]} 帧的 Loss={frames[-1][1]:.4f}，训练 {STEPS} 步后的 MSE {final:.4f}'
          f'（噪声 0.2·U(0,1) 的方差 0.2²/12 = {0.04 / 12:.4f}）')

    plt = pyplot()
    if plt is None:
        return 0
    fig, axes = plt.subplots(2, 5, figsize=(16, 6.4), sharex=True, sharey=True)
    for ax, (step, loss, pred) in zip(axes.flat, frames):
        ax.scatter(x, y, s=6)
        ax.plot(x, pred, 'r-', lw=3)
        ax.text(0.5, 0, f'Loss={loss:.4f}', fontdict={'size': 11, 'color': 'red'})
        ax.set_title(f't = {step}')
    fig.suptitle(t('Net(1, 10, 1) 拟合 y = x² + 0.2·rand，每 10 步一帧', 'Net(1, 10, 1) fitting y = x^2 + 0.2*rand'))
    save(plt, fig, args.out, 'fit_x2_frames.png')
    return 0


if __name__ == '__main__':
    run(main)
