"""讲座里的神经元 (the lecture's neuron)：前向传播、反向传播、手算核对，画出计算图。

    python demos/neuron.py [--out DIR]

讲座 (lecture)：Andrej Karpathy，"The spelled-out intro to neural networks and backpropagation:
building micrograd"，Neural Networks: Zero to Hero 第 1 讲，
视频 https://www.youtube.com/watch?v=VMj-3S1tku0 ，笔记本 https://github.com/karpathy/nn-zero-to-hero 。
讲座里的神经元有两个输入 x1 = 2、x2 = 0，权重 w1 = -3、w2 = 1，偏置 b = 6.8813735870195432，
输出 o = tanh(x1·w1 + x2·w2 + b)。b 取这个怪数，是为了让 n = 0.8814、o = tanh(n) = √2/2 ≈ 0.7071，
于是 tanh 的局部导数 1 - o² 恰好是 0.5，手算很方便。

这个示例没有随机性 (no randomness)，所以没有 --seed。
"""

import argparse
import os

from _common import save_graph
from micrograd_zh import Value

LECTURE = 'Karpathy, "The spelled-out intro to neural networks and backpropagation: building micrograd"'


def lecture_neuron():
    """讲座里的神经元，节点名与讲座相同。返回 (输出 o, {名字: 节点})。"""
    x1, x2 = Value(2.0, label='x1'), Value(0.0, label='x2')
    w1, w2 = Value(-3.0, label='w1'), Value(1.0, label='w2')
    b = Value(6.8813735870195432, label='b')
    x1w1 = x1 * w1
    x1w1.label = 'x1*w1'
    x2w2 = x2 * w2
    x2w2.label = 'x2*w2'
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = 'x1*w1 + x2*w2'
    n = x1w1x2w2 + b
    n.label = 'n'
    o = n.tanh()
    o.label = 'o'
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, n=n, o=o)


def main(argv=None):
    parser = argparse.ArgumentParser(description='讲座里的神经元：前向与反向传播 (the lecture\'s neuron, forward and backward)')
    parser.add_argument('--out', default=os.path.join('out', 'neuron'),
                        help='计算图保存目录 (where to save the graph)，默认 out/neuron')
    args = parser.parse_args(argv)

    o, v = lecture_neuron()
    print(f'讲座 (lecture): {LECTURE}')
    print(f'前向传播 (forward):  n = x1·w1 + x2·w2 + b = {v["n"].data:.6f}，o = tanh(n) = {o.data:.6f}')
    o.backward()
    print('反向传播 (backward): ' + '，'.join(f'{k}.grad = {v[k].grad:.6f}' for k in ('x1', 'w1', 'x2', 'w2', 'b')))

    # 手算 (by hand)：上游梯度 × 局部导数，一个节点一个节点往回走
    dn = 1.0 * (1 - o.data ** 2)             # tanh 的局部导数 1 - o²
    by_hand = {'x1': dn * v['w1'].data,      # n 对 x1*w1 的局部导数是 1；x1*w1 对 x1 的局部导数是 w1
               'w1': dn * v['x1'].data,
               'x2': dn * v['w2'].data,
               'w2': dn * v['x2'].data,
               'b': dn}
    print(f'手算核对 (by hand):  n.grad = 1 - o² = {dn:.6f}；' +
          '，'.join(f'{k}.grad = {g:.6f}' for k, g in by_hand.items()))
    worst = max(abs(by_hand[k] - v[k].grad) for k in by_hand)
    print(f'两者最大相差 (largest difference): {worst:.1e}')

    save_graph(o, args.out, 'neuron.svg', rankdir='TB')      # 从上往下画：窄，网页上也看得清
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
