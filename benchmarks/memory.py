"""memory：每个节点占多少字节 (bytes per node)；训练 1000 步内存是否平稳 (flat)。

    python benchmarks/memory.py                # moons 训练 1000 步，每 100 步记一次
    python benchmarks/memory.py --quick        # 冒烟测试：3 × 2 步

1. 每个 a*b 节点的字节数：Python 引擎用 tracemalloc 数（节点对象、子节点元组、局部导数元组、结果 float）；
   torch 的内存在 C++ 里，tracemalloc 看不到，改用 RSS 的增长，只是粗略值。每个引擎一个进程。
2. moons 训练（与 moons.py 同一步）1000 步，每 100 步一段 (block)：这一段的峰值 RSS (VmHWM，每段开始时
   用 /proc/self/clear_refs 清零)、段末的 RSS、段末回收器追踪的对象个数（含 gc.freeze() 冻结的）。
   micrograd_zh 的图没有引用环 (reference cycle)，关掉 GC 也应当平稳；作为对照，micrograd 在
   gc.disable() 下跑 3 步：它的每个节点都在环里，没有回收器就一点也不释放，每步涨几十 MB。
"""

import gc
import re
import sys
import tracemalloc

import _timing as T
import chain
import moons


def status(field):
    """/proc/self/status 里的一项，单位 MB；没有 /proc 时为 None。"""
    try:
        with open('/proc/self/status') as f:
            return int(re.search(field + r':\s+(\d+) kB', f.read()).group(1)) / 1024
    except (OSError, AttributeError):
        return None


def reset_peak():
    """把峰值 RSS (VmHWM) 清零成当前 RSS；做不到就返回 False（峰值从进程开始算起）。"""
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except OSError:
        return False


def bytes_per_node(engine, n):
    if engine == 'floor':
        a, b = chain.floor_node(1.5), chain.floor_node(2.5)

        def mul(x, y):
            return chain.floor_node(x.data * y.data, (x, y), (y.data, x.data))
    else:
        a, b = chain.leaves(engine, 1.5, 2.5)

        def mul(x, y):
            return x * y
    keep = [None] * n
    gc.collect()
    gc.disable()                                  # 计数期间不回收：micrograd 的节点在环里
    if engine == 'torch':
        before = status('VmRSS')
        for i in range(n):
            keep[i] = mul(a, b)
        return {'bytes': (status('VmRSS') - before) * 2 ** 20 / n, 'how': 'RSS growth'}
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        keep[i] = mul(a, b)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {'bytes': (after - before) / n, 'how': 'tracemalloc'}


def train_memory(spec, data):
    engine = moons.ENGINES[spec['engine']](data['weights'])
    X, y = data['X'], data['y']
    T.set_gc(spec['gc'])
    blocks, k, losses = [], 0, []
    for _ in range(spec['blocks']):
        resettable = reset_peak()
        for _ in range(spec['block']):
            losses.append(engine.step(X, y, moons.lr(k % 100)))     # 学习率按 100 步一个周期
            k += 1
        objects = len(gc.get_objects()) + gc.get_freeze_count()      # 冻结的对象不在 get_objects() 里
        blocks.append({'peak': status('VmHWM'), 'rss': status('VmRSS'), 'objects': objects, 'steps': k})
    return {'blocks': blocks, 'resettable': resettable, 'losses': losses}


def worker(spec, data):
    if spec['what'] == 'bytes':
        return bytes_per_node(spec['engine'], spec['n'])
    return train_memory(spec, data)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = T.parser('memory：每个节点的字节数，训练 1000 步的内存 (bytes per node, memory over 1000 steps)', rounds=1)
    args = p.parse_args(argv)
    n, blocks, block = 10 ** 5, 10, 100
    if args.quick:
        n, blocks, block = 10 ** 4, 3, 2
    T.header('memory: 每个节点的字节数和训练中的内存 (bytes per node, memory while training)', argv)
    report = T.Report('memory', args.quick)
    engines = ['floor', T.OURS, 'localgrad'] + [e for e in ('micrograd', 'torch') if T.available(e)]
    for e in engines:
        r = T.spawn(__file__, {'what': 'bytes', 'engine': e, 'n': n * (10 if e == 'torch' else 1)})
        report.row('bytes per a*b node', chain.NAMES.get(e, e), r['bytes'], 'B', None, note=r['how'])

    data = moons.payload()
    runs = [{'what': 'train', 'engine': T.OURS, 'gc': g, 'blocks': blocks, 'block': block}
            for g in T.gc_modes(args)]
    if 'micrograd' in engines and not args.quick:
        runs.append({'what': 'train', 'engine': 'micrograd', 'gc': 'disable', 'blocks': 3, 'block': 1})
    for spec in runs:
        r = T.spawn(__file__, spec, data)
        b = r['blocks']
        if b[0]['peak'] is None:
            T.say('  [跳过 skip] 没有 /proc/self/status，量不了 RSS (no /proc/self/status: RSS not measured)')
            break
        steps = b[-1]['steps']
        item = f'moons training, peak RSS per {spec["block"]} steps'
        growth = b[-1]['peak'] - b[0]['peak']
        report.row(item, spec['engine'], [x['peak'] for x in b], 'MB', spec['gc'],
                   note=f"{steps} steps: block 1 {b[0]['peak']:.1f} → last {b[-1]['peak']:.1f} MB, "
                        f"gc objects {b[0]['objects']} → {b[-1]['objects']}"
                        + ('' if r['resettable'] else '; peak since process start'))
        T.say(f"  {spec['engine']} {T.gc_label(spec['gc'])}: 每段峰值 RSS (peak RSS per block, MB) "
              + ' '.join(f"{x['peak']:.1f}" for x in b))
        if spec['engine'] == T.OURS and steps >= 1000:
            flat = growth <= 1.0 and b[-1]['objects'] <= b[0]['objects'] + 100
            report.goal(f'memory flat over {steps} training steps ({T.gc_label(spec["gc"])}): peak RSS grows '
                        '≤ 1 MB from the first block to the last, gc-tracked objects grow ≤ 100',
                        f"peak {b[0]['peak']:.1f} → {b[-1]['peak']:.1f} MB, "
                        f"objects {b[0]['objects']} → {b[-1]['objects']}", flat)
    report.print()
    return 0


if __name__ == '__main__':
    if not T.worker_main(worker):
        sys.exit(main())
