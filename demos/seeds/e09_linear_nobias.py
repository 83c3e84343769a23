"""博客 001 第 6 节“pytorch 实现一个简单的神经网络”：Linear(1, 1, bias=False) 学 y = 2x。

    python demos/seeds/e09_linear_nobias.py [--seed 0] [--torch]

博客的设置：x = [1, 2, 3]，y = [2, 4, 6]；模型 ŷ = w·x（没有偏置）；损失是平方误差的和
（MSELoss(size_average=False)，即不除以 3）；SGD lr 0.01，20 轮；每轮记下损失，最后看参数 w。

损失 L = Σ(w·xᵢ - yᵢ)² 对 w 的导数是 2·Σ(w·xᵢ - yᵢ)·xᵢ = 28·(w - 2)，所以每一步
w - 2 变成 (1 - 0.01·28)·(w - 2) = 0.72·(w - 2)：w_k = 2 + 0.72ᵏ·(w₀ - 2)，20 步后误差只剩 0.14%。

- 默认：w₀ 按 PyTorch 的默认规则从 U(-1, 1) 抽（fan_in = 1），随机数来自 random.Random(seed)。
- --torch：博客写了 torch.manual_seed(2)，这里用它造出博客的 w₀，先按博客的程序（float32）训练，
  再让 micrograd_zh 从同一个 w₀ 出发（float64），并排打印。

博客代码里值得学的问题 (teaching notes)：
- from torch.autogtad import Variable 拼错了（autograd），第一行就 ModuleNotFoundError。
- cost.append(loss.data[0]) 是 PyTorch 0.3 的写法；现在损失是 0 维张量 (0-dim tensor)，
  取 [0] 会 IndexError，要写 loss.item()。--torch 时会打印 PyTorch 给出的这条错误信息。
- size_average=False 早已弃用 (deprecated)，现在写 reduction='sum'。
"""

import random

from _seeds import parser, run, want_torch
from micrograd_zh import Value
from micrograd_zh.losses import sse
from micrograd_zh.optim import SGD

X, Y = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
LR, EPOCHS = 0.01, 20


def micrograd_train(w0):
    """返回每轮 (更新前的损失, 更新后的 w)。"""
    w = Value(w0, label='w')
    opt = SGD([w], lr=LR)
    rows = []
    for _ in range(EPOCHS):
        loss = sse([w * x for x in X], Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        rows.append((loss.data, w.data))
    return rows


def post_program(torch):
    """博客的程序（修好两处之后），float32：返回 (w₀, 每轮的 (损失, w), loss.data[0] 的错误信息)。"""
    torch.manual_seed(2)
    model = torch.nn.Linear(1, 1, bias=False)
    w0 = model.weight.item()
    x, y = torch.tensor([[v] for v in X]), torch.tensor([[v] for v in Y])
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    rows, error = [], None
    for _ in range(EPOCHS):
        loss = criterion(model(x), y)
        if error is None:
            try:
                loss.data[0]
            except IndexError as err:
                error = str(err)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        rows.append((loss.item(), model.weight.item()))
    return w0, rows, error


def main(argv=None):
    p = parser('Linear(1, 1, bias=False) 学 y = 2x (the post\'s one-weight PyTorch model)')
    args = p.parse_args(argv)
    torch = want_torch(args)
    if torch is None:
        w0, theirs = random.Random(args.seed).uniform(-1.0, 1.0), None
        print(f'w₀ = {w0!r}（U(-1, 1)，random.Random({args.seed})）')
    else:
        w0, theirs, error = post_program(torch)
        print(f'博客的 cost.append(loss.data[0]) 在今天的 PyTorch 上：IndexError: {error}')
        print(f'w₀ = {w0!r}（博客的 torch.manual_seed(2) 之后 Linear(1, 1, bias=False) 的初始权重）')

    rows = micrograd_train(w0)
    for k, (loss, w) in enumerate(rows, 1):
        line = f'第 {k:2d} 轮 (epoch)  损失 (loss) {loss!r}  w = {w!r}'
        if theirs is not None:
            line += f'  博客的程序 (float32) 损失 {theirs[k - 1][0]!r}  w = {theirs[k - 1][1]!r}'
        print(line)
    closed = 2.0 + 0.72 ** EPOCHS * (w0 - 2.0)
    print(f'结果 (result): w = {rows[-1][1]!r}，公式 2 + 0.72²⁰·(w₀ - 2) = {closed!r}')
    if theirs is not None:
        print(f'博客的程序 (PyTorch float32): w = {theirs[-1][1]!r}，与 micrograd_zh 的差 (diff) '
              f'{abs(theirs[-1][1] - rows[-1][1]):.1e}（float32 的舍入）')
    return 0


if __name__ == '__main__':
    run(main)
