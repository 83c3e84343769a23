"""博客实验共用的小工具 (shared helpers for the seed-post experiments)。

demos/seeds/ 里的每个脚本重做一篇博客里的一个实验。它们共用这里的几件事：
- 命令行：--seed（有随机性时）、--out（有图时）、--torch（同时用 PyTorch 跑一遍，并排对比）；
- 可选的 numpy / PyTorch：没装时打印一行说明，实验照常在 micrograd_zh 上跑完；
- 两组数的最大差 (max abs difference)，用来说明两种实现“结果相同”到什么程度；
- PyTorch 的 nn.Linear 默认初始化 (default init)，在没有 PyTorch 时也能照样抽出权重。

画图沿用 demos/_common.py：matplotlib 可选，只存文件，不弹窗口。
"""

import argparse
import math
import os
import sys

DEMOS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if DEMOS not in sys.path:
    sys.path.insert(0, DEMOS)               # 为了 demos/_common.py

from _common import plot_loss, pyplot, run, save, t  # noqa: E402  (供各脚本使用 re-exported)

__all__ = ['parser', 'want_torch', 'want_numpy', 'max_diff', 'pytorch_linear_init', 'set_layer', 'flat',
           'plot_loss', 'pyplot', 'run', 'save', 't']


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
        print('没有安装 PyTorch，跳过 --torch 的对比：pip install torch '
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


def flat(xs):
    """把任意嵌套的列表 / 元组 / 数组摊平成 float 的列表。"""
    if hasattr(xs, 'tolist'):
        xs = xs.tolist()
    if isinstance(xs, (list, tuple)):
        return [v for x in xs for v in flat(x)]
    return [float(xs)]


def max_diff(a, b):
    """两组数（可以嵌套，也可以是 numpy 数组或张量）逐个相减的最大绝对值。"""
    a, b = flat(a), flat(b)
    assert len(a) == len(b), (len(a), len(b))
    return max((abs(x - y) for x, y in zip(a, b)), default=0.0)


def pytorch_linear_init(nin, nout, rng, bias=True):
    """按 PyTorch nn.Linear 的默认规则抽权重：w 和 b 都来自 U(-1/√nin, 1/√nin)。

    （nn.Linear 用 kaiming_uniform_(a=√5)，算下来的边界正好是 1/√nin。）返回 (W, b)：W 是 nout 行 nin 列。
    随机数来自 rng (random.Random)，与 PyTorch 的随机数不同，只是分布相同。
    """
    bound = 1.0 / math.sqrt(nin)
    W = [[rng.uniform(-bound, bound) for _ in range(nin)] for _ in range(nout)]
    b = [rng.uniform(-bound, bound) for _ in range(nout)] if bias else None
    return W, b


def set_layer(layer, W, b=None):
    """把 micrograd_zh 的一层 (Layer) 的权重设成 W（nout 行 nin 列，普通列表或张量），偏置设成 b。"""
    W = W.tolist() if hasattr(W, 'tolist') else W
    b = b.tolist() if hasattr(b, 'tolist') else b
    for j, neuron in enumerate(layer.neurons):
        for i, w in enumerate(neuron.w):
            w.data = float(W[j][i])
        neuron.b.data = float(b[j]) if b is not None else 0.0
