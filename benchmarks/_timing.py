"""基准的公共部分 (shared helpers of the benchmarks)：子进程、轮流、中位数、GC 模式、表格。

诚实计时 (honest timing) 的四条规则，每个工作负载 (workload) 都遵守：
1. 每个引擎在【单独的子进程】(separate process) 里跑：一个引擎留下的垃圾、内存碎片和解释器状态
   不会拖慢下一个。父进程按 A B C A B C … 的顺序轮流 (alternate) 启动它们，机器的噪声同时落在各引擎上。
2. 计时的就是用户自己的训练循环 (a user's own training loop) 感受到的：整段 `steps` 步一起计时再除以步数，
   中间不调用 gc.collect()，循环垃圾回收 (cyclic garbage collector) 的开销照实计入。
3. 报告各进程结果的中位数 (median) 和范围 (spread: min–max)，以及 Python 版本和复现的命令。
4. GC 的代价单独成行：'on'（默认）、'paused'（每一步包在 micrograd_zh.paused_gc() 里：用户循环里多写的那一行，
   fit() 也这样做）、'disable'（建好模型后 gc.disable()）、'freeze'（建好模型后 gc.freeze()，把已有对象移出
   回收器的视野）。另用 gc.callbacks 量出回收器本身花掉的时间。

子进程协议 (worker protocol)：`python benchmarks/<workload>.py --worker '<spec JSON>'`，输入数据
从 stdin 以 JSON 传入，结果是 stdout 最后一行 `RESULT <JSON>`。
run.py 设置环境变量 BENCH_JSON 时，report() 把行和目标追加写进那个文件，汇总成一张表。
"""

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))              # 直接从仓库导入 micrograd_zh，不必 pip install

OURS = 'micrograd_zh'
PINS = {'micrograd': 'micrograd==0.1.0', 'torch': 'torch==2.13.0'}
GC_MODES = ('on', 'paused', 'disable', 'freeze')
GC_LABELS = {'on': 'gc on', 'paused': 'paused_gc()', 'disable': 'gc.disable()', 'freeze': 'gc.freeze()'}
MARK = 'RESULT '


def is_gc_mode(mode):
    """GC_MODES 之一，或 'threshold:N'（gc.set_threshold(N)）。"""
    return mode in GC_MODES or (mode.startswith('threshold:') and mode[10:].isdigit())


def gc_label(mode):
    """表中 GC 一列的写法；None 表示这一行与 GC 无关 (not a timing under a gc mode)。"""
    if mode is None:
        return ''
    return GC_LABELS.get(mode) or f'gc.set_threshold({mode[10:]})'


def say(text=''):
    print(text, flush=True)


def available(name):
    """对比引擎 (reference engine) 装了没有；没装就打印一行怎么装，返回 False。"""
    try:
        __import__(name)
        return True
    except ImportError:
        say(f'  [跳过 skip] 没有安装 {name} (not installed): pip install {PINS[name]}')
        return False


def header(title, argv):
    """打印标题、Python 版本、机器、负载 (load average) 和复现这次运行的命令。"""
    script = os.path.relpath(sys.argv[0], ROOT) if sys.argv[0] else 'benchmarks/run.py'
    say(f'== {title} ==')
    say(f'  Python {platform.python_version()} ({platform.python_implementation()}, {sys.executable}), '
        f'{platform.machine()} {platform.system()}, {os.cpu_count()} CPU, 负载 (load average) {load()}')
    say(f'  命令 (command): python {" ".join([script] + list(argv))}')
    warn_if_loaded()


def warn_if_loaded():
    """1 分钟平均负载 ≥ CPU 个数时提醒：墙钟时间不可靠 (wall-clock times are unreliable)。"""
    try:
        busy = os.getloadavg()[0] >= (os.cpu_count() or 1)
    except OSError:
        return
    if busy:
        say(f'  [注意 note] 机器很忙 (machine is loaded, load {load()} on {os.cpu_count()} CPU)：墙钟时间不可靠，'
            '请看 CPU 时间和范围 (wall-clock times are unreliable: look at CPU times and ranges)')


def load():
    try:
        return ' '.join(f'{x:.2f}' for x in os.getloadavg())
    except OSError:
        return '?'


def parser(description, rounds):
    """各工作负载共用的命令行参数：--quick、--rounds、--gc。"""
    p = argparse.ArgumentParser(description=description)
    p.add_argument('--quick', action='store_true', help='冒烟测试 (smoke run)：小尺寸、一轮，数字没有意义')
    p.add_argument('--rounds', type=int, default=rounds,
                   help=f'轮数 (rounds)：每个引擎启动几个进程，默认 {rounds}')
    p.add_argument('--gc', default=None,
                   help='GC 模式 (gc modes)，逗号分隔：on（默认的回收器）、paused（每步 with paused_gc():）、disable（gc.disable()）、'
                        'freeze（建好模型后 gc.freeze()）、threshold:N（gc.set_threshold(N)）；'
                        '默认 on,disable,freeze，--quick 时只有 on')
    return p


def gc_modes(args):
    """--gc 选的 GC 模式；没给时全部，--quick 时只有 'on'。"""
    if args.gc is None:
        return ['on'] if args.quick else list(GC_MODES)
    modes = [m.strip() for m in args.gc.split(',') if m.strip()]
    unknown = [m for m in modes if not is_gc_mode(m)]
    if unknown:
        raise SystemExit(f'未知的 GC 模式 (unknown gc modes): {", ".join(unknown)}；可选 (choose from) '
                         f'{", ".join(GC_MODES)}, threshold:N')
    return modes


# ---------------------------------------------------------------- 子进程里 (inside a worker)
class GcClock:
    """用 gc.callbacks 记下循环垃圾回收器 (cyclic GC) 运行的总时间和次数。"""

    def __init__(self):
        self.seconds, self.collections, self._start = 0.0, 0, 0.0

    def __call__(self, phase, info):
        if phase == 'start':
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections += 1

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


def set_gc(mode):
    """建好模型之后、训练循环之前调用：'on' 什么都不做，'disable' 关掉回收器，'freeze' 冻结已有对象，
    'threshold:N' 把第 0 代的阈值 (generation-0 threshold) 设为 N（默认 700），供以后比较别的做法。"""
    if not is_gc_mode(mode):
        raise ValueError(f'gc 模式必须是 {", ".join(GC_MODES)} 或 threshold:N，而不是 {mode!r} '
                         f'(gc mode must be one of {", ".join(GC_MODES)} or threshold:N, got {mode!r})')
    if mode == 'disable':
        gc.disable()
    elif mode == 'freeze':
        gc.freeze()
    elif mode not in ('on', 'paused'):
        gc.set_threshold(int(mode[10:]), *gc.get_threshold()[1:])


def _each_paused(step, paused_gc):
    def paused_step(k):
        with paused_gc():
            return step(k)
    return paused_step


def clock():
    """(墙钟, CPU) 两个计时器的当前读数 (wall-clock and CPU timers now)。"""
    return time.perf_counter(), time.process_time()


def since(start):
    """从 start = clock() 到现在的 (墙钟秒, CPU 秒)。"""
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


def train(step, warmup, steps, gc_mode):
    """用户的训练循环：先不计时地跑 warmup 步，再把 steps 步整段计时。step(k) 返回第 k 步的损失。

    返回 {'seconds': 每步的墙钟秒数 (wall clock), 'cpu': 每步的 CPU 秒数 (process_time),
    'losses': 每一步的损失, 'gc_seconds': 每步 GC 的秒数, 'gc_runs': 每步回收几次}。
    机器忙 (loaded) 时墙钟时间包括等 CPU 的时间，CPU 时间受影响小得多，所以两个都报告。
    """
    set_gc(gc_mode)
    if gc_mode == 'paused':                    # 每一步一行 with paused_gc():（对每个引擎都一样）
        from micrograd_zh import paused_gc
        step = _each_paused(step, paused_gc)
    losses = [step(k) for k in range(warmup)]
    with GcClock() as collector:
        start = clock()
        for k in range(warmup, warmup + steps):
            losses.append(step(k))
        seconds, cpu = since(start)
    return {'seconds': seconds / steps, 'cpu': cpu / steps, 'losses': losses,
            'gc_seconds': collector.seconds / steps, 'gc_runs': collector.collections / steps}


def worker_main(handler):
    """若命令行是 `--worker <spec>`，就在本进程里跑 handler(spec, payload) 并输出结果，返回 True。"""
    if len(sys.argv) < 3 or sys.argv[1] != '--worker':
        return False
    spec = json.loads(sys.argv[2])
    payload = json.loads(sys.stdin.read() or 'null')
    result = handler(spec, payload)
    sys.stdout.write(MARK + json.dumps(result) + '\n')
    return True


# ---------------------------------------------------------------- 父进程里 (in the parent)
def spawn(script, spec, payload=None):
    """在一个新的 Python 进程里跑一个 worker，返回它的结果 (dict)。"""
    proc = subprocess.run([sys.executable, str(script), '--worker', json.dumps(spec)],
                          input=json.dumps(payload), capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f'worker {spec} 失败 (failed), exit {proc.returncode}:\n{proc.stderr[-3000:]}')
    return json.loads(lines[-1][len(MARK):])


def alternate(script, specs, rounds, payload=None):
    """轮流 (alternating)：第 1 轮依次跑每个 spec 各一个进程，然后第 2 轮……返回与 specs 对齐的结果列表的列表。"""
    results = [[] for _ in specs]
    for r in range(rounds):
        for i, spec in enumerate(specs):
            results[i].append(spawn(script, spec, payload))
        say(f'  第 {r + 1}/{rounds} 轮完成 (round done), 负载 (load) {load()}')
    return results


def spread(values):
    """(中位数 median, 最小 min, 最大 max)。"""
    return statistics.median(values), min(values), max(values)


def max_difference(sequences):
    """几串损失之间逐项的最大差：引擎算的是不是同一件事。"""
    first = sequences[0]
    return max((abs(a - b) for seq in sequences for a, b in zip(seq, first)), default=0.0)


class Report:
    """一个工作负载的结果：行 (rows) 和目标 (goals)。print() 打印表格，并在 BENCH_JSON 设定时写给 run.py。

    quick=True（冒烟测试）时，速度目标一律记为“未测”：一两步的时间不是测量。
    """

    def __init__(self, workload, quick=False):
        self.workload, self.quick, self.rows, self.goals = workload, quick, [], []

    def row(self, item, engine, values, unit, gc_mode='on', note='', scale=1.0, cpu=None):
        """一行：values 是各进程的数值（一个数或一个列表；None 表示没有数值），表中给中位数和范围；
        cpu 是各进程的 CPU 时间，单位与 values 相同。"""
        if values is None:                        # 没有数值 (no value)，例如 RecursionError
            values = []
        values = [v * scale for v in values] if isinstance(values, list) else [values * scale]
        med, low, high = spread(values) if values else (None, None, None)
        self.rows.append({'workload': self.workload, 'item': item, 'engine': engine, 'gc': gc_mode,
                          'median': med, 'low': low, 'high': high, 'n': len(values), 'unit': unit,
                          'cpu': spread([c * scale for c in cpu])[0] if cpu else None, 'note': note})

    def step_rows(self, item, engine, spec, results, unit, scale, note=''):
        """train() 的结果（每个进程一个）变成一行：墙钟中位数、范围、CPU 时间、GC 占比。
        返回 (墙钟中位数, CPU 中位数)，单位是秒。"""
        gc_share = spread([r['gc_seconds'] / r['seconds'] for r in results])[0]
        runs = spread([r['gc_runs'] for r in results])[0]
        self.row(item, engine, [r['seconds'] for r in results], unit, spec['gc'], scale=scale,
                 cpu=[r['cpu'] for r in results],
                 note=f'GC {100 * gc_share:.0f}% of wall, {runs:.0f} collections/step' + (f'; {note}' if note else ''))
        return spread([r['seconds'] for r in results])[0], spread([r['cpu'] for r in results])[0]

    def goal(self, text, measured, met, timing=False):
        """一条 issue 的目标：met 是 True、False 或 None（这次没测）；timing=True 表示这是速度目标。"""
        if timing and self.quick:
            met, measured = None, f'{measured} (--quick: 不算测量 not a measurement)'
        self.goals.append({'workload': self.workload, 'text': text, 'measured': measured, 'met': met})

    def print(self):
        print_table(self.rows, self.goals)
        warn_if_loaded()
        path = os.environ.get('BENCH_JSON')
        if path:
            with open(path, 'a', encoding='utf-8') as f:
                f.write(json.dumps({'rows': self.rows, 'goals': self.goals}) + '\n')


def ratio_text(ref, ours):
    """两个 (墙钟, CPU) 的比值：'51.5x (CPU 30.1x)'。"""
    return f'{ref[0] / ours[0]:.1f}x (CPU {ref[1] / ours[1]:.1f}x)'


def ratio(ref, ours):
    """判断目标用的比值：墙钟和 CPU 时间两个比值中较小的那个。安静的机器上两者几乎相同；
    机器忙时墙钟时间乱跳，取较小者免得噪声让目标看起来达到了。"""
    return min(ref[0] / ours[0], ref[1] / ours[1])


def fmt(value):
    if value is None:
        return '—'
    return f'{value:.3g}' if abs(value) < 1000 else f'{value:,.0f}'


def print_table(rows, goals):
    """表格：每行各进程的墙钟中位数 (wall-clock median)、范围、进程数、CPU 时间的中位数，
    以及墙钟中位数除以 micrograd_zh（同一项、gc on）的比值。"""
    ours = {r['item']: r['median'] for r in rows if r['engine'] == OURS and r['gc'] in ('on', None)}
    header = ('项目 (item)', '引擎 (engine)', 'GC', '中位数 (median)', '范围 (min–max)', 'n',
              'CPU', '÷ micrograd_zh', '备注 (note)')
    lines = []
    for r in rows:
        base = ours.get(r['item'])
        ratio = f"{r['median'] / base:.2f}" if r['median'] is not None and base and r['unit'] != 'ops' else ''
        span = '' if r['n'] < 2 or r['low'] is None else f"{fmt(r['low'])}–{fmt(r['high'])}"
        cpu = '' if r.get('cpu') is None else fmt(r['cpu'])
        lines.append((r['item'], r['engine'], gc_label(r['gc']), f"{fmt(r['median'])} {r['unit']}",
                      span, str(r['n']), cpu, ratio, r['note']))
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    say()
    say(' | '.join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    say('-+-'.join('-' * w for w in widths))
    for line in lines:
        say(' | '.join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())
    if goals:
        say('\n目标 (goals):')
        for g in goals:
            mark = {True: '达到 met', False: '未达到 NOT met', None: '未测 not run'}[g['met']]
            say(f"  [{mark}] {g['text']}: {g['measured']}")
