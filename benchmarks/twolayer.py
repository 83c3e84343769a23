"""twolayer：种子文章里的两层网络 (the seed's two-layer net) 64 × 1000 → 100 → 10 的一步训练。

    python benchmarks/twolayer.py              # 默认 3 轮；每个进程热身 1 步，计时 3 步
    python benchmarks/twolayer.py --quick      # 冒烟测试：8 × 100 → 20 → 10

MLP(1000, [100, 10])，ReLU，N(0, 1) 初始化 (seed 0)；64 个随机样本和目标 (random.Random(1))；
平方误差和 (sum of squared errors)，SGD，lr 1e-6。一步 = 前向、zero_grad、反向、更新，
循环写法与 PyTorch 教程里这个网络的循环相同。只测 micrograd_zh：
在 micrograd 或 0-d torch 上，同样的网络每步是 64 × (1000·100 + 100·10) × 2 ≈ 1300 万个二元节点 (binary nodes)。
"""

import random
import sys

import _timing as T

FULL = (64, 1000, 100, 10)
QUICK = (8, 100, 20, 10)
LR = 1e-6


def payload(shape):
    n, d_in, _, d_out = shape
    rng = random.Random(1)
    return {'shape': shape,
            'X': [[rng.gauss(0.0, 1.0) for _ in range(d_in)] for _ in range(n)],
            'Y': [v for _ in range(n) for v in [rng.gauss(0.0, 1.0) for _ in range(d_out)]]}


def make_step(engine, data):
    """step(k)：micrograd_zh 上的一步训练，返回损失（engine 只能是 micrograd_zh）。"""
    from micrograd_zh import MLP
    from micrograd_zh.losses import sse
    _, d_in, hidden, d_out = data['shape']
    X, Y = data['X'], data['Y']
    model = MLP(d_in, [hidden, d_out], activation='relu', init='normal', seed=0)

    def step(k):
        loss = sse([v for x in X for v in model(x)], Y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
        return loss.data
    return step


def worker(spec, data):
    return T.train(make_step(T.OURS, data), spec['warmup'], spec['steps'], spec['gc'])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = T.parser('twolayer：64 × 1000 → 100 → 10 的一步训练 (one training step of the two-layer net)', rounds=3)
    p.add_argument('--steps', type=int, default=3, help='每个进程计时的步数 (timed steps per process)，默认 3')
    args = p.parse_args(argv)
    shape, warmup = FULL, 1
    if args.quick:
        shape, args.rounds, args.steps, warmup = QUICK, 1, 1, 0
    name = '{}x{}->{}->{}'.format(*shape)
    T.header(f'twolayer: {name}, 平方误差和 (sum of squares), lr {LR:g}', argv)
    T.say(f'  每个进程热身 {warmup} 步 (warm-up)，计时 {args.steps} 步 (timed steps)')
    specs = [{'gc': g, 'warmup': warmup, 'steps': args.steps} for g in T.gc_modes(args)]
    results = T.alternate(__file__, specs, args.rounds, payload(shape))
    report = T.Report('twolayer', args.quick)
    seconds = {}
    for spec, rs in zip(specs, results):
        seconds[spec['gc']] = report.step_rows(f'two-layer {name} step', T.OURS, spec, rs, 's', 1.0)
    losses = [r['losses'] for rs in results for r in rs]
    T.say('  各步的损失 (loss per step): ' + ', '.join(f'{x:.6g}' for x in losses[0]))
    worst = T.max_difference(losses)
    T.say(f'  所有进程的损失最大差 (max loss difference across processes): {worst:.2e}')
    if tuple(shape) == FULL and 'on' in seconds:
        wall, cpu = seconds['on']
        others = ', '.join(f'{T.gc_label(m)}: {s[0]:.2f} s' for m, s in seconds.items() if m != 'on')
        report.goal('two-layer 64x1000->100->10 step ≤ 0.6 s (gc on)',
                    f'{wall:.2f} s (CPU {cpu:.2f} s)' + (f'; {others}' if others else ''), max(wall, cpu) <= 0.6,
                    timing=True)
    report.print()
    return 0


if __name__ == '__main__':
    if not T.worker_main(worker):
        sys.exit(main())
