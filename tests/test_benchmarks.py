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


def test_cnn_benchmark_prints_times_and_the_graph_size_the_architecture_implies():
    """benchmarks/cnn.py 能跑完；它数出的边数与按结构推算的一样（不对时间做断言）。

    一个样本的边 (edges)：conv1 144 个输出 × (9 权重 + 1 偏置；输入是数据，没有边) = 1440，tanh 144；
    conv2 128 × (36 + 36 + 1) = 9344，tanh 128；池化 32 × 4 = 128；conv3（padding 只留 2×2 落在图里）
    64 × (32 + 32 + 1) = 4160，relu 64，池化 16 × 4 = 64；Dense 32 × (16 + 16 + 1) = 1056，tanh 32；
    Dense 10 × (32 + 32 + 1) = 650；交叉熵 45。合计 17255。
    """
    result = subprocess.run([sys.executable, str(ROOT / 'benchmarks' / 'cnn.py'), '--repeat', '1', '--batch', '2'],
                            capture_output=True, text=True, timeout=600, cwd=str(ROOT))
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert 'CNN：2378 个参数' in out and '17255 条边' in out
    assert 'Dense-only：2410 个参数' in out
    for item in ('train gc off', 'train gc on', 'eval'):
        assert out.count(item) == 2
