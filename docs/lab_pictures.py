"""第 10 章和第 12 章的图 (pictures of chapters 10 and 12)：矩阵一章的小网络，误区实验室的每个误区一张。

由 docs/make_pictures.py 调用（python docs/make_pictures.py lab），也可以单独运行：
    python docs/lab_pictures.py
每张图都由运行那一章的全部代码块得到，图里的数就是页面上的数。中文标题需要中文字体，
例如 Debian/Ubuntu 的 fonts-noto-cjk；没有时只写英文。
"""

import contextlib
import io
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
IMG = DOCS / 'tutorial' / 'img'
for folder in (ROOT, ROOT / 'demos', DOCS):    # 不装也能用这个仓库的代码，并借用示例的 matplotlib 设置
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from _common import pyplot, t                  # noqa: E402  (中文字体 CJK fonts，见 demos/_common.py)
from make_notebooks import split_page          # noqa: E402  (同一个文件夹 docs/)

def page_namespace(name):
    """按顺序运行一页教程里的全部 ```python 代码块（与生成笔记本时切法相同），返回它们共用的命名空间：
    图里的数就是页面上的数。"""
    namespace = {'__name__': '__doc__'}
    page = DOCS / 'tutorial' / name
    blocks = [s.text for s in split_page(page.read_text(encoding='utf-8')) if s.kind == 'python']
    for i, code in enumerate(blocks, 1):
        exec(compile(code, f'{name} block {i}', 'exec'), namespace)
    return namespace


def _figure():
    plt = pyplot()
    plt.rcParams.update({'font.size': 9, 'axes.spines.top': False, 'axes.spines.right': False})
    fig, ax = plt.subplots(figsize=(5.5, 3.0))
    return plt, fig, ax


def _finish(plt, fig, ax, name, xlabel, ylabel, title):
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    fig.savefig(IMG / name, dpi=90)
    plt.close(fig)


def _quiet_namespace(name):
    with contextlib.redirect_stdout(io.StringIO()):      # 页面上的 print 不必出现在这里
        return page_namespace(name)


def matrices():
    """第 10 章：2 个样本的小网络的计算图，每个 w2 有两条边。"""
    _quiet_namespace('10-matrices.md')['small_picture'].save(str(IMG / '10-two-samples.svg'))


def misconceptions():
    """第 12 章：三张并排的计算图和三张曲线图，数据来自运行第 12 章的代码。"""
    ns = _quiet_namespace('12-misconceptions.md')
    pyplot()                                             # 先设好字体，t() 才知道有没有中文字体
    for name in ('assign', 'order', 'twice'):
        ns[f'{name}_picture'].save(str(IMG / f'12-{name}.svg'))
    step, log_loss = t('步', 'step'), t('损失 MSE（对数）', 'MSE loss (log)')

    plt, fig, ax = _figure()
    for label, history in ((t('正确', 'correct'), ns['good']),
                           (t('忘了 zero_grad', 'forgot zero_grad'), ns['forgot']),
                           (t('符号写反：+= lr·grad', 'sign flipped: += lr·grad'), ns['flipped'])):
        ax.semilogy(range(1, len(history) + 1), [s['loss'] for s in history], marker='.', markersize=3,
                    label=label)
    ax.axvline(2, color='gray', linestyle=':', linewidth=1)
    _finish(plt, fig, ax, '12-training.png', step, log_loss,
            t('拟合 y = 2x + 1', 'fitting y = 2x + 1'))

    plt, fig, ax = _figure()
    for label, losses in ((t('全零', 'zeros'), ns['zeros_losses']), (t('全部 0.5', 'all 0.5'), ns['same_losses']),
                          ('Xavier', ns['xavier_losses'])):
        ax.semilogy(range(1, len(losses) + 1), losses, label=label)
    _finish(plt, fig, ax, '12-init.png', step, log_loss,
            t('XOR：对称的初始化学不会', 'XOR: a symmetric init cannot learn'))

    plt, fig, ax = _figure()
    evaluations = range(1, len(ns['kept']) + 1)
    ax.plot(evaluations, ns['kept'], marker='o', markersize=3, label=t('不用 no_grad', 'without no_grad'))
    ax.plot(evaluations, ns['kept_no_grad'], marker='o', markersize=3, label=t('用 no_grad', 'with no_grad'))
    _finish(plt, fig, ax, '12-no-grad.png', t('评估次数（结果都存进列表）', 'evaluations, results kept in a list'),
            t('还连着的节点数', 'nodes still reachable'),
            t('评估时建的图会一直留着', 'graphs built during evaluation stay alive'))


PICTURES = {'matrices': matrices, 'misconceptions': misconceptions}


def main():
    IMG.mkdir(parents=True, exist_ok=True)
    for make in PICTURES.values():
        make()


if __name__ == '__main__':
    main()
