"""chain：N 个二元运算的链 y = y * c (a chain of N binary ops)，前向、反向每个节点多少 ns，能走多深。

    python benchmarks/chain.py                 # N = 10³ … 10⁶，默认 3 轮
    python benchmarks/chain.py --full          # 再加上 torch 的 10⁶ 链（每个进程约 10 s）
    python benchmarks/chain.py --quick         # 冒烟测试：N = 10³

引擎 (engines)：micrograd_zh、micrograd 0.1.0、PyTorch 0-d float64、localgrad（gpt.py 的基线）、
以及 CPython 的下限 (floor)：每个运算只造一个与 Value 同样 __slots__ 的对象并记进一个列表 (tape)，
反向时每条边一次 `child.grad += local * upstream`，没有运算符分派，也没有拓扑排序。
micrograd 和 localgrad 的拓扑排序是递归的，深链上 RecursionError；另用二分 (bisection) 找出它们
能反向传播的最深的链。GC 模式 (on / gc.disable() / gc.freeze()) 用在纯 Python 的引擎上；
micrograd 和 torch 只测默认的 GC。
"""

import sys

import _timing as T

SIZES = (10 ** 3, 10 ** 4, 10 ** 5, 10 ** 6)
MAX_N = {'micrograd': 10 ** 5, 'torch': 10 ** 5, 'localgrad': 10 ** 5}    # 更大时太慢或太占内存
GC_ENGINES = ('floor', T.OURS, 'localgrad')                               # 这些引擎测全部 GC 模式
NAMES = {'floor': 'CPython floor', 'torch': 'torch (0-d float64)', 'localgrad': 'localgrad baseline'}


class FloorNode:
    """CPython 的下限 (floor)：与 micrograd_zh.Value 同样的 6 个 __slots__。"""
    __slots__ = ('data', 'grad', 'label', '_prev', '_op', '_local_grads')


def floor_node(data, prev=(), local_grads=(), _new=object.__new__):
    node = _new(FloorNode)
    node.data, node.grad, node.label = data, 0.0, ''
    node._prev, node._op, node._local_grads = prev, '*', local_grads
    return node


def floor_chain(n):
    """下限：object.__new__ 加赋值（Python 里造对象最快的办法）、一个 tape 列表。
    返回 (前向, 反向)，各是 (墙钟秒, CPU 秒)。"""
    _new = object.__new__
    c, y, tape = floor_node(1.0), floor_node(1.0), []
    start = T.clock()
    for _ in range(n):
        node = _new(FloorNode)
        node.data, node.grad, node.label = y.data * c.data, 0.0, ''
        node._prev, node._op, node._local_grads = (y, c), '*', (c.data, y.data)
        tape.append(node)
        y = node
    forward, middle = T.since(start), T.clock()
    y.grad = 1.0
    for node in reversed(tape):
        upstream = node.grad
        for child, local in zip(node._prev, node._local_grads):
            child.grad += local * upstream
    return forward, T.since(middle)


def leaves(engine, a=1.0, b=1.0):
    """引擎的两个叶子 (two leaves) Value(a), Value(b)。"""
    if engine == T.OURS:
        from micrograd_zh import Value
    elif engine == 'micrograd':
        from micrograd.engine import Value
    elif engine == 'localgrad':
        from localgrad import Value
    else:
        import torch

        def Value(x):
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)
    return Value(a), Value(b)


def value_chain(c, y, n):
    """y = y * c 重复 n 次再 y.backward()：返回 (前向, 反向)，各是 (墙钟秒, CPU 秒)；RecursionError 时反向为 None。"""
    start = T.clock()
    for _ in range(n):
        y = y * c
    forward, middle = T.since(start), T.clock()
    try:
        y.backward()
    except RecursionError:
        return forward, None
    return forward, T.since(middle)


def run(engine, n):
    if engine == 'floor':
        return floor_chain(n)
    return value_chain(*leaves(engine), n)


def deepest(engine):
    """能反向传播的最深的链：倍增再二分 (doubling, then bisection)。"""
    def works(n):
        return run(engine, n)[1] is not None
    good, bad = 1, 2
    while works(bad):
        good, bad = bad, bad * 2
    while bad - good > 1:
        mid = (good + bad) // 2
        good, bad = (mid, bad) if works(mid) else (good, mid)
    return good


def worker(spec, _):
    engine, n = spec['engine'], spec['n']
    if spec.get('deepest'):
        return {'deepest': deepest(engine), 'limit': sys.getrecursionlimit()}
    if engine != 'floor':
        leaves(engine)                            # 先导入 (import first)，不计时
    T.set_gc(spec['gc'])
    forward, backward = [0.0, 0.0], [0.0, 0.0]
    for _ in range(spec['reps']):                 # 小 N 重复几次，免得一次只有零点几毫秒
        f, b = run(engine, n)
        forward = [x + y for x, y in zip(forward, f)]
        backward = None if b is None or backward is None else [x + y for x, y in zip(backward, b)]
    nodes = spec['reps'] * n                      # 每个节点的秒数 (seconds per node)：[墙钟, CPU]
    return {'forward': [x / nodes for x in forward], 'backward': backward and [x / nodes for x in backward]}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = T.parser('chain：N 个 y = y * c 的链 (a chain of N binary ops)', rounds=3)
    p.add_argument('--full', action='store_true', help='torch 也跑 10⁶ 的链 (also torch at N = 10^6)')
    args = p.parse_args(argv)
    sizes = SIZES
    if args.quick:
        sizes, args.rounds = SIZES[:1], 1
    T.header('chain: y = y * c 重复 N 次 (N binary ops), 前向和反向 ns/节点 (ns per node)', argv)
    engines = ['floor', T.OURS, 'localgrad'] + [e for e in ('micrograd', 'torch') if T.available(e)]
    specs = []
    for n in sizes:
        for e in engines:
            limit = 10 ** 6 if (e == 'torch' and args.full) else MAX_N.get(e, 10 ** 6)
            if n <= limit:
                for g in T.gc_modes(args) if e in GC_ENGINES else ['on']:
                    specs.append({'engine': e, 'n': n, 'gc': g, 'reps': max(1, 10 ** 5 // (10 * n))})
    results = T.alternate(__file__, specs, args.rounds)

    report = T.Report('chain', args.quick)
    reached = {}
    for spec, rs in zip(specs, results):
        name, n = NAMES.get(spec['engine'], spec['engine']), spec['n']
        forward, backward = [r['forward'] for r in rs], [r['backward'] for r in rs]
        report.row(f'chain N={n:.0e} forward', name, [f[0] for f in forward], 'ns/node', spec['gc'], scale=1e9,
                   cpu=[f[1] for f in forward])
        if None in backward:
            report.row(f'chain N={n:.0e} backward', name, None, 'ns/node', spec['gc'], note='RecursionError')
        else:
            report.row(f'chain N={n:.0e} backward', name, [b[0] for b in backward], 'ns/node', spec['gc'],
                       scale=1e9, cpu=[b[1] for b in backward])
            if spec['gc'] == 'on':
                reached[spec['engine']] = max(n, reached.get(spec['engine'], 0))
    for e in engines:
        if e in ('micrograd', 'localgrad'):
            r = T.spawn(__file__, {'engine': e, 'n': 0, 'deepest': True})
            report.row('deepest chain that backprops', NAMES.get(e, e), r['deepest'], 'ops', None,
                       note=f"RecursionError beyond (recursion limit {r['limit']})")
        elif e in reached and e != 'floor':
            report.row('deepest chain that backprops', NAMES.get(e, e), reached[e], 'ops', None,
                       note='≥: largest N tried')
    ours = reached.get(T.OURS, 0)
    report.goal('a chain of 10^6 ops still backpropagates', f'yes, N={ours:.0e}' if ours >= 10 ** 6
                else f'only N ≤ {ours:.0e} tried (run without --quick)', True if ours >= 10 ** 6 else None)
    report.print()
    return 0


if __name__ == '__main__':
    if not T.worker_main(worker):
        sys.exit(main())
