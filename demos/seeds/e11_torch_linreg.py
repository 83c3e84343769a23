"""博客 003 第 3 节“线性回归实现”：PyTorch 手动更新参数，拟合 y = 3x + 0.8。

    python demos/seeds/e11_torch_linreg.py [--seed 0] [--out DIR] [--torch]

博客的设置：x 是 50 个 U(0, 1) 随机数（torch.rand），y = 3x + 0.8，没有噪声；w、b 也从 U(0, 1) 开始；
损失是均方误差 (MSE)；每次先把梯度清零再 backward()，然后 w -= 0.01·∂L/∂w，b -= 0.01·∂L/∂b；
3000 次，每 500 次打印“次数 损失”（更新之前的损失）；最后画出数据点和拟合直线，打印 w、b。

博客没有固定随机种子，数字无法重现；这里用 random.Random(seed) 造同样分布的数据和初始值，
--torch 时把同一份数据和初始值交给 PyTorch（float64）并排运行。

为什么 3000 次还没到 w = 3、b = 0.8：x 都在 [0, 1) 里，w 和 b 的作用很像（x 的均值约 0.5），
损失面是一条又长又窄的山谷；lr 0.01 时沿谷底方向每步只走百分之零点几。损失已经很小，
参数却还差一截：这是“损失小 ≠ 参数准”的好例子。
"""

import random

from _seeds import draw_fit, parser, pyplot, run, save, torch_line, want_torch
from micrograd_zh import Value
from micrograd_zh.losses import mse

N, W_TRUE, B_TRUE, LR, ITERATIONS, EVERY = 50, 3.0, 0.8, 0.01, 3000, 500


def main(argv=None):
    p = parser('PyTorch 线性回归 y = 3x + 0.8 (the post\'s PyTorch linear regression)', 'e11_torch_linreg')
    p.add_argument('--iterations', type=int, default=ITERATIONS, help=f'迭代次数 (iterations)，博客是 {ITERATIONS}')
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    xs = [rng.random() for _ in range(N)]
    ys = [W_TRUE * x + B_TRUE for x in xs]
    w0, b0 = rng.random(), rng.random()
    print(f'{N} 个点 x ~ U(0, 1)，y = 3x + 0.8；初始 w = {w0!r}，b = {b0!r}；lr {LR}，{args.iterations} 次')

    w, b = Value(w0, label='w'), Value(b0, label='b')
    losses = []
    for i in range(args.iterations):
        loss = mse([x * w + b for x in xs], ys)
        w.grad = b.grad = 0.0
        loss.backward()
        if i % EVERY == 0:
            print(i, loss.data)
        w.data -= LR * w.grad
        b.data -= LR * b.grad
        losses.append(loss.data)
    print('w', w.data)
    print('b', b.data)
    print(f'结果 (result): w = {w.data:.4f}，b = {b.data:.4f}（真值 true 3, 0.8），最后的 MSE {losses[-1]:.3g}')

    torch = want_torch(args)
    if torch is not None:
        tx, ty = torch.tensor(xs, dtype=torch.float64), torch.tensor(ys, dtype=torch.float64)
        tw = torch.tensor([w0], dtype=torch.float64, requires_grad=True)
        tb = torch.tensor([b0], dtype=torch.float64, requires_grad=True)
        for i in range(args.iterations):
            tloss = (tx * tw + tb - ty).pow(2).mean()
            for v in (tw, tb):
                if v.grad is not None:
                    v.grad.zero_()
            tloss.backward()
            tw.data -= LR * tw.grad.data
            tb.data -= LR * tb.grad.data
        torch_line('float64', tw.item(), tb.item(), w.data, b.data)

    plt = pyplot()
    if plt is None:
        return 0
    fig, ax = plt.subplots(figsize=(6, 4))
    draw_fit(ax, xs, ys, w.data, b.data, [0, 1], f'w = {w.data:.3f}, b = {b.data:.3f}')
    save(plt, fig, args.out, 'torch_linreg.png')
    return 0


if __name__ == '__main__':
    run(main)
