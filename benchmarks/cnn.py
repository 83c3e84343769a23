"""cnn：demos/cnn_digits.py 的卷积网络 (CNN) 和全连接对照 (Dense-only)，每个训练样本要多少时间，图有多大。

    python benchmarks/cnn.py                   # 默认 3 轮；每个进程热身 1 步，计时 3 步（每步一批 100 张图）
    python benchmarks/cnn.py --quick           # 冒烟测试：一批 2 张，一步

一步 = 与示例的 fit() 相同的一批：zero_grad、前向 + 交叉熵、反向、SGD(time_decay(0.05, 1e-6), 动量 0.9,
Nesterov) 更新；表中的时间除以批大小，是每个样本 (per sample) 的毫秒数。另测 eval：no_grad() 下只做前向和
交叉熵（fit() 每轮算验证集就是这样）。fit() 每一步都暂停循环 GC (paused_gc)，对应表中 paused_gc() 那一行。
开头打印一个样本的图 (one sample's graph) 有多少节点 (nodes) 和边 (edges)：这就是每个样本要做的工作量。
"""

import random
import sys

import _timing as T

BATCH, QUICK_BATCH = 100, 2
NETS = ('CNN', 'Dense-only')


def build(net):
    """(模型, 图像, 标签)：示例里的网络，种子 0；load_digits() 的前几张图。"""
    sys.path.insert(0, str(T.ROOT / 'demos'))
    from cnn_digits import cnn, dense_only
    from micrograd_zh.data import load_digits
    model = {'CNN': cnn, 'Dense-only': dense_only}[net](random.Random(0))
    X, y = load_digits()
    return model, X, y


def make_step(spec):
    """step(k)：一批的训练 (kind 'train') 或评估 (kind 'eval')，返回损失。"""
    from micrograd_zh import no_grad
    from micrograd_zh.losses import cross_entropy
    from micrograd_zh.optim import SGD, time_decay
    model, X, y = build(spec['net'])
    X, y = X[:spec['batch']], y[:spec['batch']]
    opt = SGD(model.parameters(), lr=time_decay(0.05, 1e-6), momentum=0.9, nesterov=True)

    def train(k):
        opt.zero_grad()
        loss = cross_entropy([model(x) for x in X], y)
        loss.backward()
        opt.step()
        return loss.data

    def evaluate(k):
        with no_grad():
            return cross_entropy([model(x) for x in X], y).data
    return train if spec['kind'] == 'train' else evaluate


def worker(spec, _):
    return T.train(make_step(spec), spec['warmup'], spec['steps'], spec['gc'])


def graph_size(net):
    """(参数个数, 节点数, 边数)：一个样本的交叉熵的图，含叶子（参数、常数）；边 = 每个节点的子节点个数之和。"""
    from micrograd_zh import topological_order
    from micrograd_zh.losses import cross_entropy
    model, X, y = build(net)
    nodes = topological_order(cross_entropy(model(X[0]), y[0]))
    return len(model.parameters()), len(nodes), sum(len(n._prev) for n in nodes)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = T.parser('cnn：demos/cnn_digits.py 的网络，每个训练样本的时间 (time per training sample)', rounds=3)
    p.add_argument('--steps', type=int, default=3, help='每个进程计时的步数 (timed steps per process)，默认 3')
    args = p.parse_args(argv)
    batch, warmup = BATCH, 1
    if args.quick:
        batch, args.rounds, args.steps, warmup = QUICK_BATCH, 1, 1, 0
    T.header(f'cnn: demos/cnn_digits.py 的网络，每批 {batch} 张 8×8 的图 (images per batch)', argv)
    for net in NETS:
        params, nodes, edges = graph_size(net)
        T.say(f'  {net}：{params} 个参数；一个样本的图 (one sample\'s graph)：{nodes} 个节点，{edges} 条边（含交叉熵）')
    specs = [{'net': net, 'kind': kind, 'gc': g, 'batch': batch, 'warmup': warmup, 'steps': args.steps}
             for net in NETS for kind in ('train', 'eval') for g in T.gc_modes(args)]
    results = T.alternate(__file__, specs, args.rounds)
    report = T.Report('cnn', args.quick)
    for spec, rs in zip(specs, results):
        report.step_rows(f"{spec['net']} {spec['kind']} per sample", T.OURS, spec, rs, 'ms', 1000.0 / batch)
    report.print()
    return 0


if __name__ == '__main__':
    if not T.worker_main(worker):
        sys.exit(main())
