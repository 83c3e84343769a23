"""生成文档里的全部图片 (generate every picture in the docs)。

    pip install -e ".[viz,plot]"
    python docs/make_pictures.py            # 全部
    python docs/make_pictures.py line-fit   # 只生成某几张

图片写到 docs/ 和 docs/tutorial/img/，体积保持很小（PNG 用低 dpi，SVG 是文本）。
"""

import os
import subprocess
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


def losses():
    """第 7 章：三种分类损失与间隔的关系。"""
    from micrograd_zh import Value
    from micrograd_zh.losses import binary_cross_entropy, hinge
    margins = [i / 20 for i in range(-60, 61)]
    bce = [binary_cross_entropy([Value(m).sigmoid()], [1]).data for m in margins]
    hin = [hinge([Value(m)], [1]).data for m in margins]
    zero_one = [1.0 if m <= 0 else 0.0 for m in margins]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.plot(margins, bce, label='binary cross-entropy  -ln sigmoid(s)')
    ax.plot(margins, hin, label='hinge  max(0, 1 - y·s)')
    ax.plot(margins, zero_one, color='gray', linestyle=':', label='0-1 loss (wrong or not)')
    ax.set_xlabel('margin y·s  (y = 1)'); ax.set_ylabel('loss')
    ax.set_title('classification losses')
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    fig.savefig(IMG / '07-losses.png', dpi=90)
    plt.close(fig)


def optimizers():
    """第 8 章：四种优化器在 f = x² + 25y² 上的轨迹。"""
    from micrograd_zh import Value
    from micrograd_zh.optim import SGD, Adam
    makers = {
        'SGD lr=0.036': lambda p: SGD(p, lr=0.036),
        'momentum 0.7': lambda p: SGD(p, lr=0.018, momentum=0.7),
        'Nesterov 0.7': lambda p: SGD(p, lr=0.018, momentum=0.7, nesterov=True),
        'Adam lr=0.5': lambda p: Adam(p, lr=0.5),
    }
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    gx = [-4.5 + 9 * i / 120 for i in range(121)]
    gy = [-2 + 4 * j / 80 for j in range(81)]
    ax.contour(gx, gy, [[x * x + 25 * y * y for x in gx] for y in gy],
               levels=[0.1, 0.5, 1, 2, 5, 10, 20, 40, 70], colors='lightgray', linewidths=0.7)
    for name, make in makers.items():
        x, y = Value(-4.0), Value(1.5)
        opt = make([x, y])
        path = [(x.data, y.data)]
        for _ in range(50):
            opt.zero_grad()
            (x * x + 25 * y * y).backward()
            opt.step()
            path.append((x.data, y.data))
        ax.plot([p[0] for p in path], [p[1] for p in path], marker='.', markersize=3,
                linewidth=1, label=f'{name}: f={x.data ** 2 + 25 * y.data ** 2:.1e}')
    ax.plot([0], [0], marker='*', color='black', markersize=9)
    ax.set_xlabel('x'); ax.set_ylabel('y'); ax.set_title('50 steps on f = x² + 25y²')
    ax.legend(fontsize=7, frameon=False, loc='lower right')
    fig.tight_layout()
    fig.savefig(IMG / '08-optimizers.png', dpi=90)
    plt.close(fig)


def _python(*args, **kwargs):
    """用当前的 Python 运行一条命令，仓库根目录在 PYTHONPATH 的最前面（不装也能用这个仓库的代码）。"""
    root = str(DOCS.parent)
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get('PYTHONPATH', ''))
    subprocess.run([sys.executable, *args], env=env, check=True, **kwargs)


def neuron():
    """README 和第 3 章：用命令行画出讲座里的神经元 (the lecture's neuron, drawn by the CLI)。"""
    _python('-m', 'micrograd_zh', 'draw', 'tanh(x1*w1 + x2*w2 + b)',
            '--set', 'x1=2', 'x2=0', 'w1=-3', 'w2=1', 'b=6.8813735870195432', '-o', str(DOCS / 'neuron.svg'))


def forward_graph():
    """第 1 章：第一个数据点的损失 (w·1 + b - 3)² 的计算图（还没有反向传播）。"""
    from micrograd_zh import Value, draw_dot
    w, b = Value(0.5, label='w'), Value(0.0, label='b')
    loss = (w * 1.0 + b - 3.0) ** 2
    loss.label = 'loss'
    draw_dot(loss).save(str(IMG / '01-forward.svg'))


def reuse_graph():
    """第 4 章：b = a + a; c = b + b，反向传播之后。"""
    from micrograd_zh import Value, draw_dot
    a = Value(2.0, label='a')
    b = a + a
    b.label = 'b'
    c = b + b
    c.label = 'c'
    c.backward()
    draw_dot(c).save(str(IMG / '04-reuse.svg'))


def network():
    """README：训练好的 moons 网络 MLP(2, [16, 16, 1]) 的网络图（与 demos/moons.py 同样的数据、初始化和训练）。"""
    from micrograd_zh import MLP, draw_network, fit
    from micrograd_zh.data import make_moons
    from micrograd_zh.losses import hinge, l2_penalty
    from micrograd_zh.optim import SGD
    X, labels = make_moons(100, noise=0.1, seed=1)
    y = [2 * c - 1 for c in labels]
    model = MLP(2, [16, 16, 1], init='uniform', seed=0)
    optimizer = SGD(model.parameters(), lr=lambda k: 1.0 - 0.9 * k / 100)
    fit(model, X, y, lambda s, t: hinge(s, t) + l2_penalty(model.parameters(), 1e-4), optimizer,
        epochs=100, verbose=False)
    draw_network(model, X[0]).save(DOCS / 'network.svg')


def _demo(name, out, *args):
    """运行一个示例，让它把图存进 out（示例自己决定文件名）。"""
    _python(str(DOCS.parent / 'demos' / f'{name}.py'), '--out', str(out), *args, stdout=subprocess.DEVNULL)


def demo_pictures():
    """README 和第 5、6 章：moons、XOR 和初始化对比的图，由示例自己画。"""
    _demo('moons', DOCS)
    _demo('xor', IMG)
    (IMG / 'xor_graph.svg').unlink()          # XOR 示例顺便画的计算图，文档里不用 (not used by the docs)
    _demo('init_compare', IMG)


def lab_pictures():
    """第 10–12 章（矩阵、练习、误区实验室）：由 docs/lab_pictures.py 画。"""
    _python(str(DOCS / 'lab_pictures.py'))


PICTURES = {
    'neuron': neuron,
    'forward-graph': forward_graph,
    'reuse-graph': reuse_graph,
    'network': network,
    'demos': demo_pictures,
    'line-fit': line_fit,
    'finite-difference': finite_difference,
    'losses': losses,
    'optimizers': optimizers,
    'lab': lab_pictures,
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
