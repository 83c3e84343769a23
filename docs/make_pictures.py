"""生成文档里的全部图片 (generate every picture in the docs)。

    pip install -e ".[viz,plot]"
    python docs/make_pictures.py            # 全部
    python docs/make_pictures.py line-fit   # 只生成某几张

图片写到 docs/ 和 docs/tutorial/img/，体积保持很小（PNG 用低 dpi，SVG 是文本）。

图里的标题和说明是中文（后面括号里是英文），所以需要一个中文字体 (CJK font)：
- Debian / Ubuntu：sudo apt-get install fonts-noto-cjk
- Fedora：sudo dnf install google-noto-sans-cjk-fonts
- macOS、Windows 自带（PingFang SC、Microsoft YaHei）
找不到中文字体时脚本报错退出，不会生成只有英文或中文显示成方框的图。
"""

import os
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
IMG = DOCS / 'tutorial' / 'img'
sys.path[:0] = [str(DOCS.parent), str(DOCS.parent / "demos")]     # 不装也能用这个仓库的代码
import _common  # noqa: E402  示例的画图工具：中文字体、t(中文, English)
from _common import t  # noqa: E402


def _pyplot():
    """matplotlib.pyplot，已设好中文字体；没有中文字体就报错退出 (exit loudly without a CJK font)。"""
    plt = _common.pyplot()
    if plt is None:
        sys.exit('需要 matplotlib：pip install -e ".[plot]" (matplotlib is needed)')
    if not _common.pyplot.cjk:
        sys.exit('没有找到中文字体，文档的图要有中文标题。' + _common.NO_CJK_FONT)
    plt.rcParams.update({'font.size': 9, 'axes.spines.top': False, 'axes.spines.right': False})
    return plt


def _save(plt, fig, name):
    fig.tight_layout()
    fig.savefig(IMG / name, dpi=90)
    plt.close(fig)


XS, YS = [1.0, 2.0, 3.0], [3.0, 5.0, 7.0]      # 第 1、2 章的三个点：y = 2x + 1


def _loss_at(w, b):
    """第 2 章的 loss_at：直线 y = w·x + b 在三个点上的均方误差。"""
    return sum((w * x + b - y) ** 2 for x, y in zip(XS, YS)) / len(XS)


def slope():
    """第 2 章：L(w) 的割线随 h 变小贴近切线，ΔL/Δw 趋于导数 -18。"""
    plt = _pyplot()
    w0 = 0.5
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.0))
    ws = [w0 - 0.6 + 2.4 * i / 200 for i in range(201)]
    left.plot(ws, [_loss_at(w, 0.0) for w in ws], color='black', linewidth=1.2, label='L(w)')
    for h, alpha in ((1.0, 0.35), (0.5, 0.6), (0.1, 1.0)):
        k = (_loss_at(w0 + h, 0.0) - _loss_at(w0, 0.0)) / h
        left.plot([w0 - 0.4, w0 + 1.6], [_loss_at(w0, 0.0) + k * (w - w0) for w in (w0 - 0.4, w0 + 1.6)],
                  color='tab:blue', alpha=alpha, label=f'h = {h}: ΔL/Δw = {k:.1f}')
        left.plot([w0 + h], [_loss_at(w0 + h, 0.0)], 'o', color='tab:blue', alpha=alpha, markersize=4)
    left.plot([w0], [_loss_at(w0, 0.0)], 'o', color='tab:red', markersize=5)
    left.set_xlabel('w'); left.set_ylabel('L(w, b = 0)')
    left.set_title(t('割线贴近切线', 'secants approach the tangent'))
    left.legend(fontsize=7, frameon=False)
    hs = [10.0 ** (-k / 4) for k in range(0, 25)]
    right.semilogx(hs, [(_loss_at(w0 + h, 0.0) - _loss_at(w0, 0.0)) / h for h in hs], 'o-', markersize=3,
                   label='ΔL/Δw')
    right.axhline(-18.0, color='tab:red', linestyle=':', label=t('导数 -18', 'derivative -18'))
    right.invert_xaxis()
    right.set_xlabel(t('步长 h（往右变小）', 'step h'))
    right.set_title('ΔL/Δw → -18  (h → 0)')
    right.legend(fontsize=7, frameon=False)
    _save(plt, fig, '02-slope.png')


def line_fit():
    """第 2 章：用量出来的梯度（中心差分）做梯度下降，拟合 y = 2x + 1，与该章的代码相同。"""
    def numerical_gradient(w, b, h=1e-5):
        return ((_loss_at(w + h, b) - _loss_at(w - h, b)) / (2 * h),
                (_loss_at(w, b + h) - _loss_at(w, b - h)) / (2 * h))
    w, b = 0.0, 0.0
    history, snapshots = [], {}
    for step in range(500):
        gw, gb = numerical_gradient(w, b)
        w, b = w - 0.05 * gw, b - 0.05 * gb
        history.append(_loss_at(w, b))
        if step in (0, 5, 20, 499):
            snapshots[step + 1] = (w, b)
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 2.8))
    left.scatter(XS, YS, color='black', zorder=3, label=t('数据', 'data'))
    for (step, (wv, bv)), alpha in zip(snapshots.items(), (0.25, 0.45, 0.7, 1.0)):
        left.plot([0.5, 3.5], [wv * 0.5 + bv, wv * 3.5 + bv], color='tab:blue', alpha=alpha,
                  label=t(f'第 {step} 步：w={wv:.2f}, b={bv:.2f}', f'step {step}: w={wv:.2f}, b={bv:.2f}'))
    left.legend(fontsize=7, frameon=False)
    left.set_xlabel('x'); left.set_ylabel('y'); left.set_title(t('拟合的直线', 'fitted line'))
    right.semilogy(range(1, len(history) + 1), history, color='tab:red')
    right.set_xlabel(t('步', 'step')); right.set_ylabel(t('均方误差（对数轴）', 'MSE (log)'))
    right.set_title(t('损失', 'loss'))
    _save(plt, fig, '02-line-fit.png')


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
    ax.loglog(hs, [max(e, 1e-17) for e in forward], label=t('前向差分', 'forward') + '  (f(x+h)-f(x))/h')
    ax.loglog(hs, [max(e, 1e-17) for e in central], label=t('中心差分', 'central') + '  (f(x+h)-f(x-h))/2h')
    ax.set_xlabel(t('步长 h', 'step h')); ax.set_ylabel(t('与 backward() 之差', '|error| vs backward()'))
    ax.set_title(t('有限差分的误差', 'finite-difference error'))
    ax.legend(fontsize=7, frameon=False)
    _save(plt, fig, '09-finite-difference.png')


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
    ax.plot(margins, bce, label=t('二元交叉熵', 'binary cross-entropy') + '  -ln sigmoid(s)')
    ax.plot(margins, hin, label=t('合页损失', 'hinge') + '  max(0, 1 - y·s)')
    ax.plot(margins, zero_one, color='gray', linestyle=':', label=t('0-1 损失（错没错）', '0-1 loss'))
    ax.set_xlabel(t('间隔 y·s（y = 1）', 'margin y·s (y = 1)')); ax.set_ylabel(t('损失', 'loss'))
    ax.set_title(t('分类损失', 'classification losses'))
    ax.legend(fontsize=7, frameon=False)
    _save(plt, fig, '07-losses.png')


def optimizers():
    """第 8 章：四种优化器在 f = x² + 25y² 上的轨迹。"""
    from micrograd_zh import Value
    from micrograd_zh.optim import SGD, Adam
    plt = _pyplot()
    makers = {
        'SGD lr=0.036': lambda p: SGD(p, lr=0.036),
        t('动量', 'momentum') + ' 0.7': lambda p: SGD(p, lr=0.018, momentum=0.7),
        'Nesterov 0.7': lambda p: SGD(p, lr=0.018, momentum=0.7, nesterov=True),
        'Adam lr=0.5': lambda p: Adam(p, lr=0.5),
    }
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
    ax.set_xlabel('x'); ax.set_ylabel('y')
    ax.set_title(t('在 f = x² + 25y² 上走 50 步', '50 steps on f = x² + 25y²'))
    ax.legend(fontsize=7, frameon=False, loc='lower right')
    _save(plt, fig, '08-optimizers.png')


def _python(*args, **kwargs):
    """用当前的 Python 运行一条命令，仓库根目录在 PYTHONPATH 的最前面（不装也能用这个仓库的代码）。"""
    root = str(DOCS.parent)
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get('PYTHONPATH', ''))
    subprocess.run([sys.executable, *args], env=env, check=True, **kwargs)


def neuron():
    """README 和第 3 章：讲座里的神经元，由 demos/neuron.py 画出（从上往下，窄到网页上看得清）。"""
    _demo('neuron', DOCS)


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
    _pyplot()                                  # 先确认有中文字体 (check for a CJK font first)
    _demo('moons', DOCS)
    _demo('xor', IMG)
    (IMG / 'xor_graph.svg').unlink()          # XOR 示例顺便画的计算图，文档里不用 (not used by the docs)
    _demo('init_compare', IMG)


def lab_pictures():
    """第 10–12 章（矩阵、练习、误区实验室）：由 docs/lab_pictures.py 画。"""
    _python(str(DOCS / 'lab_pictures.py'))


PICTURES = {
    'slope': slope,
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
