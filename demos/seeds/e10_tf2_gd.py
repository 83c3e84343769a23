"""博客 002“神经网络之梯度更新”：手写梯度下降拟合 y = 1.915x + 0.915。

    python demos/seeds/e10_tf2_gd.py [--seed 0] [--out DIR] [--iterations 1000] [--torch]

博客的设置（标题写着 TensorFlow 2.2，其实全程只用了 numpy 和 Python 循环）：
1000 个点，x ~ U(-10, 10)，y = 1.915x + 0.915 + N(0, 0.1²)；w = b = 0 出发，学习率 0.01，
1000 次整批梯度下降 (full-batch gradient descent)；损失是均方误差 (MSE)，梯度手写：
∂/∂b = Σ 2(wx + b - y)/M，∂/∂w = Σ 2x(wx + b - y)/M；每 50 次打印 iteration、loss、w、b
（loss 是这一次更新之后的 MSE），最后打印 Final loss。

这里做两遍，并排打印：博客的程序（同样的 Python 循环和算术）和 micrograd_zh（建图、backward() 求梯度）。
两者相同到 1e-13 左右（求和顺序不同的舍入）。博客的截图丢了，它的随机数据也无法重现；
数据的大小、分布、初始值、学习率和次数与博客相同，所以同样收敛到 w ≈ 1.915、b ≈ 0.915。

为什么 b 学得慢：x 的范围是 ±10，w 方向的曲率约为 2·E[x²] ≈ 67，b 方向只有 2；lr 0.01 时 w 几十步就到位，
b 每步只走剩余误差的 2%，要三百来步才到位（0.98³⁰⁰ ≈ 0.2%）。
"""

import random

from _seeds import draw_fit, parser, plot_loss, pyplot, run, save, t, torch_line, want_torch
from micrograd_zh import Value, no_grad, paused_gc
from micrograd_zh.losses import mse

W_TRUE, B_TRUE, NOISE, N = 1.915, 0.915, 0.1, 1000
LR, ITERATIONS, EVERY = 0.01, 1000, 50


def make_data(seed):
    """和博客一样逐点抽：先 x ~ U(-10, 10)，再这个点的噪声 N(0, 0.1²)。"""
    rng = random.Random(seed)
    points = []
    for _ in range(N):
        x = rng.uniform(-10.0, 10.0)
        points.append((x, W_TRUE * x + B_TRUE + rng.gauss(0.0, NOISE)))
    return points


def post_mse(b, w, points):
    total = 0.0
    for x, y in points:
        total += (y - (w * x + b)) ** 2
    return total / float(len(points))


def post_program(points, iterations):
    """博客的程序：手写梯度的循环。返回每次更新后的 (loss, w, b)。"""
    b, w, M = 0.0, 0.0, float(len(points))
    rows = []
    for _ in range(iterations):
        b_grad = w_grad = 0.0
        for x, y in points:
            b_grad += (2 / M) * ((w * x + b) - y)
            w_grad += (2 / M) * x * ((w * x + b) - y)
        b, w = b - LR * b_grad, w - LR * w_grad
        rows.append((post_mse(b, w, points), w, b))
    return rows


def micrograd_program(points, iterations):
    """micrograd_zh：MSE 建图，backward() 求梯度，同样的更新。返回每次更新后的 (loss, w, b)。

    博客打印的是更新之后的损失，它正好是下一次前向传播算出的损失，所以只有最后一次要多算一遍。
    """
    w, b = Value(0.0, label='w'), Value(0.0, label='b')
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    losses, params = [], []
    for _ in range(iterations):
        with paused_gc():                      # 这一步里暂停循环 GC：图没有引用环，用不着它（见 paused_gc）
            loss = mse([w * x + b for x in xs], ys)
            w.grad = b.grad = 0.0
            loss.backward()
            w.data -= LR * w.grad
            b.data -= LR * b.grad
        losses.append(loss.data)
        params.append((w.data, b.data))
    with no_grad():
        losses.append(mse([w * x + b for x in xs], ys).data)
    return [(loss, w, b) for loss, (w, b) in zip(losses[1:], params)]


def main(argv=None):
    p = parser('手写梯度下降拟合 y = 1.915x + 0.915 (the post\'s hand-written gradient descent)', 'e10_tf2_gd')
    p.add_argument('--iterations', type=int, default=ITERATIONS, help=f'迭代次数 (iterations)，博客是 {ITERATIONS}')
    args = p.parse_args(argv)
    points = make_data(args.seed)
    print(f'{N} 个点，x ~ U(-10, 10)，y = 1.915x + 0.915 + N(0, 0.1²)；w = b = 0，lr {LR}，{args.iterations} 次')
    post = post_program(points, args.iterations)
    ours = micrograd_program(points, args.iterations)
    for step, ((loss, w, b), (pl, pw, pb)) in enumerate(zip(ours, post)):
        if step % EVERY == 0:
            print(f'iteration:{step}, loss:{loss}, w:{w}, b:{b}    '
                  f'博客的程序 (post) loss:{pl}, w:{pw}, b:{pb}')
    loss, w, b = ours[-1]
    worst = max(abs(a - c) for r, s in zip(ours, post) for a, c in zip(r, s))
    print(f'Final loss:{loss}, w:{w}, b:{b}')
    print(f'结果 (result): w = {w:.4f}，b = {b:.4f}，MSE {loss:.6f}（噪声方差 0.01）；'
          f'与博客的程序每次每个数的最大差 (max diff) {worst:.1e}')

    torch = want_torch(args)
    if torch is not None:
        x = torch.tensor([p[0] for p in points], dtype=torch.float64)
        y = torch.tensor([p[1] for p in points], dtype=torch.float64)
        tw = torch.zeros((), dtype=torch.float64, requires_grad=True)
        tb = torch.zeros((), dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([tw, tb], lr=LR)
        for _ in range(args.iterations):
            opt.zero_grad()
            torch.nn.functional.mse_loss(tw * x + tb, y).backward()
            opt.step()
        torch_line('float64', tw.item(), tb.item(), w, b)

    plt = pyplot()
    if plt is None:
        return 0
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    draw_fit(axes[0], [p[0] for p in points], [p[1] for p in points], w, b, [-10, 10],
             t('数据与拟合直线', 'data and fitted line'), s=3, alpha=0.5)
    plot_loss(axes[1], [r[0] for r in ours], t('每次更新后的 MSE', 'MSE after each update'))
    save(plt, fig, args.out, 'tf2_gd.png')
    return 0


if __name__ == '__main__':
    run(main)
