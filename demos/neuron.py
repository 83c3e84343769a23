"""讲座里的一个神经元 (the lecture's neuron)：前向传播、反向传播，打印每个梯度，画出计算图。

    python demos/neuron.py [--out DIR]

这个示例没有随机性 (no randomness)，所以没有 --seed。
"""

import argparse
import os

from _common import save_graph
from micrograd_zh import Value


def main(argv=None):
    parser = argparse.ArgumentParser(description='一个神经元的前向与反向传播 (one neuron, forward and backward)')
    parser.add_argument('--out', default=os.path.join('out', 'neuron'),
                        help='计算图保存目录 (where to save the graph)，默认 out/neuron')
    args = parser.parse_args(argv)

    a = Value(2.0, label='a')
    b = Value(-3.0, label='b')
    L = (a * b + 1).tanh()
    L.label = 'L'
    L.backward()
    print(f'前向传播 (forward):  L = tanh(a*b + 1) = {L.data:.6f}')
    print(f'反向传播 (backward): ∂L/∂a = {a.grad:.6f}，∂L/∂b = {b.grad:.6f}')
    t = L.data
    print(f'手算核对 (by hand):  (1 - L²)·b = {(1 - t * t) * b.data:.6f}，(1 - L²)·a = {(1 - t * t) * a.data:.6f}')

    save_graph(L, args.out, 'neuron.svg')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
