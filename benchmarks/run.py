"""micrograd_zh 性能基准 (benchmarks)：依次跑每个工作负载 (workload)，最后汇总成一张表和目标清单。

    python benchmarks/run.py                   # 全部 (all workloads)
    python benchmarks/run.py --quick           # 冒烟测试 (smoke run)：每个脚本都用小尺寸跑一遍
    python benchmarks/run.py --only moons,gpt  # 只跑其中几个
    python benchmarks/run.py --gc on           # 只测默认的 GC（省掉 gc.disable()/gc.freeze() 两种）

每个工作负载是 benchmarks/ 里的一个独立脚本，也可以单独运行，说明在各自的文件开头和 benchmarks/README.md。
一个脚本要加入这里，把它的名字加进 WORKLOADS；它若用 _timing.Report 打印结果，它的行也会进汇总表。
--quick 和 --gc 只传给在 --help 里列出它们的脚本：不认识 --quick 的脚本在 --quick 时跳过，
不认识 --gc 的照常运行并说明。
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import _timing as T

HERE = Path(__file__).resolve().parent
WORKLOADS = ('moons', 'gpt', 'twolayer', 'chain', 'memory', 'viz', 'cnn')


def options(script):
    """脚本的 --help 文字 (the script's --help text)：看它认识哪些选项。"""
    return subprocess.run([sys.executable, str(script), '--help'], capture_output=True, text=True).stdout


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description='micrograd_zh 性能基准 (benchmarks)：依次运行每个工作负载并汇总')
    p.add_argument('--only', default=','.join(WORKLOADS),
                   help=f'逗号分隔的工作负载 (comma-separated workloads): {",".join(WORKLOADS)}')
    p.add_argument('--quick', action='store_true', help='冒烟测试：每个脚本都加 --quick (smoke run)')
    p.add_argument('--gc', default=None, help='传给每个脚本的 --gc，例如 on 或 on,disable,freeze')
    args = p.parse_args(argv)
    chosen = [w.strip() for w in args.only.split(',') if w.strip()]
    unknown = sorted(set(chosen) - set(WORKLOADS))
    if unknown:
        p.error(f"未知的工作负载 (unknown workloads): {', '.join(unknown)}；可选 (choose from) {', '.join(WORKLOADS)}")
    T.header('micrograd_zh 性能基准 (benchmarks): ' + ', '.join(chosen), argv)
    rows, goals, failed = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, 'rows.jsonl')
        for name in chosen:
            script = HERE / f'{name}.py'
            if not script.exists():
                T.say(f'\n[跳过 skip] 还没有 benchmarks/{name}.py (benchmarks/{name}.py does not exist yet)')
                continue
            T.say()
            flags = []
            if args.quick or args.gc:
                known = options(script)
                if args.quick and '--quick' not in known:
                    T.say(f'[跳过 skip] benchmarks/{name}.py 没有 --quick (has no --quick option)')
                    continue
                flags = ['--quick'] if args.quick else []
                if args.gc and '--gc' in known:
                    flags += ['--gc', args.gc]
                elif args.gc:
                    T.say(f'[注意 note] benchmarks/{name}.py 没有 --gc，按它自己的方式运行 (has no --gc option)')
            code = subprocess.call([sys.executable, str(script)] + flags, env=dict(os.environ, BENCH_JSON=results))
            if code != 0:
                failed.append(name)
                T.say(f'[失败 failed] benchmarks/{name}.py 退出码 (exit code) {code}')
        if os.path.exists(results):
            with open(results, encoding='utf-8') as f:
                for line in f:
                    part = json.loads(line)
                    rows += part['rows']
                    goals += part['goals']
    T.say('\n\n== 汇总 (summary) ==')
    T.header('micrograd_zh 性能基准 (benchmarks): ' + ', '.join(chosen), argv)
    T.print_table(rows, goals)
    if failed:
        T.say(f"\n失败的工作负载 (failed workloads): {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
