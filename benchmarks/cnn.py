"""卷积网络的基准 (CNN benchmark)：demos/cnn_digits.py 的两个网络，每个训练样本 (per training sample)
前向 + 反向要多少毫秒，计算图有多少节点 (nodes) 和边 (edges)。

    python benchmarks/cnn.py [--repeat 7] [--batch 100]

在仓库根目录运行，什么都不安装。每一轮 (round) 依次测：
  train gc off   一批 --batch 张图：前向 + 交叉熵 + 反向，循环垃圾回收 (cyclic GC) 关着，和 fit() 里一样
  train gc on    同上，循环 GC 开着：看它在一大批图上要多花多少时间
  eval           no_grad() 下只做前向（fit() 每轮算验证集时就是这样）
各项轮流 (alternating) 跑 --repeat 轮，报中位数 (median)：CPU 时间 (time.process_time) 和墙钟时间 (wall)。
机器被别的程序占用时墙钟时间会变长，CPU 时间受影响小一些；开头打印的负载 (load average) 说明当时有多忙。
"""

import argparse
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'demos'))

from cnn_digits import cnn, dense_only  # noqa: E402
from micrograd_zh import no_grad, topological_order  # noqa: E402
from micrograd_zh.data import load_digits  # noqa: E402
from micrograd_zh.losses import cross_entropy  # noqa: E402


def graph_size(loss):
    """(节点数, 边数)：拓扑序里的全部节点（含叶子：参数、常数），边 = 每个节点的子节点个数之和。"""
    nodes = topological_order(loss)
    return len(nodes), sum(len(n._prev) for n in nodes)


def timed(f):
    wall, cpu = time.perf_counter(), time.process_time()
    f()
    return time.process_time() - cpu, time.perf_counter() - wall


def train_step(model, X, y, gc_on):
    """一批的前向 + 反向，返回 (CPU 秒, 墙钟秒)。"""
    was = gc.isenabled()
    (gc.enable if gc_on else gc.disable)()
    try:
        def run():
            model.zero_grad()
            cross_entropy([model(x) for x in X], y).backward()
        return timed(run)
    finally:
        (gc.enable if was else gc.disable)()


def evaluate(model, X):
    def run():
        with no_grad():
            [model(x) for x in X]
    return timed(run)


def main(argv=None):
    p = argparse.ArgumentParser(description='demos/cnn_digits.py 的网络：每个样本的训练时间、图的大小')
    p.add_argument('--repeat', type=int, default=7, help='轮数 (rounds)，报中位数；默认 7')
    p.add_argument('--batch', type=int, default=100, help='一批多少张图 (images per batch)，默认 100（与示例相同）')
    args = p.parse_args(argv)

    X, y = load_digits()
    X, y = X[:args.batch], y[:args.batch]
    load = os.getloadavg() if hasattr(os, 'getloadavg') else None
    print(f'Python {sys.version.split()[0]}，nproc {os.cpu_count()}，负载 (load average) {load}，'
          f'每批 {args.batch} 张，{args.repeat} 轮的中位数 (median)')
    for name, model in (('CNN', cnn(random.Random(0))), ('Dense-only', dense_only(random.Random(0)))):
        one = cross_entropy(model(X[0]), y[0])
        nodes, edges = graph_size(one)
        times = {'train gc off': [], 'train gc on': [], 'eval': []}
        train_step(model, X, y, False)                     # 热身 (warm-up)
        for _ in range(args.repeat):
            times['train gc off'].append(train_step(model, X, y, False))
            times['train gc on'].append(train_step(model, X, y, True))
            times['eval'].append(evaluate(model, X))
        print(f'\n{name}：{len(model.parameters())} 个参数；一个样本的图 (one sample\'s graph)：'
              f'{nodes} 个节点，{edges} 条边（含交叉熵）')
        for item, runs in times.items():
            cpu = statistics.median(c for c, _ in runs) / args.batch * 1e3
            wall = statistics.median(w for _, w in runs) / args.batch * 1e3
            print(f'  {item:13s} {cpu:6.2f} ms/样本 CPU   {wall:6.2f} ms/样本 wall')
    return 0


if __name__ == '__main__':
    sys.exit(main())
