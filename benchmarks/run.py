"""micrograd_zh 性能基准 (benchmarks)：与 micrograd 0.1.0 和 PyTorch 0-d 张量 (0-d tensors) 比较。

设置 (set-up)，在仓库根目录 (repository root) 下：

    python -m venv .venv && . .venv/bin/activate      # Python ≥ 3.9
    pip install micrograd==0.1.0 torch==2.13.0        # 可选 (optional)：用来对比的引擎，缺哪个就跳过哪个
    python benchmarks/run.py                          # 默认 (default)：2 核上约 1.5 分钟
    python benchmarks/run.py --quick                  # 冒烟测试 (smoke run)：十几秒
    python benchmarks/run.py --only demo,chain        # 只跑其中几项 (a subset)
    python benchmarks/run.py --full                   # 加上两层网络 500 步、torch 的 10^6 链：约 20–25 分钟

本脚本什么都不安装 (installs nothing)，直接从仓库根目录导入 micrograd_zh，不必 pip install。
micrograd==0.1.0 与 karpathy/micrograd 的代码相同；torch 请写明 ==2.13.0（CPU 版即可）。

测的项目 (items)：
  demo      micrograd 的 moons 示例的一步训练：MLP(2, [16, 16, 1])，100 个点，hinge + 1e-4·Σp²，
            前向 + zero_grad + 反向 + SGD。初始权重相同（random.seed(1337) 后建 micrograd 的模型，
            把权重复制给其他引擎），并打印每步的损失 (loss)，证明各引擎算的是同一件事。
  chain     N 个二元运算 y = y * c 的链，N = 10^3 … 10^6：前向、反向每个节点多少 ns；
            以及 CPython 的下限 (floor)：每个运算造一个 __slots__ 对象、每条边一次循环；
            以及每个引擎能反向传播的最深的链。
  memory    每个 a*b 节点占多少字节 (tracemalloc)；100 步训练中的峰值内存 (peak) 是否平稳 (flat)。
  twolayer  经典两层网络 64 × 1000 → 100 → 10（平方误差和，lr 1e-6）：每步时间和峰值内存；
            --full 时训练完整的 500 步。
  viz       把一张 1000 个节点的图画成 SVG 的时间（需要 micrograd_zh.viz 和一个渲染器）。

各引擎在同一个进程里轮流 (alternating) 运行，机器的噪声 (noise) 同时影响它们；表中是中位数 (median)。
"""

import argparse
import gc
import importlib.util
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from micrograd_zh import MLP, Value  # noqa: E402
from micrograd_zh.losses import hinge, l2_penalty, sse  # noqa: E402

ITEMS = ('demo', 'chain', 'memory', 'twolayer', 'viz')
OURS = 'micrograd_zh'
ROWS = []       # (项目 item, 引擎 engine, 数值 value, 单位 unit, 备注 note)
GOALS = []      # (目标 goal, 实测 measured, 是否达到 met)


def optional(name):
    """导入可选的对比引擎；没装就返回 None 并说明。"""
    try:
        return __import__(name)
    except ImportError:
        print(f'  [跳过 skip] 没有安装 {name} (not installed): pip install {PINS[name]}')
        return None


PINS = {'micrograd': 'micrograd==0.1.0', 'torch': 'torch==2.13.0'}


def median(xs):
    return statistics.median(xs)


def row(item, engine, value, unit, note=''):
    ROWS.append((item, engine, value, unit, note))


def goal(text, measured, met):
    GOALS.append((text, measured, met))


def say(text):
    print(text, flush=True)


# ---------------------------------------------------------------- demo: micrograd 的 moons 训练步
def moons():
    from micrograd_zh.data import make_moons
    X, y = make_moons(100, noise=0.1, seed=0)
    return X, [2.0 * t - 1.0 for t in y]          # 标签 -1 / +1 (labels)


def initial_weights(micrograd):
    """[[(w 列表, b), ...每个神经元], ...每层]：取自 random.seed(1337) 后建的 micrograd 模型。"""
    random.seed(1337)
    if micrograd is not None:
        import micrograd.nn
        model = micrograd.nn.MLP(2, [16, 16, 1])
        return [[([w.data for w in n.w], n.b.data) for n in layer.neurons] for layer in model.layers]
    sizes = [2, 16, 16, 1]                        # 没有 micrograd 时：同样的 random.uniform(-1, 1) 抽取顺序
    return [[([random.uniform(-1, 1) for _ in range(sizes[i])], 0.0) for _ in range(sizes[i + 1])]
            for i in range(3)]


def load_weights(layers, weights):
    """把权重写进 micrograd 或 micrograd_zh 的模型（两者的结构相同：layers[i].neurons[j].w / .b）。"""
    for layer, ws in zip(layers, weights):
        for neuron, (w, b) in zip(layer.neurons, ws):
            for p, value in zip(neuron.w, w):
                p.data = value
            neuron.b.data = b


class OursDemo:
    name = OURS

    def __init__(self, weights):
        self.model = MLP(2, [16, 16, 1])
        load_weights(self.model.layers, weights)
        self.params = self.model.parameters()

    def step(self, X, y, lr):
        scores = [self.model(x) for x in X]
        loss = hinge(scores, y) + l2_penalty(self.params, 1e-4)
        self.model.zero_grad()
        loss.backward()
        for p in self.params:
            p.data -= lr * p.grad
        return loss.data


class MicrogradDemo:
    name = 'micrograd'

    def __init__(self, weights):
        import micrograd.nn
        random.seed(1337)
        self.model = micrograd.nn.MLP(2, [16, 16, 1])
        load_weights(self.model.layers, weights)

    def step(self, X, y, lr):                     # 与 micrograd 的 demo.ipynb 相同 (as in its demo)
        from micrograd.engine import Value as MValue
        inputs = [list(map(MValue, row)) for row in X]
        scores = list(map(self.model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum((p * p for p in self.model.parameters()))
        total = data_loss + reg_loss
        self.model.zero_grad()
        total.backward()
        for p in self.model.parameters():
            p.data -= lr * p.grad
        return total.data


class TorchDemo:
    name = 'torch (0-d float64)'

    def __init__(self, weights):
        import torch
        self.torch = torch
        self.layers = [[([torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in w],
                         torch.tensor(b, dtype=torch.float64, requires_grad=True)) for w, b in layer]
                       for layer in weights]
        self.params = [p for layer in self.layers for w, b in layer for p in w + [b]]

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            out = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
            x = out if i == len(self.layers) - 1 else [o.relu() for o in out]
        return x[0]

    def step(self, X, y, lr):
        scores = [self.forward(x) for x in X]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in self.params)
        for p in self.params:
            p.grad = None
        total.backward()
        with self.torch.no_grad():
            for p in self.params:
                p -= lr * p.grad
        return total.item()


class GcOff:
    """同一个引擎，但计时的那一步关掉循环垃圾回收 (cyclic GC)；步后（不计时）再收集。"""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name + ' (gc off)'

    def step(self, X, y, lr):
        gc.disable()
        try:
            return self.inner.step(X, y, lr)
        finally:
            gc.enable()


def bench_demo(args, micrograd, torch):
    say('\n== demo: micrograd 的 moons 训练步 (one training step of the micrograd moons demo) ==')
    X, y = moons()
    weights = initial_weights(micrograd)
    engines = [OursDemo(weights), GcOff(OursDemo(weights))]
    if micrograd is not None:
        engines += [MicrogradDemo(weights), GcOff(MicrogradDemo(weights))]
    if torch is not None:
        engines.append(TorchDemo(weights))
    times = {e.name: [] for e in engines}
    losses = {e.name: [] for e in engines}
    for k in range(args.demo_steps):
        lr = 1.0 - 0.9 * k / 100
        for e in engines[k % len(engines):] + engines[:k % len(engines)]:     # 轮换先后 (rotate)
            start = time.perf_counter()
            losses[e.name].append(e.step(X, y, lr))
            times[e.name].append(time.perf_counter() - start)
            gc.collect()                          # 不计时：别让一个引擎的垃圾拖慢下一个
        say(f'  第 {k} 步 (step {k}) 损失 (loss): '
            + ', '.join(f'{name} {values[-1]:.12f}' for name, values in losses.items()))
    ours = losses[OURS]
    worst = max(abs(a - b) for values in losses.values() for a, b in zip(values, ours))
    say(f'  各引擎损失的最大差 (max loss difference across engines): {worst:.2e}')
    for name, ts in times.items():
        row('demo step', name, median(ts) * 1e3, 'ms', f'{len(ts)} steps')
    base = median(times[OURS])
    if micrograd is not None:
        ratio = median(times['micrograd']) / base
        goal('demo step ≥ 100x faster than micrograd', f'{ratio:.0f}x', ratio >= 100)
    if torch is not None:
        ratio = median(times[TorchDemo.name]) / base
        goal('demo step ≥ 50x faster than torch 0-d', f'{ratio:.0f}x', ratio >= 50)
    goal('same losses (max difference < 1e-9)', f'{worst:.1e}', worst < 1e-9)


# ---------------------------------------------------------------- chain: 深链与 CPython 下限
class FloorNode:
    """CPython 的下限 (floor)：与 Value 同样的 __slots__。"""
    __slots__ = Value.__slots__


def floor_node(data, prev, op, local_grads, _new=object.__new__):
    node = _new(FloorNode)
    node.data, node.grad, node._label = data, 0.0, ''
    node._prev, node._op, node._local_grads = prev, op, local_grads
    return node


def chain_floor(n):
    """每个运算造一个 __slots__ 对象（object.__new__ 加赋值，是 Python 里最快的造法；比调用类、经过
    __init__ 快，而且 __init__ 在 torch 跑过之后会莫名变慢）、记进一个列表；反向时每条边一次循环。
    没有类型检查，没有拓扑排序，没有函数调用。"""
    _new = object.__new__
    c, y, tape = floor_node(1.0, (), '', ()), floor_node(1.0, (), '', ()), []
    start = time.perf_counter()
    for _ in range(n):
        node = _new(FloorNode)
        node.data, node.grad, node._label = y.data * c.data, 0.0, ''
        node._prev, node._op, node._local_grads = (y, c), '*', (c.data, y.data)
        tape.append(node)
        y = node
    middle = time.perf_counter()
    y.grad = 1.0
    for node in reversed(tape):
        upstream = node.grad
        for child, local in zip(node._prev, node._local_grads):
            child.grad += local * upstream
    return middle - start, time.perf_counter() - middle


def _time_chain(c, y, n):
    """y = y * c 重复 n 次再 y.backward()：返回 (前向秒数, 反向秒数)；反向 RecursionError 时反向为 None。"""
    start = time.perf_counter()
    for _ in range(n):
        y = y * c
    middle = time.perf_counter()
    try:
        y.backward()
    except RecursionError:
        return middle - start, None
    return middle - start, time.perf_counter() - middle


def chain_ours(n):
    return _time_chain(Value(1.0), Value(1.0), n)


def chain_micrograd(n):
    from micrograd.engine import Value as MValue
    return _time_chain(MValue(1.0), MValue(1.0), n)


def chain_torch(n):
    import torch
    c = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    return _time_chain(c, y, n)


def deepest_micrograd():
    """micrograd 能反向传播的最深的链（它的拓扑排序是递归的）：倍增再二分 (doubling, then bisection)。"""
    def works(n):
        return chain_micrograd(n)[1] is not None
    good, bad = 1, 2
    while works(bad):
        good, bad = bad, bad * 2
    while bad - good > 1:
        mid = (good + bad) // 2
        good, bad = (mid, bad) if works(mid) else (good, mid)
    return good


def bench_chain(args, micrograd, torch):
    say('\n== chain: N 个二元运算 y = y * c (a chain of N binary ops) ==')
    ratios, deepest = {}, {}
    for n in args.chain_sizes:
        repeat = max(1, min(args.repeat, 10 ** 6 // (10 * n) + 1))
        engines = [('CPython floor', chain_floor), (OURS, chain_ours)]
        if micrograd is not None and n <= 10 ** 5:          # 更大时 micrograd 的前向要几个 GB
            engines.append(('micrograd', chain_micrograd))
        if torch is not None and (n <= 10 ** 5 or args.full):
            engines.append(('torch (0-d float64)', chain_torch))
        results = {name: [] for name, _ in engines}
        for r in range(repeat):                   # 轮换先后 (rotate)
            for name, fn in engines[r % len(engines):] + engines[:r % len(engines)]:
                if n <= 10 ** 4:                  # 不计时的热身 (untimed warm-up)：没有它，紧跟在 torch
                    fn(n)                         # 后面跑的那个会慢一倍（内存状态），下限会被高估
                    gc.collect()
                results[name].append(fn(n))
                gc.collect()
        totals = {}
        for name, rs in results.items():
            fwd = median([f for f, b in rs]) / n * 1e9
            done = [b for f, b in rs if b is not None]
            bwd = median(done) / n * 1e9 if done else None
            row(f'chain N={n:.0e} forward', name, fwd, 'ns/node', f'{repeat} runs')
            row(f'chain N={n:.0e} backward', name, bwd, 'ns/node',
                f'{repeat} runs' if done else 'RecursionError')
            if done:
                totals[name] = fwd + bwd
                deepest[name] = n
        ratios[n] = totals[OURS] / totals['CPython floor']
        say(f'  N={n:.0e}: micrograd_zh 前向+反向 / CPython 下限 (forward+backward / floor) = {ratios[n]:.2f}')
    worst = max(ratios.values())
    goal('chain within 1.5x of the CPython floor (forward+backward, worst N)',
         f'{worst:.2f}x (' + ', '.join(f'N={n:.0e}: {r:.2f}' for n, r in ratios.items()) + ')', worst <= 1.5)
    biggest = deepest[OURS]
    goal('a chain of 10^6 ops backprops', f'yes, N={biggest:.0e} (largest tried)' if biggest >= 10 ** 6
         else f'only N ≤ {biggest:.0e} tried (run without --quick)', biggest >= 10 ** 6 or None)
    for name in (OURS, 'torch (0-d float64)'):
        if name in deepest:
            row('deepest chain backprop', name, deepest[name], 'ops', '≥: largest tried')
    if micrograd is not None:
        row('deepest chain backprop', 'micrograd', deepest_micrograd(), 'ops',
            f'RecursionError beyond (recursion limit {sys.getrecursionlimit()})')


# ---------------------------------------------------------------- memory: 每个节点的字节数，训练中的峰值
def traced_bytes_per_node(make_pair, n):
    a, b = make_pair()
    keep = [None] * n
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        keep[i] = a * b
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / n


def rss_bytes():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def rss_bytes_per_node(make_pair, n):
    a, b = make_pair()
    keep = [None] * n
    gc.collect()
    before = rss_bytes()
    for i in range(n):
        keep[i] = a * b
    return (rss_bytes() - before) / n


def training_memory(engine, X, y, steps):
    """每步的峰值 (peak) 和步后仍占用的内存 (retained)，单位 MB。"""
    peaks, retained = [], []
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for k in range(steps):
        tracemalloc.reset_peak()
        engine.step(X, y, 1.0 - 0.9 * k / 100)
        peaks.append((tracemalloc.get_traced_memory()[1] - base) / 1e6)
        retained.append((tracemalloc.get_traced_memory()[0] - base) / 1e6)
    tracemalloc.stop()
    return peaks, retained


def bench_memory(args, micrograd, torch):
    say('\n== memory: 每个 a*b 节点的字节数，训练中的峰值内存 (bytes per node, peak while training) ==')
    n = args.node_count
    ours = traced_bytes_per_node(lambda: (Value(1.5), Value(2.5)), n)
    row('bytes per a*b node', OURS, ours, 'B', 'tracemalloc')
    goal('≤ 200 bytes per a*b node', f'{ours:.0f} B', ours <= 200)
    row('bytes per a*b node', 'CPython floor',
        traced_bytes_per_node(lambda: (FloorMul(1.5), FloorMul(2.5)), n), 'B', 'tracemalloc')
    if micrograd is not None:
        from micrograd.engine import Value as MValue
        gc.disable()                              # 计数期间不让 GC 回收（micrograd 的节点在环里）
        try:
            row('bytes per a*b node', 'micrograd',
                traced_bytes_per_node(lambda: (MValue(1.5), MValue(2.5)), n), 'B', 'tracemalloc')
        finally:
            gc.enable()
    if torch is not None and os.path.exists('/proc/self/statm'):
        import torch as t

        def pair():
            return (t.tensor(1.5, dtype=t.float64, requires_grad=True),
                    t.tensor(2.5, dtype=t.float64, requires_grad=True))
        row('bytes per a*b node', 'torch (0-d float64)', rss_bytes_per_node(pair, 10 * n), 'B',
            'RSS growth (C++ memory is invisible to tracemalloc)')

    X, y = moons()
    weights = initial_weights(micrograd)
    peaks, retained = training_memory(OursDemo(weights), X, y, args.memory_steps)
    flat = max(peaks) <= 1.1 * peaks[0] and retained[-1] <= retained[0] + 0.1
    row(f'demo peak memory, {len(peaks)} steps', OURS, max(peaks), 'MB',
        f'step 1 {peaks[0]:.1f}, last {peaks[-1]:.1f}; retained {retained[0]:.2f} → {retained[-1]:.2f}')
    goal(f'memory flat over {len(peaks)} training steps', f'peak {peaks[0]:.1f} → {peaks[-1]:.1f} MB, '
         f'retained {retained[0]:.2f} → {retained[-1]:.2f} MB', flat)
    if micrograd is not None:
        steps = args.memory_steps if args.full else min(3, args.memory_steps)
        mpeaks, mret = training_memory(MicrogradDemo(weights), X, y, steps)
        row(f'demo peak memory, {steps} steps', 'micrograd', max(mpeaks), 'MB',
            f'step 1 {mpeaks[0]:.1f}, last {mpeaks[-1]:.1f}; retained {mret[0]:.2f} → {mret[-1]:.2f}')


class FloorMul:
    """下限的 a*b：只造对象，不检查类型。"""
    __slots__ = ('data',)

    def __init__(self, data):
        self.data = data

    def __mul__(self, other):
        a, b = self.data, other.data
        return floor_node(a * b, (self, other), '*', (b, a))


# ---------------------------------------------------------------- twolayer: 64 × 1000 → 100 → 10
def bench_twolayer(args, micrograd, torch):
    N, D_in, H, D_out, lr = args.twolayer_size
    say(f'\n== twolayer: {N} × {D_in} → {H} → {D_out}，平方误差和 (sum of squares)，lr {lr:g} ==')
    rng = random.Random(1)
    X = [[rng.gauss(0.0, 1.0) for _ in range(D_in)] for _ in range(N)]
    Y = [[rng.gauss(0.0, 1.0) for _ in range(D_out)] for _ in range(N)]
    model = MLP(D_in, [H, D_out], activation='relu', init='normal', seed=0)
    params = model.parameters()
    targets = [v for r in Y for v in r]

    def step():
        loss = sse([v for x in X for v in model(x)], targets)
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.data

    gc.collect()
    tracemalloc.start()
    first = step()                                # 第一步在 tracemalloc 下跑，只量峰值内存
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    times, losses = [], [first]
    start = time.perf_counter()
    for k in range(2, args.twolayer_steps + 1):
        t0 = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - t0)
        if k % 50 == 0:
            say(f'  第 {k} 步 (step {k}): 损失 (loss) {losses[-1]:.6g}，{median(times):.2f} s/step')
    total = time.perf_counter() - start
    shape = f'{N}x{D_in}->{H}->{D_out}'
    row(f'two-layer {shape} step', OURS, median(times), 's', f'{len(times)} steps')
    row(f'two-layer {shape} peak memory', OURS, peak, 'MB', 'one step, tracemalloc')
    say(f'  {len(losses)} 步 (steps): 损失 (loss) {losses[0]:.6g} → {losses[-1]:.6g}，'
        f'计时的 {len(times)} 步共 {total:.1f} s')
    if (N, D_in, H, D_out) == (64, 1000, 100, 10):
        if len(losses) >= 500:
            goal('full two-layer net trains 500 steps', f'{total + median(times):.0f} s in all, '
                 f'{median(times):.2f} s/step, peak {peak:.0f} MB, loss {losses[0]:.3g} → {losses[-1]:.3g}',
                 True)
        else:
            goal('full two-layer net trains 500 steps', f'not run (≈{500 * median(times) / 60:.0f} min '
                 f'estimated; use --full); {median(times):.2f} s/step, peak {peak:.0f} MB', None)


# ---------------------------------------------------------------- viz: 1000 个节点的图 → SVG
def bench_viz(args, micrograd, torch):
    say('\n== viz: 1000 个节点的图画成 SVG (render a 1000-node graph to SVG) ==')
    if importlib.util.find_spec('micrograd_zh.viz') is None:
        say('  [跳过 skip] 还没有 micrograd_zh.viz (micrograd_zh.viz does not exist yet)')
        return
    from micrograd_zh import topological_order, viz
    y = Value(0.5, label='x')
    for i in range(333):                          # 每步 3 个节点：w_i、*、tanh
        y = (y * Value(0.9, label=f'w{i}')).tanh()
    y.backward()
    n = len(topological_order(y))
    dot_times, svg_times = [], []
    for _ in range(args.viz_repeat):
        start = time.perf_counter()
        graph = viz.draw_dot(y, max_nodes=None)
        dot_times.append(time.perf_counter() - start)
        try:
            start = time.perf_counter()
            graph.svg()
            svg_times.append(time.perf_counter() - start)
        except viz.RendererNotFoundError as e:
            say(f'  [跳过 skip] {e}')
            break
    row(f'viz {n}-node graph to DOT', OURS, median(dot_times), 's', f'{len(dot_times)} runs')
    if svg_times:
        row(f'viz {n}-node graph to SVG', OURS, median(svg_times), 's', f'{len(svg_times)} runs')
        goal(f'render a {n}-node graph to SVG: report the time', f'{median(svg_times):.2f} s', True)


# ---------------------------------------------------------------- 输出表格 (the table)
def fmt(value, unit):
    if value is None:
        return '—'
    if unit in ('ops',):
        return f'{value:,.0f}'
    return f'{value:,.3g}' if value < 100 else f'{value:,.0f}'


def print_table():
    base = {item: value for item, engine, value, unit, note in ROWS if engine == OURS}
    header = ('项目 (item)', '引擎 (engine)', '中位数 (median)', '÷ micrograd_zh', '备注 (note)')
    lines = []
    for item, engine, value, unit, note in ROWS:
        ours = base.get(item)
        ratio = f'{value / ours:.2f}' if value is not None and ours and unit != 'ops' else ''
        lines.append((item, engine, f'{fmt(value, unit)} {unit}', ratio, note))
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    print('\n' + ' | '.join(h.ljust(w) for h, w in zip(header, widths)))
    print('-+-'.join('-' * w for w in widths))
    for line in lines:
        print(' | '.join(str(x).ljust(w) for x, w in zip(line, widths)))
    print('\n目标 (goals):')
    for text, measured, met in GOALS:
        mark = {True: '达到 met', False: '未达到 NOT met', None: '未测 not run'}[met]
        print(f'  [{mark}] {text}: {measured}')


def parse(argv):
    p = argparse.ArgumentParser(description='micrograd_zh 性能基准 (benchmarks)；说明见文件开头 (see docstring)')
    p.add_argument('--only', default=','.join(ITEMS),
                   help=f'逗号分隔的项目 (comma-separated items): {",".join(ITEMS)}')
    p.add_argument('--quick', action='store_true', help='冒烟测试：小尺寸、少重复 (smoke run: small sizes)')
    p.add_argument('--full', action='store_true',
                   help='完整尺寸：两层网络 500 步（约 15 分钟）、torch 的 10^6 链、micrograd 100 步内存')
    p.add_argument('--repeat', type=int, default=5, help='小尺寸的重复次数 (repeats for small sizes)，默认 5')
    args = p.parse_args(argv)
    args.items = [x.strip() for x in args.only.split(',') if x.strip()]
    unknown = sorted(set(args.items) - set(ITEMS))
    if unknown:
        p.error(f"未知的项目 (unknown items): {', '.join(unknown)}；可选 (choose from) {', '.join(ITEMS)}")
    if args.quick:
        args.repeat = min(args.repeat, 2)
        args.demo_steps, args.chain_sizes, args.node_count, args.memory_steps = 2, [10 ** 3, 10 ** 4], 1000, 5
        args.twolayer_size, args.twolayer_steps, args.viz_repeat = (8, 100, 20, 10, 1e-4), 3, 1
    else:
        args.demo_steps = 10 if args.full else 5
        args.chain_sizes = [10 ** 3, 10 ** 4, 10 ** 5, 10 ** 6]
        args.node_count, args.memory_steps = 10 ** 4, 100
        args.twolayer_size = (64, 1000, 100, 10, 1e-6)
        args.twolayer_steps = 500 if args.full else 4
        args.viz_repeat = 3
    return args


def main(argv=None):
    args = parse(argv)
    say(f'micrograd_zh 性能基准 (benchmarks): Python {platform.python_version()}, '
        f'{platform.machine()}, {os.cpu_count()} CPU, items {",".join(args.items)}'
        + (' --quick' if args.quick else '') + (' --full' if args.full else ''))
    micrograd = optional('micrograd')
    torch = optional('torch')
    if torch is not None:
        say(f'  torch {torch.__version__}, {torch.get_num_threads()} threads')
    for item in args.items:
        globals()['bench_' + item](args, micrograd, torch)
    print_table()
    return 0


if __name__ == '__main__':
    sys.exit(main())
