"""博客 000 的 MindSpore LinearNet：一个 Dense(1, 1) 层，MSE 损失，Momentum 优化器拟合 y = 3x + 1。

    python demos/seeds/e02_linearnet_momentum.py [--seed 0] [--out DIR] [--torch]

博客的设置：100 个点，x ~ N(0, 1)，y = 3x + 1 + 0.1·N(0, 1)；每批 16 个（最后一批 4 个，一轮 7 批），
10 轮；nn.MSELoss（批内平均），nn.Momentum(lr 0.005, momentum 0.9)；训练前后各打印一次参数，
并把数据点和拟合直线画在 x ∈ [-10, 10]、y ∈ [-20, 25] 的坐标里。

这里没有 MindSpore，micrograd_zh 一样能做：一个线性神经元 (Neuron) 就是 Dense(1, 1)；
optim.SGD(momentum=0.9) 与 MindSpore 的 Momentum 是同一个公式 v = 0.9·v + g，w = w - lr·v。
初始值按 MindSpore 2.0 及以前 Dense 的默认：权重 N(0, 0.01²)，偏置 0（2.1 起默认改成了 HeUniform，
所以博客“训练前”那条线的样子取决于 MindSpore 的版本）。GeneratorDataset 对列表默认每轮打乱，这里也每轮打乱。
博客没有固定随机种子，数字无法重现；数据的大小、分布和全部超参数与博客相同。

博客代码里值得学的地方 (teaching notes)：
- x_model_label = np.array([-10, 10, 0.1]) 只有三个点 -10、10、0.1，作者想写的是 np.arange(-10, 10, 0.1)。
  画直线碰巧没影响（三个点都在同一条线上），画曲线就错了。
- model_display() 每次调用都重新 generate_data()，散点图画的是新抽的随机点，不是训练数据。
- 10 轮 × 7 批只有 70 步，lr 0.005 本来很小，靠动量把有效步长放大到约 lr/(1 - 0.9) = 0.05 才学得到位。
"""

import random

from _seeds import draw_fit, parser, pyplot, run, save, t, torch_line, want_torch
from micrograd_zh import Neuron
from micrograd_zh.losses import mse
from micrograd_zh.optim import SGD

W_TRUE, B_TRUE, NOISE = 3.0, 1.0, 0.1
N, BATCH, EPOCHS, LR, MOMENTUM = 100, 16, 10, 0.005, 0.9


def make_data(rng):
    """和博客的 generate_data 一样逐点抽：先 x，再这个点的噪声。"""
    X, Y = [], []
    for _ in range(N):
        x = rng.gauss(0.0, 1.0)
        X.append(x)
        Y.append(W_TRUE * x + B_TRUE + NOISE * rng.gauss(0.0, 1.0))
    return X, Y


def batch_orders(rng):
    """每轮打乱一次，切成 16 个一批：返回每一步用到的样本序号。PyTorch 对比时用同一份顺序。"""
    steps = []
    for _ in range(EPOCHS):
        order = list(range(N))
        rng.shuffle(order)
        steps += [order[i:i + BATCH] for i in range(0, N, BATCH)]
    return steps


def main(argv=None):
    p = parser('LinearNet + Momentum 拟合 y = 3x + 1 (the post\'s MindSpore LinearNet)', 'e02_linearnet')
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    X, Y = make_data(rng)
    w0 = rng.gauss(0.0, 0.01)
    steps = batch_orders(rng)

    model = Neuron(1, activation='linear')
    model.w[0].data, model.b.data = w0, 0.0
    print(f'训练前 (before): fc.weight [[{model.w[0].data!r}]]  fc.bias [{model.b.data!r}]')
    opt = SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    losses = []
    for batch in steps:
        opt.zero_grad()
        loss = mse([model(X[i]) for i in batch], [Y[i] for i in batch])
        loss.backward()
        opt.step()
        losses.append(loss.data)
    w, b = model.w[0].data, model.b.data
    print(f'训练后 (after):  fc.weight [[{w!r}]]  fc.bias [{b!r}]')
    print(f'结果 (result): {EPOCHS} 轮 × {len(steps) // EPOCHS} 批 = {len(steps)} 步，w = {w:.4f}，b = {b:.4f}'
          f'（真值 true 3, 1），最后一批的 MSE (last batch) {losses[-1]:.5f}')

    torch = want_torch(args)
    if torch is not None:
        net = torch.nn.Linear(1, 1, dtype=torch.float64)
        with torch.no_grad():
            net.weight.fill_(w0)
            net.bias.zero_()
        topt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
        tx = torch.tensor(X, dtype=torch.float64).unsqueeze(1)
        ty = torch.tensor(Y, dtype=torch.float64).unsqueeze(1)
        for batch in steps:
            topt.zero_grad()
            torch.nn.functional.mse_loss(net(tx[batch]), ty[batch]).backward()
            topt.step()
        torch_line('float64, SGD momentum 0.9', net.weight.item(), net.bias.item(), w, b)

    plt = pyplot()
    if plt is None:
        return 0
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, (title, (wv, bv)) in zip(axes, ((t('训练前', 'before training'), (w0, 0.0)),
                                            (t('训练后', 'after training'), (w, b)))):
        ax.axis([-10, 10, -20, 25])
        draw_fit(ax, X, Y, wv, bv, [-10, 10], title, s=5)
    save(plt, fig, args.out, 'linearnet.png')
    return 0


if __name__ == '__main__':
    run(main)
