"""生成文档里的全部图片 (generate every picture in the docs)。

    pip install -e ".[viz,plot]"
    python docs/make_pictures.py            # 全部
    python docs/make_pictures.py line-fit   # 只生成某几张

图片写到 docs/ 和 docs/tutorial/img/，体积保持很小（PNG 用低 dpi，SVG 是文本）。
"""

import math
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
IMG = DOCS / 'tutorial' / 'img'


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    plt.rcParams.update({'font.size': 9, 'axes.spines.top': False, 'axes.spines.right': False})
    return plt


def line_fit():
    """第 2 章：梯度下降拟合 y = 2x + 1。"""
    from micrograd_zh import Value
    xs, ys = [1.0, 2.0, 3.0], [3.0, 5.0, 7.0]
    w, b = Value(0.0), Value(0.0)
    history, snapshots = [], {}
    for step in range(500):
        loss = sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
        w.grad = b.grad = 0.0
        loss.backward()
        w.data -= 0.05 * w.grad
        b.data -= 0.05 * b.grad
        history.append(loss.data)
        if step in (0, 5, 20, 499):
            snapshots[step + 1] = (w.data, b.data)
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 2.8))
    left.scatter(xs, ys, color='black', zorder=3, label='data')
    for (step, (wv, bv)), alpha in zip(snapshots.items(), (0.25, 0.45, 0.7, 1.0)):
        left.plot([0.5, 3.5], [wv * 0.5 + bv, wv * 3.5 + bv], color='tab:blue', alpha=alpha,
                  label=f'step {step}: w={wv:.2f}, b={bv:.2f}')
    left.legend(fontsize=7, frameon=False)
    left.set_xlabel('x'); left.set_ylabel('y'); left.set_title('fitted line')
    right.semilogy(range(1, len(history) + 1), history, color='tab:red')
    right.set_xlabel('step'); right.set_ylabel('MSE loss (log)'); right.set_title('loss')
    fig.tight_layout()
    fig.savefig(IMG / '02-line-fit.png', dpi=90)
    plt.close(fig)


def finite_difference():
    """第 9 章：前向差分和中心差分的误差随步长 h 变化。"""
    from micrograd_zh import Value

    def f(x):
        return (x * x + 1).log() * x.tanh()

    x = Value(0.7)
    f(x).backward()
    exact = x.grad
    hs = [10.0 ** (-k / 4) for k in range(4, 56)]
    forward = [abs((f(Value(0.7 + h)).data - f(Value(0.7)).data) / h - exact) for h in hs]
    central = [abs((f(Value(0.7 + h)).data - f(Value(0.7 - h)).data) / (2 * h) - exact) for h in hs]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.loglog(hs, [max(e, 1e-17) for e in forward], label='forward (f(x+h)-f(x))/h')
    ax.loglog(hs, [max(e, 1e-17) for e in central], label='central (f(x+h)-f(x-h))/2h')
    ax.set_xlabel('step h'); ax.set_ylabel('|error| vs backward()')
    ax.set_title('finite-difference error')
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    fig.savefig(IMG / '09-finite-difference.png', dpi=90)
    plt.close(fig)


PICTURES = {
    'line-fit': line_fit,
    'finite-difference': finite_difference,
}


def main(names):
    IMG.mkdir(parents=True, exist_ok=True)
    unknown = [n for n in names if n not in PICTURES]
    if unknown:
        sys.exit(f"没有这张图 (no such picture): {', '.join(unknown)}；可选 (choose from): {', '.join(PICTURES)}")
    for name in names or PICTURES:
        PICTURES[name]()
        print(f'已生成 (made): {name}')


if __name__ == '__main__':
    main(sys.argv[1:])
