"""profile_step：micrograd_zh 的一步训练，时间花在哪里 (where the time of one step goes)，用 cProfile。

    python benchmarks/profile_step.py moons              # 热身 1 步，剖析 (profile) 5 步
    python benchmarks/profile_step.py gpt --steps 3
    python benchmarks/profile_step.py twolayer --steps 1
    python benchmarks/profile_step.py gpt --engine localgrad

先不剖析地跑几步（GC 照常），用 gc.callbacks 量出循环垃圾回收器 (cyclic GC) 占了多少；
再在 gc.disable() 下剖析同样多的步：回收器的时间会算到碰巧触发它的函数头上，关掉它，各类的比例才是
引擎自己的工作。cProfile 让每次函数调用都变贵，调用多的小函数被放大，比例只是粗略的。
函数按名字归类 (grouped by name)：前向运算、dot/add_n、拓扑排序、反向循环、nn 的参数检查、parameters() 等；
内置函数 (builtins)、推导式 (comprehensions) 和 isinstance 对抽象类 (ABC) 的检查，时间算给调用它们的函数。
"""

import gc

import argparse
import cProfile
import pstats
import sys
import time

import _timing as T
import gpt
import moons
import twolayer

WORKLOADS = {'moons': (moons.make_step, moons.payload),
             'gpt': (gpt.make_step, lambda: gpt.payload(20)),
             'twolayer': (twolayer.make_step, lambda: twolayer.payload(twolayer.FULL))}

CATEGORIES = (
    ('前向运算 forward ops (operators, node creation)',
     {'__add__', '__radd__', '__mul__', '__rmul__', '__sub__', '__rsub__', '__neg__', '__pow__', '__rpow__',
      '__truediv__', '__rtruediv__', 'exp', 'log', 'relu', 'tanh', 'sigmoid', 'sin', 'cos', 'sqrt', 'abs',
      '_node', '_leaf', '_as_value', '_pow', '_exp', '_log', '_div', '_sin', '_cos', '_sqrt', '_to_float',
      '__init__', 'mul', 'div', 'power', 'power_values', 'power_name'}),
    ('dot / add_n (n-ary nodes)', {'dot', 'dots', '_dot', '_unpaired', 'add_n'}),
    ('拓扑排序 topological sort', {'_interior_nodes', 'topological_order', 'visit'}),
    ('反向循环 backward loop', {'backward', '_step'}),
    ('nn 的参数检查 nn argument checks',
     {'_inputs', 'is_real', 'as_list', 'numbers_in', 'positive_int', '_values', '_labels', '_same_length', 'real',
      'finite', 'show'}),
    ('parameters() / zero_grad()', {'parameters', 'named_parameters', 'zero_grad'}),
    ('nn 前向 nn forward (__call__, _forward)', {'__call__', '_forward', '_activate'}),
    ('损失函数 losses', {'hinge', 'l2_penalty', 'sse', 'mse', '_squared_errors'}),
)
PASS_THROUGH = ('<listcomp>', '<genexpr>', '<dictcomp>', '<setcomp>', '__instancecheck__', '__subclasscheck__')


def category(func):
    filename, _, name = func
    if 'micrograd_zh' in filename or filename.endswith('localgrad.py'):
        for label, names in CATEGORIES:
            if name in names:
                return label
    return '其余 other (the loop, SGD update, freeing the graph when step() returns, …)'


def attributed(stats):
    """每个函数自己的时间 (tottime)，内置函数和推导式的时间按调用者分给调用者（可以多层）。"""
    own = {f: v[2] for f, v in stats.items()}

    def passes(f):
        return f[0] == '~' or f[2] in PASS_THROUGH
    for _ in range(5):                            # 推导式里调用内置函数：多分几层
        moved = False
        for f, (_, _, _, _, callers) in stats.items():
            if passes(f) and own[f] and callers:
                share = sum(c[2] for c in callers.values()) or 1.0
                for caller, c in callers.items():
                    own[caller] = own.get(caller, 0.0) + own[f] * c[2] / share
                own[f], moved = 0.0, True
        if not moved:
            break
    return own


def main(argv=None):
    p = argparse.ArgumentParser(description='cProfile 剖析 micrograd_zh 的一步训练 (profile one training step)')
    p.add_argument('workload', choices=sorted(WORKLOADS))
    p.add_argument('--steps', type=int, default=5, help='剖析几步 (profiled steps)，默认 5')
    p.add_argument('--engine', default=T.OURS, help='micrograd_zh（默认），gpt 也可以是 localgrad')
    p.add_argument('--top', type=int, default=15, help='列出自身时间最多的几个函数，默认 15')
    args = p.parse_args(argv)
    make_step, payload = WORKLOADS[args.workload]
    T.header(f'profile: {args.workload} ({args.engine})', sys.argv[1:] if argv is None else argv)
    step = make_step(args.engine, payload())
    step(0)                                       # 热身 (warm-up)
    with T.GcClock() as clock:
        start = time.perf_counter()
        for k in range(1, 1 + args.steps):
            step(k)
        plain = (time.perf_counter() - start) / args.steps
    profiler = cProfile.Profile()
    gc.disable()
    start = time.perf_counter()
    profiler.enable()
    for k in range(1 + args.steps, 1 + 2 * args.steps):
        step(k)
    profiler.disable()
    profiled = (time.perf_counter() - start) / args.steps
    gc.enable()
    stats = pstats.Stats(profiler).stats
    own = attributed(stats)
    total = sum(own.values())
    groups = {}
    for f, t in own.items():
        groups[category(f)] = groups.get(category(f), 0.0) + t
    gc_step = clock.seconds / args.steps
    T.say(f'  不剖析、GC 照常时每步 (plain, gc on) {plain * 1e3:.1f} ms，其中循环 GC (of which the cyclic GC) '
          f'{gc_step * 1e3:.1f} ms = {100 * gc_step / plain:.0f}%（{clock.collections / args.steps:.0f} 次/步 '
          f'collections/step）')
    T.say(f'  剖析时 (under cProfile, gc.disable()) 每步 {profiled * 1e3:.1f} ms，按类 (by category)，'
          f'占剖析时间的比例 (share of profiled time):')
    for label, t in sorted(groups.items(), key=lambda kv: -kv[1]):
        T.say(f'    {t / args.steps * 1e3:9.2f} ms  {100 * t / total:5.1f}%  {label}')
    T.say(f'\n  自身时间最多的函数 (top functions by own time, builtins and comprehensions given to their callers):')
    for f, t in sorted(own.items(), key=lambda kv: -kv[1])[:args.top]:
        calls = stats[f][1]
        T.say(f'    {t / args.steps * 1e3:9.2f} ms  {calls / args.steps:9.0f} calls/step  '
              f'{f[0].split("/")[-1]}:{f[1]}({f[2]})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
