"""博客 003 第 1 节：两个损失函数——平方误差和交叉熵 (cross-entropy)——以及它们的梯度。

    python demos/seeds/e12_losses.py [--out DIR] [--torch]

博客的公式图丢了，文字说：均方误差是“预测值与目标值之间差值的平方和”，交叉熵是
E = -Σ tₖ·log yₖ（tₖ 是目标分布，yₖ 是预测的概率）。这里按文字实现：
    平方和    E = Σ (yₖ - tₖ)²        ∂E/∂yₖ = 2(yₖ - tₖ)
    交叉熵    E = -Σ tₖ·log yₖ        ∂E/∂yₖ = -tₖ / yₖ
（很多教材在平方和前面乘 ½，导数就成了 yₖ - tₖ；PyTorch 的 MSELoss 再除以个数，叫“均方”。）

例子是 10 个类别的手写数字：正确答案是 2（t 是独热 one-hot 向量），一个预测把 0.6 给了 2（猜对），
另一个把 0.6 给了 7（猜错）。公式算出的梯度与 micrograd_zh 的 backward() 逐个相同。

值得学的一点 (teaching note)：预测里有 yₖ = 0 时，照公式算交叉熵会得到 nan，因为 tₖ = 0 的那一项是
0·log 0 = 0·(-∞)，在浮点数 (IEEE 754) 里是 nan；梯度 -0/0 也是 nan。常见的做法是 log(yₖ + δ)，δ = 1e-7，
或者只加 tₖ ≠ 0 的项。micrograd_zh、numpy 和 PyTorch 在这里的行为相同。
"""

import math

from _seeds import parser, pyplot, run, save, t, want_torch
from micrograd_zh import Value, add_n

T = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]                                   # 正确答案是 2
Y_RIGHT = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]       # 把 0.6 给了 2
Y_WRONG = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0]       # 把 0.6 给了 7
DELTA = 1e-7


def squared_error(y, t):
    return add_n([(yk - tk) ** 2 for yk, tk in zip(y, t)])


def cross_entropy(y, t, delta=0.0):
    return -add_n([tk * (yk + delta).log() for yk, tk in zip(y, t)])


def check(name, loss_fn, formula, y, t):
    """用 micrograd_zh 算损失和梯度，与手推的梯度公式比较；返回 (损失, 梯度, 最大差)。"""
    ys = [Value(v) for v in y]
    loss = loss_fn(ys, t)
    loss.backward()
    grads = [v.grad for v in ys]
    by_hand = [formula(yk, tk) for yk, tk in zip(y, t)]
    diff = max(0.0 if math.isnan(a) and math.isnan(b) else abs(a - b) for a, b in zip(grads, by_hand))
    print(f'{name}: E = {loss.data!r}')
    print(f'    backward() 的梯度 ∂E/∂y = {[round(g, 6) for g in grads]}')
    print(f'    公式的梯度 (by hand)    = {[round(g, 6) for g in by_hand]}，最大差 (max diff) {diff:.1e}'
          + ('（nan 的位置也相同 nan in the same places）' if any(math.isnan(g) for g in grads) else ''))
    return loss.data, grads, diff


def main(argv=None):
    p = parser('平方误差和交叉熵以及它们的梯度 (squared error and cross-entropy with gradients)', 'e12_losses',
               seed=False)
    args = p.parse_args(argv)
    results = {}
    for label, y in (('猜对 (right: 0.6 on 2)', Y_RIGHT), ('猜错 (wrong: 0.6 on 7)', Y_WRONG)):
        print(f'== {label}  y = {y}  t = {T} ==')
        se = check('平方和 Σ(y - t)²', squared_error, lambda yk, tk: 2 * (yk - tk), y, T)
        naive = check('交叉熵 -Σ t·log y（照公式）', cross_entropy, lambda yk, tk: -tk / yk if yk else math.nan,
                      y, T)
        ce = check(f'交叉熵 -Σ t·log(y + {DELTA:g})', lambda ys, ts: cross_entropy(ys, ts, DELTA),
                   lambda yk, tk: -tk / (yk + DELTA), y, T)
        results[label] = (se[0], naive[0], ce[0])
    right, wrong = results.values()
    print(f'结果 (result): 平方和 {right[0]:.4f} / {wrong[0]:.4f}，交叉熵 {right[2]:.4f} / {wrong[2]:.4f}'
          f'（猜对 / 猜错；-log 0.6 = {-math.log(0.6):.4f}，-log 0.1 = {-math.log(0.1):.4f}）；'
          f'照公式算的交叉熵是 {right[1]}（因为 0·log 0 = nan）')

    torch = want_torch(args)
    if torch is not None:
        for label, y in (('猜对', Y_RIGHT), ('猜错', Y_WRONG)):
            ty = torch.tensor(y, dtype=torch.float64, requires_grad=True)
            tt = torch.tensor(T, dtype=torch.float64)
            se = ((ty - tt) ** 2).sum()
            ce = -(tt * torch.log(ty + DELTA)).sum()
            g_se, = torch.autograd.grad(se, ty)
            g_ce, = torch.autograd.grad(ce, ty)
            naive = -(tt * torch.log(ty)).sum()
            print(f'PyTorch {label}: 平方和 {se.item()!r}，交叉熵 {ce.item()!r}，照公式 {naive.item()}；'
                  f'∂平方和/∂y₂ = {g_se[2].item()!r}，∂交叉熵/∂y₂ = {g_ce[2].item()!r}')

    plt = pyplot()
    if plt is None:
        return 0
    ys = [i / 200 for i in range(1, 201)]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    axes[0].plot(ys, [(v - 1) ** 2 for v in ys], label='(y - 1)²')
    axes[0].plot(ys, [2 * (v - 1) for v in ys], '--', label=t('导数 2(y - 1)', 'derivative 2(y - 1)'))
    axes[0].set_title(t('平方误差（目标 t = 1）', 'squared error, target t = 1'))
    axes[1].plot(ys, [-math.log(v) for v in ys], label='-log y')
    axes[1].plot(ys, [-1 / v for v in ys], '--', label=t('导数 -1/y', 'derivative -1/y'))
    axes[1].set_ylim(-10, 6)
    axes[1].set_title(t('交叉熵（目标 t = 1）', 'cross-entropy, target t = 1'))
    for ax in axes:
        ax.axhline(0, color='gray', lw=0.5)
        ax.set_xlabel(t('预测 y', 'prediction y'))
        ax.legend()
    save(plt, fig, args.out, 'losses.png')
    return 0


if __name__ == '__main__':
    run(main)
