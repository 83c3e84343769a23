"""导数的导数 (derivatives of derivatives)：用 create_graph 求二阶导数。

    python demos/derivatives.py [--out DIR] [--points 201] [--start 2.0]

(a) 画 sin x 和引擎算出的一阶、二阶导数（d2l 的练习：不手算导数，把 f 和 f' 画出来），
    并与 cos x、-sin x 比较最大误差。
(b) 求 f(x) = x⁴ - 2x² 的极小值（x = 1）：牛顿法 (Newton's method) 用二阶导数，x ← x - f'(x)/f''(x)；
    梯度下降 (gradient descent) 只用一阶导数，x ← x - lr·f'(x)，lr = 0.01。都从 x = 2 出发，
    比较走到 |x - 1| < 1e-10 要几步。
"""

import math

from _common import parser, pyplot, run, save, t
from micrograd_zh import Value, grad

TARGET = 1.0                # x⁴ - 2x² 在 x = 1 处取极小值 (a minimum of x^4 - 2x^2)
TOLERANCE = 1e-10


def f(x):
    return x ** 4 - 2 * x ** 2


def derivatives(fn, at):
    """fn 在 at 处的值、一阶和二阶导数，都由引擎算：第一次 grad 用 create_graph=True，第二次对它再求导。"""
    x = Value(at)
    y = fn(x)
    (d1,) = grad(y, x, create_graph=True)
    (d2,) = grad(d1, x)
    return y.data, d1.data, d2


def newton(start, max_steps=100):
    xs = [start]
    while abs(xs[-1] - TARGET) >= TOLERANCE and len(xs) <= max_steps:
        _, d1, d2 = derivatives(f, xs[-1])
        xs.append(xs[-1] - d1 / d2)
    return xs


def gradient_descent(start, lr=0.01, max_steps=10000):
    xs = [start]
    while abs(xs[-1] - TARGET) >= TOLERANCE and len(xs) <= max_steps:
        x = Value(xs[-1])
        f(x).backward()
        xs.append(xs[-1] - lr * x.grad)
    return xs


def main(argv=None):
    p = parser('sin 的一阶、二阶导数；牛顿法与梯度下降 (derivatives of sin; Newton vs gradient descent)',
               'derivatives')
    p.add_argument('--points', type=int, default=201, help='画 sin 用的点数 (points on the sin curve)，默认 201')
    p.add_argument('--start', type=float, default=2.0, help='两种方法的起点 (starting x)，默认 2.0')
    args = p.parse_args(argv)

    grid = [-2 * math.pi + 4 * math.pi * i / (args.points - 1) for i in range(args.points)]
    curves = [derivatives(lambda x: x.sin(), x) for x in grid]
    err1 = max(abs(d1 - math.cos(x)) for (_, d1, _), x in zip(curves, grid))
    err2 = max(abs(d2 + math.sin(x)) for (_, _, d2), x in zip(curves, grid))
    print(f"(a) sin 的导数 (derivatives of sin)，{args.points} 个点：与 cos x 的最大误差 (max error) {err1:.1e}，"
          f"与 -sin x 的最大误差 {err2:.1e}")

    steps_n, steps_gd = newton(args.start), gradient_descent(args.start)
    print(f"(b) 求 x⁴ - 2x² 的极小值，从 x = {args.start} 出发，直到 |x - 1| < {TOLERANCE:g}")
    for k, x in enumerate(steps_n):
        print(f"    牛顿法 (Newton) 第 {k} 步 (step {k}): x = {x:.12f}")
    print(f"    牛顿法 (Newton): {len(steps_n) - 1} 步 (steps)；梯度下降 (gradient descent, lr 0.01): "
          f"{len(steps_gd) - 1} 步 (steps)")

    plt = pyplot()
    if plt is None:
        return 0
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(grid, [y for y, _, _ in curves], label='sin x')
    left.plot(grid, [d1 for _, d1, _ in curves], label=t("一阶导数 f'", "first derivative f'"))
    left.plot(grid, [d2 for _, _, d2 in curves], label=t("二阶导数 f''", "second derivative f''"))
    left.set_title(t('sin x 与它的导数', 'sin x and its derivatives'))
    left.set_xlabel('x')
    left.legend(frameon=False, fontsize=8, loc='lower left')
    for xs, name, marker in ((steps_n, t('牛顿法', 'Newton'), 'o'),
                             (steps_gd, t('梯度下降 lr 0.01', 'gradient descent lr 0.01'), None)):
        right.semilogy(range(len(xs)), [max(abs(x - TARGET), 1e-17) for x in xs], marker=marker, label=name)
    right.set_title(t('x⁴ - 2x² 的极小值：|x - 1|', 'minimum of x⁴ - 2x²: |x - 1|'))
    right.set_xlabel(t('步', 'step'))
    right.legend(frameon=False)
    save(plt, fig, args.out, 'derivatives.png')
    return 0


if __name__ == '__main__':
    run(main)
