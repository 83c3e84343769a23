"""冒烟测试 (smoke test)：benchmarks/run.py --quick 能跑完并打印表格。不对时间做任何断言。"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_prints_its_table():
    result = subprocess.run([sys.executable, str(ROOT / 'benchmarks' / 'run.py'), '--quick'],
                            capture_output=True, text=True, timeout=600, cwd=str(ROOT),
                            env=dict(os.environ, PYTHONHASHSEED='0'))
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert '项目 (item)' in out and '中位数 (median)' in out and '目标 (goals):' in out
    for item in ('demo step', 'chain N=1e+03 forward', 'chain N=1e+04 backward', 'bytes per a*b node',
                 'demo peak memory', 'two-layer 8x100->20->10 step'):
        assert f'\n{item}' in out, item
    table = [line for line in out.splitlines() if ' | micrograd_zh ' in line]
    assert len(table) >= 8
    assert 'same losses' in out


def test_unknown_item_is_a_one_line_error():
    result = subprocess.run([sys.executable, str(ROOT / 'benchmarks' / 'run.py'), '--only', 'nope'],
                            capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert result.returncode == 2
    assert 'unknown items' in result.stderr and 'nope' in result.stderr
