"""博客实验共用的小工具 (shared helpers for the seed-post experiments)。

demos/seeds/ 里的每个脚本重做一篇博客里的一个实验。它们共用这里的几件事：
- 命令行：--seed（有随机性时）、--out（有图时）、--torch（同时用 PyTorch 跑一遍，并排对比）；
- 可选的 numpy / PyTorch：没装时打印一行说明，实验照常在 micrograd_zh 上跑完；
- 打印 PyTorch 学到的直线和它与 micrograd_zh 的差；画“数据 + 拟合直线”的子图。

画图沿用 demos/_common.py：matplotlib 可选，只存文件，不弹窗口。
"""

import argparse
import os
import sys

DEMOS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if DEMOS not in sys.path:
    sys.path.insert(0, DEMOS)               # 为了 demos/_common.py

from _common import plot_loss, pyplot, run, save, t  # noqa: E402  (供各脚本使用 re-exported)

__all__ = ['parser', 'want_torch', 'want_numpy', 'torch_line', 'draw_fit', 'plot_loss', 'pyplot', 'run', 'save', 't']


def parser(description, name=None, seed=True, torch=True):
    """脚本的命令行。name 不为 None 时有 --out（默认 out/seeds/<name>）；seed 为真时有 --seed（默认 0）。"""
    p = argparse.ArgumentParser(description=description)
    if seed:
        p.add_argument('--seed', type=int, default=0, help='随机种子 (random seed)，默认 0')
    if name is not None:
        out = os.path.join('out', 'seeds', name)
        p.add_argument('--out', default=out, help=f'图片保存目录 (where to save pictures)，默认 {out}')
    if torch:
        p.add_argument('--torch', action='store_true',
                       help='同时用 PyTorch 跑同一个实验，并排对比 (also run the experiment in PyTorch, side by side)')
    return p


def want_torch(args):
    """给了 --torch 就返回 torch 模块；没装 PyTorch 时打印一行说明，返回 None。"""
    if not getattr(args, 'torch', False):
        return None
    try:
        import torch
    except ImportError:
        print('没有安装 PyTorch，跳过 --torch 的对比：pip install torch==2.13.0 '
              '(PyTorch is not installed: the --torch comparison is skipped)')
        return None
    return torch


def want_numpy(what_zh, what_en):
    """返回 numpy 模块；没装时打印一行说明（跳过的是什么），返回 None。"""
    try:
        import numpy
    except ImportError:
        print(f'没有安装 numpy，跳过{what_zh}：pip install numpy (numpy is not installed: {what_en} skipped)')
        return None
    return numpy


def torch_line(label, tw, tb, w, b):
    """打印 PyTorch 学到的 w、b，以及它们与 micrograd_zh 的 w、b 的差。"""
    print(f'PyTorch ({label}): w = {tw!r}，b = {tb!r}；与 micrograd_zh 的差 (diff) {max(abs(tw - w), abs(tb - b)):.1e}')


def draw_fit(ax, xs, ys, w, b, x_range, title, **style):
    """一张子图：数据的散点 (scatter) 和直线 y = w·x + b（画在 x_range 的两端之间）。"""
    ax.scatter(xs, ys, label=t('数据', 'data'), **style)
    ax.plot(x_range, [w * x + b for x in x_range], 'r', label=f'y = {w:.3f}x + {b:.3f}')
    ax.set_title(title)
    ax.legend(loc='upper left')
