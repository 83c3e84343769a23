"""博客 004 的最后一个程序：BP 神经网络 (backpropagation network) 学异或 (XOR)。

    python demos/seeds/e16_bp_xor.py [--seed 0] [--epochs 10000] [--torch]

博客的网络：2 个输入外加一个恒为 1 的“偏置输入” (bias input)，5 个 sigmoid 隐藏单元，1 个 sigmoid 输出，
没有单独的偏置参数。random.seed(0) 之后按顺序抽随机数：先是输入→隐藏的 3×5 个权重，每个
U(-0.2, 0.2)（按输入 i 在外、隐藏 h 在内的顺序），再是隐藏→输出的 5 个权重，每个 U(-2, 2)。
训练 10000 轮，每轮按 [0,0] [0,1] [1,0] [1,1] 的顺序逐个样本 (per-sample) 更新，损失 0.5·(y - o)²，
学习率 learn = 0.05，再加上博客的“矫正项” correct = 0.1。最后打印四个输入的预测。

这里做两遍，并排打印：
1. 博客的程序（按它的算术重写：手推的 delta、同样的随机数、同样的更新顺序）；
2. micrograd_zh：同样的权重做成 Value，前向建图，backward() 自动求梯度，再用博客的更新规则。
两者的梯度是同一个数学式子（博客的 change 正好是 -∂L/∂w），四个预测相同到约 1e-15。

博客代码里值得学的问题 (teaching notes)：
- 网页把代码弄坏了：`label[o] – self.output_cells[o]` 里是长破折号 (en dash)，`'__main__'` 成了
  弯引号，缩进也全丢了，照抄会 SyntaxError。这里按它的意思还原。
- 全局误差写成了 `error = 0.5*(...)**2` 而不是 `error += ...`：有多个输出时只剩最后一个输出的误差。
  这个网络只有一个输出，所以碰巧没影响；而且 train() 累加的 error 从来没有打印或使用过。
- “矫正项”不是通常的动量 (momentum)：输入层权重加上 0.1 × 上一个样本的 change（原始梯度，没有乘学习率，
  也不衰减），比这一步本身 0.05 × change 还大；输出层的 output_correction 从来没有被赋值，始终是 0，
  所以输出层根本没有这一项。
- sigmoid_derivate(x) = x·(1 - x) 要传入的是 sigmoid 的输出，不是输入：名字容易让人用错。
"""

import math
import random

from _seeds import parser, run, want_torch
from micrograd_zh import Value, dot, no_grad

CASES = [[0, 0], [0, 1], [1, 0], [1, 1]]
LABELS = [[0], [1], [1], [0]]
N_IN, N_HIDDEN, N_OUT = 3, 5, 1          # 输入 2 个 + 偏置输入 1 个
LEARN, CORRECT = 0.05, 0.1


def initial_weights(seed):
    """按博客的顺序抽初始权重：返回 (wi, wo)，wi[i][h] 是输入 i → 隐藏 h，wo[h][o] 是隐藏 h → 输出 o。"""
    rng = random.Random(seed)                # 与 random.seed(seed) 之后的 random.random() 是同一个序列

    def rand(a, b):
        return (b - a) * rng.random() + a

    wi = [[rand(-0.2, 0.2) for _ in range(N_HIDDEN)] for _ in range(N_IN)]
    wo = [[rand(-2.0, 2.0) for _ in range(N_OUT)] for _ in range(N_HIDDEN)]
    return wi, wo


# ------------------------------------------------------------------ 1. 博客的程序 (the post's arithmetic)
def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def post_program(seed, epochs):
    """按博客的算术训练，返回四个输入的预测（每个是只有一个数的列表，和博客打印的一样）。"""
    wi, wo = initial_weights(seed)
    corr_in = [[0.0] * N_HIDDEN for _ in range(N_IN)]
    corr_out = [[0.0] * N_OUT for _ in range(N_HIDDEN)]    # 博客从不更新它：一直是 0
    cells = [1.0] * N_IN                                     # 最后一个格子恒为 1：偏置输入

    def predict(case):
        cells[:2] = case
        hidden = [_sigmoid(sum_in_order(cells[i] * wi[i][h] for i in range(N_IN))) for h in range(N_HIDDEN)]
        out = [_sigmoid(sum_in_order(hidden[h] * wo[h][o] for h in range(N_HIDDEN))) for o in range(N_OUT)]
        return hidden, out

    for _ in range(epochs):
        for case, label in zip(CASES, LABELS):
            hidden, out = predict(case)
            d_out = [out[o] * (1 - out[o]) * (label[o] - out[o]) for o in range(N_OUT)]
            d_hidden = [hidden[h] * (1 - hidden[h]) * sum_in_order(d_out[o] * wo[h][o] for o in range(N_OUT))
                        for h in range(N_HIDDEN)]
            for h in range(N_HIDDEN):
                for o in range(N_OUT):
                    change = d_out[o] * hidden[h]
                    wo[h][o] += LEARN * change + CORRECT * corr_out[h][o]
            for i in range(N_IN):
                for h in range(N_HIDDEN):
                    change = d_hidden[h] * cells[i]
                    wi[i][h] += LEARN * change + CORRECT * corr_in[i][h]
                    corr_in[i][h] = change
    return [predict(case)[1] for case in CASES]


def sum_in_order(terms):
    """从 0.0 起逐项相加，与博客的 total += ... 循环同样的舍入顺序。"""
    total = 0.0
    for term in terms:
        total += term
    return total


# ------------------------------------------------------------------ 2. micrograd_zh
def micrograd_program(seed, epochs):
    """同样的网络用 Value 搭：梯度由 backward() 求出，更新规则照搬博客。返回四个预测。"""
    wi0, wo0 = initial_weights(seed)
    wi = [[Value(w) for w in row] for row in wi0]
    wo = [Value(row[0]) for row in wo0]                     # 只有一个输出
    corr_in = [[0.0] * N_HIDDEN for _ in range(N_IN)]
    params_out = wo

    def forward(case):
        x = [float(case[0]), float(case[1]), 1.0]
        hidden = [dot([wi[i][h] for i in range(N_IN)], x).sigmoid() for h in range(N_HIDDEN)]
        return dot(wo, hidden).sigmoid()

    for _ in range(epochs):
        for case, label in zip(CASES, LABELS):
            for p in params_out:
                p.grad = 0.0
            for row in wi:
                for p in row:
                    p.grad = 0.0
            loss = 0.5 * (label[0] - forward(case)) ** 2
            loss.backward()
            for p in params_out:                   # 博客的 change = -∂L/∂w；输出层的矫正项恒为 0
                p.data += LEARN * -p.grad + CORRECT * 0.0
            for i in range(N_IN):
                for h in range(N_HIDDEN):
                    change = -wi[i][h].grad
                    wi[i][h].data += LEARN * change + CORRECT * corr_in[i][h]
                    corr_in[i][h] = change
    with no_grad():
        return [[forward(case).data] for case in CASES]


def torch_program(torch, seed, epochs):
    """同样的事用 PyTorch（float64）：autograd 求梯度，更新规则照搬博客。"""
    wi0, wo0 = initial_weights(seed)
    wi = torch.tensor(wi0, dtype=torch.float64, requires_grad=True)     # 3×5
    wo = torch.tensor(wo0, dtype=torch.float64, requires_grad=True)     # 5×1
    corr_in = torch.zeros(N_IN, N_HIDDEN, dtype=torch.float64)
    inputs = torch.tensor([c + [1] for c in CASES], dtype=torch.float64)
    labels = torch.tensor(LABELS, dtype=torch.float64)
    for _ in range(epochs):
        for x, y in zip(inputs, labels):
            out = torch.sigmoid(torch.sigmoid(x @ wi) @ wo)
            loss = (0.5 * (y - out) ** 2).sum()
            gi, go = torch.autograd.grad(loss, (wi, wo))
            with torch.no_grad():
                wo += LEARN * -go
                wi += LEARN * -gi + CORRECT * corr_in
                corr_in = -gi
    with torch.no_grad():
        return torch.sigmoid(torch.sigmoid(inputs @ wi) @ wo).tolist()


def main(argv=None):
    p = parser('BP 网络学异或，博客的随机数与更新规则 (the post\'s BP network learning XOR)')
    p.add_argument('--epochs', type=int, default=10000, help='训练轮数 (epochs)，博客是 10000')
    args = p.parse_args(argv)
    print(f'2-5-1 sigmoid 网络 + 偏置输入，random.seed({args.seed})，learn {LEARN}，correct {CORRECT}，'
          f'{args.epochs} 轮逐样本更新，损失 0.5·(y - o)²')

    post = post_program(args.seed, args.epochs)
    ours = micrograd_program(args.seed, args.epochs)
    for case, a, b in zip(CASES, post, ours):
        print(f'输入 (input) {case}  博客的程序 (post) {a}  micrograd_zh {b}  差 (diff) {abs(a[0] - b[0]):.1e}')
    worst = max(abs(a[0] - b[0]) for a, b in zip(post, ours))
    print(f'结果 (result): 四个预测与博客的程序最大差 (max diff) {worst:.1e}；'
          f'四舍五入后 (rounded) {[round(b[0]) for b in ours]}，目标 (target) {[y[0] for y in LABELS]}')

    torch = want_torch(args)
    if torch is not None:
        theirs = torch_program(torch, args.seed, args.epochs)
        diff = max(abs(a[0] - b[0]) for a, b in zip(theirs, ours))
        print(f'PyTorch (float64): {[row[0] for row in theirs]}，与 micrograd_zh 的最大差 (max diff) {diff:.1e}')
    return 0


if __name__ == '__main__':
    run(main)
