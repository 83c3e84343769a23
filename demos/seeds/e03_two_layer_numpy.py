"""博客 001 第 1 节的 numpy 两层 ReLU 网络：手写反向传播，打印 500 步的 t 和损失。

    python demos/seeds/e03_two_layer_numpy.py [--seed 0] [--iters 5 | --full] [--torch]

博客的程序：N = 64、D_in = 1000、H = 100、D_out = 10；x、y、W1、W2 都是 np.random.randn；
前向 h = x·W1，h_relu = max(h, 0)，ŷ = h_relu·W2，损失是平方误差和 (sum of squared errors)；
反向手写：grad_ŷ = 2(ŷ - y)，grad_W2 = h_reluᵀ·grad_ŷ，grad_h = grad_ŷ·W2ᵀ 再把 h < 0 处置 0，
grad_W1 = xᵀ·grad_h；学习率 1e-6，500 步，每步打印 t 和损失。

这里：
- 同一份数据和初始权重（random.Random(seed) 按博客的顺序抽出）交给 micrograd_zh，由 backward() 自动求梯度。
  纯 Python 的标量引擎一步约 2 秒，所以默认只跑前 5 步，--iters N 跑 N 步，--full 跑满 500 步（约 15 分钟）。
- 装了 numpy 时，再按博客的程序用 numpy 跑满 500 步（不到 1 秒），逐行并排打印，前几步两者的损失
  相对差在 1e-15 量级（只是求和顺序不同带来的舍入差）。
博客没有固定随机种子，它的损失数值无法重现；尺寸、分布、学习率和步数与博客相同，损失也同样从几千万
一路降到很小。--torch 时另外用 PyTorch 自动求导跑一遍（见 e04_two_layer_torch.py）。
"""

from _seeds import run, want_numpy, want_torch
import _two_layer as tl


def numpy_losses(np, x, y, w1, w2, steps):
    """博客的 numpy 程序：手写的反向传播，返回每步更新前的损失。"""
    x, y, w1, w2 = np.array(x), np.array(y), np.array(w1), np.array(w2)
    losses = []
    for _ in range(steps):
        h = x.dot(w1)
        h_relu = np.maximum(h, 0)
        y_pred = h_relu.dot(w2)
        losses.append(float(np.square(y_pred - y).sum()))
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.T.dot(grad_y_pred)
        grad_h = grad_y_pred.dot(w2.T)
        grad_h[h < 0] = 0
        grad_w1 = x.T.dot(grad_h)
        w1 -= tl.LR * grad_w1
        w2 -= tl.LR * grad_w2
    return losses


def main(argv=None):
    args, steps, (x, y, w1, w2), ours = tl.start('numpy 两层 ReLU 网络，手写反向传播 (the post\'s numpy two-layer '
                                                 'network)', f'博客的 numpy 程序跑 {tl.ITERATIONS} 步', argv)
    np = want_numpy('博客的 numpy 程序', "the post's numpy program")
    theirs = numpy_losses(np, x, y, w1, w2, tl.ITERATIONS) if np is not None else None

    worst = tl.table(ours, theirs, 'numpy')
    summary = f'结果 (result): micrograd_zh 前 {steps} 步的损失 {ours[0]:.6g} → {ours[-1]:.6g}'
    if theirs:
        summary += (f'，与 numpy 的最大相对差 (max rel diff) {worst:.1e}；numpy 第 {tl.ITERATIONS - 1} 步的损失 '
                    f'{theirs[-1]:.6g}')
    print(summary)

    torch = want_torch(args)
    if torch is not None:
        tlosses = tl.torch_losses(torch, x, y, w1, w2, tl.ITERATIONS)
        worst = max(tl.rel_diff(a, b) for a, b in zip(ours, tlosses))
        print(f'PyTorch (float64, autograd): 第 0 步 {tlosses[0]!r}，第 {tl.ITERATIONS - 1} 步 {tlosses[-1]!r}；'
              f'与 micrograd_zh 前 {steps} 步的最大相对差 (max rel diff) {worst:.1e}')
    return 0


if __name__ == '__main__':
    run(main)
