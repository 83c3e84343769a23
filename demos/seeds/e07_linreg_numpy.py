"""博客 001 的第 5 节“numpy 实现线性回归”：x = [1, 2, 3]，y = [2, 4, 6]，拟合 ŷ = w·x。

    python demos/seeds/e07_linreg_numpy.py [--torch]

博客的设置：w 从 0 开始，学习率 0.1，10 轮 (epoch)，损失是均方误差 (MSE) mean((w·x - y)²)，
它对 w 的导数 dw = -2·Σ(y - w·x)·x / 3，每轮更新后打印 w。没有随机性，所以结果是确定的。

把 dw 代进更新式可以算出每一步都把误差缩小到 1/15：
    2 - w_新 = (1 - 0.1·2·14/3)·(2 - w_旧) = (2 - w_旧) / 15，所以 w_k = 2 - 2/15ᵏ。

这里用 micrograd_zh 的自动微分算 dw；装了 numpy 时再按博客的 numpy 程序算一遍，并排打印。
两者只在第 1 轮差 4.4e-16（w 在这里的 2 个 ulp，即最后两位二进制）：自动微分按链式法则从上往下，
先乘 1/3 再对三项求和；博客先求和再除以 3。数学上相同，浮点数 (floating point) 的舍入顺序不同。
从第 2 轮起完全相同。--torch 时 PyTorch 的自动微分与 micrograd_zh 逐位 (bit for bit) 相同。
"""

from _seeds import parser, run, want_numpy, want_torch
from micrograd_zh import Value
from micrograd_zh.losses import mse

X, Y = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
LR, EPOCHS = 0.1, 10


def micrograd_run():
    """micrograd_zh：每轮前向、算 MSE、反向、更新；返回每轮更新前的损失和更新后的 w。"""
    w = Value(0.0, label='w')
    losses, ws = [], []
    for _ in range(EPOCHS):
        loss = mse([w * x for x in X], Y)
        w.grad = 0.0
        loss.backward()
        w.data -= LR * w.grad
        losses.append(loss.data)
        ws.append(w.data)
    return losses, ws


def numpy_run(np):
    """博客的 numpy 程序（同样的运算顺序）：返回每轮更新后的 w。"""
    x, y = np.array([1, 2, 3]), np.array([2, 4, 6])
    w, ws = 0, []
    for _ in range(EPOCHS):
        yhat = x * w
        dw = -2 * (y - yhat) @ x.T / x.shape[0]
        w = w - LR * dw
        ws.append(float(w))
    return ws


def main(argv=None):
    p = parser('numpy 线性回归 x=[1,2,3], y=[2,4,6] (numpy linear regression)', seed=False)
    args = p.parse_args(argv)

    losses, ws = micrograd_run()
    np = want_numpy('博客的 numpy 程序', "the post's numpy program")
    post = numpy_run(np) if np is not None else None
    print(f'w 从 0 开始，lr {LR}，{EPOCHS} 轮，MSE；每轮更新后的 w (w after each epoch)：')
    for k, (loss, w) in enumerate(zip(losses, ws), 1):
        line = f'第 {k:2d} 轮 (epoch)  micrograd_zh w = {w!r:<20}  更新前的 MSE (loss before) {loss!r:<20}'
        if post is not None:
            line += f'  numpy w = {post[k - 1]!r:<20}  差 (diff) {abs(w - post[k - 1]):.1e}'
        print(line)
    closed = 2.0 - 2.0 / 15 ** EPOCHS
    print(f'结果 (result): w = {ws[-1]!r}，公式 w_k = 2 - 2/15ᵏ 给出 {closed!r}（k = {EPOCHS}）')

    torch = want_torch(args)
    if torch is not None:
        x, y = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
        w = torch.zeros((), dtype=torch.float64, requires_grad=True)
        tws = []
        for _ in range(EPOCHS):
            loss = ((w * x - y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                w -= LR * w.grad
            w.grad = None
            tws.append(w.item())
        diff = max(abs(a - b) for a, b in zip(ws, tws))
        print(f'PyTorch (float64): 最后 w = {tws[-1]!r}，与 micrograd_zh 逐轮的最大差 (max diff) {diff:.1e}')
    return 0


if __name__ == '__main__':
    run(main)
