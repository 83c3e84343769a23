"""博客 004“一文搞懂梯度下降 & 反向传播”：Linear → ReLU → Linear → MSE，前向和反向都手写，再和自动求导核对。

    python demos/seeds/e13_lin_relu_lin.py [--seed 0] [--n 32] [--torch]

博客的做法（fast.ai 课程里的写法）：前向 l1 = x·W1 + b1，l2 = relu(l1)，out = l2·W2 + b2，
loss = mean((out - y)²)；反向从损失往回，每一层一个函数：
    mse_grad    out.g = 2(out - y) / N
    lin_grad    inp.g = out.g · Wᵀ，W.g = inpᵀ · out.g，b.g = out.g 按行求和
    relu_grad   inp.g = [inp > 0] · out.g（逐个相乘）
最后把手写的梯度和 PyTorch 自动求导的梯度用 allclose 比较，全部相近就说明手写的反向传播是对的。

博客的 MNIST 数据和代码截图都不在网页里。这里用随机数据，尺寸取 MNIST 的 784 个输入、50 个隐藏单元、
1 个输出（fast.ai 课上就是用 MSE 回归数字 0～9 的标签），N 个样本（默认 32）。
手写的反向传播用纯 Python 列表；micrograd_zh 把 x、W1、b1、W2、b2 都做成 Value，backward() 一次算出全部梯度；
--torch 时再加上 PyTorch 的自动求导和博客那样用张量写的手写版。
"""

import math
import random
from operator import mul

from _seeds import parser, run, want_torch
from micrograd_zh import Value, dot
from micrograd_zh.losses import mse

D_IN, HIDDEN = 784, 50
NAMES = ('x', 'W1', 'b1', 'W2', 'b2')


# ------------------------------------------------------------------ 纯 Python 的矩阵小工具
def transpose(A):
    return [list(col) for col in zip(*A)]


def matmul(A, B):
    cols = transpose(B)
    return [[sum(map(mul, row, col)) for col in cols] for row in A]


def add_row(A, b):
    return [[a + v for a, v in zip(row, b)] for row in A]


def col_sums(A):
    return [sum(col) for col in zip(*A)]


# ------------------------------------------------------------------ 手写的前向和反向 (by hand)
def forward_backward(x, y, W1, b1, W2, b2, divide_by_n=True):
    """博客的 forward_and_backward：返回 (loss, {名字: 梯度})。W1 是 784×50，W2 是 50×1。

    divide_by_n=False 故意犯一个常见的错：mse_grad 忘了除以 N。用来说明 allclose 真的能抓到错误。
    """
    l1 = add_row(matmul(x, W1), b1)
    l2 = [[max(v, 0.0) for v in row] for row in l1]
    out = add_row(matmul(l2, W2), b2)
    n = len(x)
    loss = sum((o[0] - t) ** 2 for o, t in zip(out, y)) / n
    out_g = [[2.0 * (o[0] - t) / (n if divide_by_n else 1)] for o, t in zip(out, y)]   # mse_grad
    l2_g, W2_g, b2_g = lin_grad(l2, out_g, W2)
    l1_g = [[g if v > 0 else 0.0 for v, g in zip(r1, r2)] for r1, r2 in zip(l1, l2_g)]   # relu_grad
    x_g, W1_g, b1_g = lin_grad(x, l1_g, W1)
    return loss, {'x': x_g, 'W1': W1_g, 'b1': b1_g, 'W2': W2_g, 'b2': b2_g}


def lin_grad(inp, out_g, W):
    """线性层 out = inp·W + b 的反向：返回 (inp.g, W.g, b.g)。"""
    return matmul(out_g, transpose(W)), matmul(transpose(inp), out_g), col_sums(out_g)


# ------------------------------------------------------------------ micrograd_zh
def micrograd_grads(x, y, W1, b1, W2, b2):
    """同样的网络做成 Value：返回 (loss, {名字: 梯度})，梯度的形状与手写版相同。"""
    vx = [[Value(v) for v in row] for row in x]
    vW1 = [[Value(v) for v in row] for row in W1]
    vb1 = [Value(v) for v in b1]
    vW2 = [[Value(v) for v in row] for row in W2]
    vb2 = [Value(v) for v in b2]
    cols1, col2 = transpose(vW1), [row[0] for row in vW2]
    out = [dot(col2, [dot(col, row, b).relu() for col, b in zip(cols1, vb1)], vb2[0]) for row in vx]
    loss = mse(out, y)
    loss.backward()

    def grads(values):
        return [grads(v) for v in values] if isinstance(values, list) else values.grad

    return loss.data, {'x': grads(vx), 'W1': grads(vW1), 'b1': grads(vb1), 'W2': grads(vW2), 'b2': grads(vb2)}


def allclose(a, b, rtol=1e-5, atol=1e-8):
    """与 numpy.allclose / torch.allclose 同样的判据：|a - b| ≤ atol + rtol·|b|，逐个比较。"""
    if isinstance(a, list):
        return all(allclose(u, v, rtol, atol) for u, v in zip(a, b))
    return abs(a - b) <= atol + rtol * abs(b)


def max_abs(a, b):
    if isinstance(a, list):
        return max(max_abs(u, v) for u, v in zip(a, b))
    return abs(a - b)


def torch_check(torch, data, by_hand):
    """PyTorch：自动求导，以及博客那样用张量手写的反向传播。返回 {名字: (自动求导的梯度, 张量手写的梯度)}。"""
    x, y, W1, b1, W2, b2 = (torch.tensor(v, dtype=torch.float64) for v in data)
    params = [p.clone().requires_grad_() for p in (x, W1, b1, W2, b2)]
    px, pW1, pb1, pW2, pb2 = params
    loss = ((torch.relu(px @ pW1 + pb1) @ pW2 + pb2).squeeze(-1) - y).pow(2).mean()
    loss.backward()
    auto = {name: p.grad for name, p in zip(NAMES, params)}
    # 博客的张量写法：mse_grad 用 unsqueeze(-1) 让导数的形状和张量一致
    l1 = x @ W1 + b1
    l2 = l1.clamp_min(0.0)
    out = l2 @ W2 + b2
    out_g = 2.0 * (out.squeeze(-1) - y).unsqueeze(-1) / x.shape[0]
    l2_g, W2_g, b2_g = out_g @ W2.t(), (l2.unsqueeze(-1) * out_g.unsqueeze(1)).sum(0), out_g.sum(0)
    l1_g = (l1 > 0).double() * l2_g
    x_g, W1_g, b1_g = l1_g @ W1.t(), (x.unsqueeze(-1) * l1_g.unsqueeze(1)).sum(0), l1_g.sum(0)
    tensor_hand = {'x': x_g, 'W1': W1_g, 'b1': b1_g, 'W2': W2_g, 'b2': b2_g}
    return {name: (auto[name], tensor_hand[name],
                   torch.allclose(auto[name], torch.tensor(by_hand[name], dtype=torch.float64)))
            for name in NAMES}


def main(argv=None):
    p = parser('Linear-ReLU-Linear-MSE 的手写反向传播 (backprop by hand, checked against autograd)')
    p.add_argument('--n', type=int, default=32, help='样本数 (samples)，默认 32')
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    x = [[rng.gauss(0.0, 1.0) for _ in range(D_IN)] for _ in range(args.n)]
    y = [float(rng.randrange(10)) for _ in range(args.n)]                  # 数字标签 0～9，当作回归目标
    W1 = [[rng.gauss(0.0, math.sqrt(2.0 / D_IN)) for _ in range(HIDDEN)] for _ in range(D_IN)]
    b1 = [rng.gauss(0.0, 0.1) for _ in range(HIDDEN)]
    W2 = [[rng.gauss(0.0, math.sqrt(1.0 / HIDDEN))] for _ in range(HIDDEN)]
    b2 = [rng.gauss(0.0, 0.1)]
    print(f'x: {args.n}×{D_IN}，W1: {D_IN}×{HIDDEN}，b1: {HIDDEN}，W2: {HIDDEN}×1，b2: 1；损失 MSE')

    loss, by_hand = forward_backward(x, y, W1, b1, W2, b2)
    mloss, auto = micrograd_grads(x, y, W1, b1, W2, b2)
    print(f'损失 (loss)：手写 {loss!r}，micrograd_zh {mloss!r}')
    ok = True
    for name in NAMES:
        close = allclose(by_hand[name], auto[name])
        ok = ok and close
        print(f'{name}.g：手写 vs micrograd_zh backward() 最大差 (max diff) {max_abs(by_hand[name], auto[name]):.1e}，'
              f'allclose {close}')
    print(f'结果 (result): 五个梯度全部 allclose = {ok}（手写的反向传播是对的）')
    _, wrong = forward_backward(x, y, W1, b1, W2, b2, divide_by_n=False)
    print(f'故意写错 (a planted bug)：mse_grad 忘了除以 N，W1.g 的 allclose '
          f'{allclose(wrong["W1"], auto["W1"])}：这个核对真的能抓到错误')

    torch = want_torch(args)
    if torch is not None:
        for name, (autograd, tensor_hand, close) in torch_check(torch, (x, y, W1, b1, W2, b2), by_hand).items():
            print(f'PyTorch {name}.g：自动求导 vs 纯 Python 手写 allclose {close}，'
                  f'自动求导 vs 张量手写 allclose {torch.allclose(autograd, tensor_hand)}')
    return 0


if __name__ == '__main__':
    run(main)
