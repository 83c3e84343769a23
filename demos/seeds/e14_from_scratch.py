"""博客 004“从零开始用 Python 构建神经网络”（James Loy 那篇著名文章的译文）：3-4-1 sigmoid 网络。

    python demos/seeds/e14_from_scratch.py [--seed 0] [--out DIR] [--iterations 1500] [--torch]

文章的设置：输入 [[0,0,1], [0,1,1], [1,0,1], [1,1,1]]，目标 [0, 1, 1, 0]；隐藏层 4 个 sigmoid，
输出层 1 个 sigmoid；“为了简单起见假设偏置为 0”（没有偏置）；权重 W1 (3×4)、W2 (4×1) 来自
np.random.rand，即 U[0, 1)；损失是误差平方和 Σ(y - ŷ)²；没有学习率（相当于 1）：
每次迭代整批前向、按链式法则手推出 ΔW = -∂损失/∂W，直接 W += ΔW；1500 次，画出损失曲线，
最后打印四个预测。文章说损失单调下降，预测收敛到目标，只差一点（“防止过拟合”）。

这里：micrograd_zh 用 Value 搭同样的网络，backward() 求梯度，SGD lr = 1 更新；
装了 numpy 时再按文章的 numpy 程序（手推的 d_weights）用同样的初始权重跑一遍，并排打印。
文章的权重没有固定种子，数字无法重现；random.Random(seed) 按同样的顺序抽 U[0, 1)。

值得学的地方 (teaching notes)：
- 输入的第三列恒为 1：它替隐藏层充当了偏置 (bias)，所以“没有偏置”也学得会；输出层才是真的没有偏置。
- sigmoid_derivative(x) = x·(1 - x) 要传入 sigmoid 的输出，不是输入。
- 预测“差一点”不是为了防止过拟合：sigmoid 只有在 ±∞ 才等于 0 或 1，平方误差在接近目标时梯度越来越小，
  所以只会无限接近。
"""

import random

from _seeds import parser, plot_loss, pyplot, run, save, t, want_numpy, want_torch
from micrograd_zh import Value, dot, no_grad
from micrograd_zh.losses import sse
from micrograd_zh.optim import SGD

X = [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
Y = [0.0, 1.0, 1.0, 0.0]
HIDDEN, ITERATIONS = 4, 1500


def initial_weights(seed):
    """和 np.random.rand(3, 4)、np.random.rand(4, 1) 同样的顺序：先 W1 逐行，再 W2。"""
    rng = random.Random(seed)
    W1 = [[rng.random() for _ in range(HIDDEN)] for _ in range(3)]
    W2 = [[rng.random()] for _ in range(HIDDEN)]
    return W1, W2


def micrograd_train(W1, W2, iterations):
    """返回 (每次更新前的损失, 最后的四个预测)。"""
    cols1 = [[Value(W1[i][j]) for i in range(3)] for j in range(HIDDEN)]      # 隐藏单元 j 的 3 个权重
    w2 = [Value(row[0]) for row in W2]
    opt = SGD([p for col in cols1 for p in col] + w2, lr=1.0)

    def forward(x):
        hidden = [dot(col, x).sigmoid() for col in cols1]
        return dot(w2, hidden).sigmoid()

    losses = []
    for _ in range(iterations):
        loss = sse([forward(x) for x in X], Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
    with no_grad():
        return losses, [forward(x).data for x in X]


def numpy_train(np, W1, W2, iterations):
    """文章的 numpy 程序：手推的 d_weights，W += d_weights。返回 (每次更新前的损失, 四个预测)。"""
    x, y = np.array(X), np.array([[v] for v in Y])
    W1, W2 = np.array(W1), np.array(W2)

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    losses = []
    for _ in range(iterations):
        layer1 = sigmoid(x @ W1)
        output = sigmoid(layer1 @ W2)
        losses.append(float(((y - output) ** 2).sum()))
        delta = 2 * (y - output) * output * (1 - output)
        d_W2 = layer1.T @ delta
        d_W1 = x.T @ ((delta @ W2.T) * layer1 * (1 - layer1))
        W1 += d_W1
        W2 += d_W2
    return losses, sigmoid(sigmoid(x @ W1) @ W2).flatten().tolist()


def main(argv=None):
    p = parser('从零构建的 3-4-1 sigmoid 网络 (James Loy\'s network from scratch)', 'e14_from_scratch')
    p.add_argument('--iterations', type=int, default=ITERATIONS, help=f'迭代次数 (iterations)，文章是 {ITERATIONS}')
    args = p.parse_args(argv)
    W1, W2 = initial_weights(args.seed)
    print(f'3-4-1 sigmoid，无偏置，W ~ U[0, 1)，误差平方和，学习率 1，{args.iterations} 次整批更新')
    losses, preds = micrograd_train(W1, W2, args.iterations)
    for i in (0, 1, 10, 100, 500, 1000, args.iterations - 1):
        if i < args.iterations:
            print(f'第 {i:4d} 次 (iteration)  损失 (loss) {losses[i]!r}')
    np = want_numpy('文章的 numpy 程序', "the article's numpy program")
    theirs = numpy_train(np, W1, W2, args.iterations) if np is not None else None
    print('预测 (prediction)         目标 (target)')
    for k, (pred, target) in enumerate(zip(preds, Y)):
        extra = f'   numpy: {theirs[1][k]!r}' if theirs else ''
        print(f'{pred!r:<24} {target:g}{extra}')
    monotone = all(b <= a for a, b in zip(losses, losses[1:]))
    print(f'结果 (result): 预测 {[round(v, 3) for v in preds]}，最后的损失 {losses[-1]:.3g}，'
          f'损失单调下降 (monotone) {monotone}')
    if theirs:
        diff = max(max(abs(a - b) for a, b in zip(losses, theirs[0])), max(abs(a - b) for a, b in zip(preds, theirs[1])))
        print(f'与文章的 numpy 程序的最大差 (max diff, losses and predictions) {diff:.1e}')

    torch = want_torch(args)
    if torch is not None:
        x, y = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64).unsqueeze(1)
        tW1 = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
        tW2 = torch.tensor(W2, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([tW1, tW2], lr=1.0)
        for _ in range(args.iterations):
            opt.zero_grad()
            ((torch.sigmoid(torch.sigmoid(x @ tW1) @ tW2) - y) ** 2).sum().backward()
            opt.step()
        with torch.no_grad():
            tp = torch.sigmoid(torch.sigmoid(x @ tW1) @ tW2).flatten().tolist()
        print(f'PyTorch (float64): {tp}，与 micrograd_zh 的最大差 (max diff) '
              f'{max(abs(a - b) for a, b in zip(tp, preds)):.1e}')

    plt = pyplot()
    if plt is None:
        return 0
    fig, ax = plt.subplots(figsize=(6, 4))
    plot_loss(ax, losses, t('3-4-1 sigmoid 网络的误差平方和', 'sum of squared errors of the 3-4-1 sigmoid network'))
    save(plt, fig, args.out, 'from_scratch_loss.png')
    return 0


if __name__ == '__main__':
    run(main)
