"""基准脚本的冒烟测试 (smoke tests)：每个工作负载的 --quick 能跑完并打印它的行；基线和共用的部件算得对。

不对时间做任何断言 (no assertion on timing)：速度目标只由 benchmarks/ 在安静的机器上测。
"""

import gc
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_zh import Value

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / 'benchmarks'


def _import_benchmarks(*names):
    """导入 benchmarks/ 里的模块，然后把 sys.path 和 sys.modules 恢复原样：benchmarks/moons.py 与
    demos/moons.py 同名，不能让一个挡住另一个 (so that demos' moons is not shadowed)。"""
    path, stashed = list(sys.path), {n: sys.modules.pop(n) for n in names if n in sys.modules}
    before = set(sys.modules)
    sys.path.insert(0, str(BENCH))
    try:
        return [importlib.import_module(name) for name in names]
    finally:
        sys.path[:] = path
        for name in set(sys.modules) - before:
            if str(getattr(sys.modules[name], '__file__', '')).startswith(str(BENCH)):
                del sys.modules[name]
        sys.modules.update(stashed)


_timing, gpt, localgrad, moons = _import_benchmarks('_timing', 'gpt', 'localgrad', 'moons')


def has(name):
    return importlib.util.find_spec(name) is not None


def run(*args, timeout=900):
    result = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                            cwd=str(ROOT), env={k: v for k, v in os.environ.items() if k != 'BENCH_JSON'})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def table_rows(out):
    """表格里的行：(项目, 引擎, GC, 中位数)。"""
    rows = []
    for line in out.splitlines():
        cells = [c.strip() for c in line.split(' | ')]
        if len(cells) >= 8 and cells[0] != '项目 (item)':
            rows.append(tuple(cells[:4]))
    return rows


def engines_of(rows, item):
    return {engine for it, engine, _, _ in rows if it == item}


def reference_engines():
    return {name for name in ('micrograd', 'torch') if has(name)}


def check_skip_lines(out):
    """没装的对比引擎各有一行怎么装 (how to install)。"""
    for name, pin in _timing.PINS.items():
        assert (f'pip install {pin}' in out) == (not has(name)), name


# ---------------------------------------------------------------- 每个脚本的 --quick
def test_moons_quick_prints_a_row_per_engine_and_equal_losses():
    out = run(BENCH / 'moons.py', '--quick')
    rows = table_rows(out)
    expected = {'micrograd_zh'} | {'micrograd' if n == 'micrograd' else moons.TORCH for n in reference_engines()}
    assert engines_of(rows, 'moons step') == expected
    assert all(gc_mode == 'gc on' and median.endswith(' ms') for _, _, gc_mode, median in rows)
    assert '7681 个节点 (nodes), 65717 条边 (edges)' in out
    assert '[达到 met] same losses on every engine' in out
    if len(expected) > 1:                         # 速度目标在 --quick 下不算数
        assert '[未测 not run] moons step ≥' in out and '[达到 met] moons step' not in out
    check_skip_lines(out)


def test_gpt_quick_runs_both_engines_in_every_gc_mode():
    out = run(BENCH / 'gpt.py', '--quick', '--gc', 'on,disable,freeze,threshold:5000')
    rows = table_rows(out)
    assert {(engine, gc_mode) for item, engine, gc_mode, _ in rows if item == 'gpt step'} == {
        (engine, mode) for engine in ('micrograd_zh', 'localgrad baseline')
        for mode in ('gc on', 'gc.disable()', 'gc.freeze()', 'gc.set_threshold(5000)')}
    assert '[达到 met] same losses on both engines' in out
    assert '[未测 not run] gpt step ≥ 1.5x' in out


def test_twolayer_quick_prints_its_row():
    out = run(BENCH / 'twolayer.py', '--quick')
    assert [r[:3] for r in table_rows(out)] == [('two-layer 8x100->20->10 step', 'micrograd_zh', 'gc on')]


def test_chain_quick_prints_forward_and_backward_rows():
    out = run(BENCH / 'chain.py', '--quick')
    rows = table_rows(out)
    names = {'CPython floor', 'micrograd_zh', 'localgrad baseline'} | {
        'micrograd' if n == 'micrograd' else 'torch (0-d float64)' for n in reference_engines()}
    assert engines_of(rows, 'chain N=1e+03 forward') == names
    assert engines_of(rows, 'chain N=1e+03 backward') == names
    recursion = {engine for item, engine, _, median in rows
                 if item == 'chain N=1e+03 backward' and median == '— ns/node'}
    assert recursion == names & {'localgrad baseline', 'micrograd'}      # 递归的拓扑排序在 1000 层失败
    deepest = {engine: median for item, engine, _, median in rows if item == 'deepest chain that backprops'}
    assert deepest['localgrad baseline'] == deepest.get('micrograd', deepest['localgrad baseline'])
    assert int(deepest['localgrad baseline'].split()[0].replace(',', '')) < 1000


def test_memory_quick_counts_bytes_and_memory_stays_flat():
    out = run(BENCH / 'memory.py', '--quick', '--gc', 'on,disable')
    rows = table_rows(out)
    bytes_rows = {engine: float(median.split()[0].replace(',', ''))
                  for item, engine, _, median in rows if item == 'bytes per a*b node'}
    assert bytes_rows['micrograd_zh'] == bytes_rows['CPython floor']          # 同样的 6 个 slot
    if 'micrograd' in bytes_rows:
        assert bytes_rows['micrograd'] > bytes_rows['micrograd_zh']
    training = [r for r in rows if r[0] == 'moons training, peak RSS per 2 steps']
    assert [r[2] for r in training] == ['gc on', 'gc.disable()']


def test_viz_quick_prints_dot_and_svg_rows():
    out = run(BENCH / 'viz.py', '--quick')
    items = [r[0] for r in table_rows(out)]
    assert items[0] == 'viz 100-node graph to DOT'
    assert items[1:] == ['viz 100-node graph to SVG'] or '[跳过 skip]' in out


def test_run_collects_the_rows_of_each_workload_into_one_summary():
    out = run(BENCH / 'run.py', '--quick', '--only', 'twolayer,viz')
    summary = out[out.index('== 汇总 (summary) =='):]
    items = [r[0] for r in table_rows(summary)]
    assert items[0] == 'two-layer 8x100->20->10 step' and 'viz 100-node graph to DOT' in items


def test_run_passes_quick_only_to_a_script_that_lists_it_in_its_help(tmp_path):
    bench = tmp_path / 'benchmarks'
    bench.mkdir()
    for name in ('run.py', '_timing.py'):
        (bench / name).write_text((BENCH / name).read_text(encoding='utf-8'), encoding='utf-8')
    script = ('import argparse\np = argparse.ArgumentParser()\n{}args = p.parse_args()\n'
              'print("cnn ran", vars(args))\n')
    (bench / 'cnn.py').write_text(script.format(''), encoding='utf-8')
    out = run(bench / 'run.py', '--quick', '--only', 'cnn', timeout=120)
    assert 'benchmarks/cnn.py 没有 --quick (has no --quick option)' in out and 'cnn ran' not in out
    out = run(bench / 'run.py', '--only', 'cnn', '--gc', 'on', timeout=120)
    assert "cnn ran {}" in out and 'has no --gc option' in out
    (bench / 'cnn.py').write_text(script.format("p.add_argument('--quick', action='store_true')\n"), encoding='utf-8')
    assert "cnn ran {'quick': True}" in run(bench / 'run.py', '--quick', '--only', 'cnn', timeout=120)


def test_run_rejects_an_unknown_workload_in_one_line():
    result = subprocess.run([sys.executable, str(BENCH / 'run.py'), '--only', 'nope'],
                            capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert result.returncode == 2
    assert 'unknown workloads' in result.stderr and 'nope' in result.stderr


# ---------------------------------------------------------------- 基线与共用部件 (baseline and helpers)
def test_localgrad_baseline_gives_the_same_loss_and_gradients_as_micrograd_zh_on_the_gpt_model():
    weights, tokens = gpt.init_weights(seed=3), gpt.windows(2)[1]
    grads = []
    for V in (Value, localgrad.Value):
        P, params = gpt.build(V, weights)
        loss = gpt.sequence_loss(P, tokens)
        loss.backward()
        grads.append((loss.data, [p.grad for p in params]))
    (loss_a, grad_a), (loss_b, grad_b) = grads
    assert loss_a == loss_b
    assert any(g != 0.0 for g in grad_a)
    assert max(abs(a - b) for a, b in zip(grad_a, grad_b)) <= 1e-12 * max(abs(g) for g in grad_a)


def test_localgrad_baseline_matches_central_differences():
    def f(V, x, y):
        a, b = V(x), V(y)
        out = ((a * b + a ** 2).exp() * 0.1 + (b * b + 1.0).log() + (a + -0.5).relu()) ** 1.5
        return a, b, out
    x, y, h = 0.7, -0.4, 1e-6
    a, b, out = f(localgrad.Value, x, y)
    out.backward()
    da = (f(localgrad.Value, x + h, y)[2].data - f(localgrad.Value, x - h, y)[2].data) / (2 * h)
    db = (f(localgrad.Value, x, y + h)[2].data - f(localgrad.Value, x, y - h)[2].data) / (2 * h)
    assert a.grad == pytest.approx(da, rel=1e-6) and b.grad == pytest.approx(db, rel=1e-6)


def test_gpt_graph_has_about_sixty_thousand_nodes_from_the_allowed_ops_only():
    data = {'weights': gpt.init_weights(), 'windows': gpt.windows(1)}
    nodes, interior, edges, n_params = gpt.graph_size(data)
    assert (round(nodes, -3), round(interior, -3), n_params) == (63_000, 59_000, 4000)   # benchmarks/README.md
    P, _ = gpt.build(Value, data['weights'])
    from micrograd_zh import topological_order
    ops = {v._op for v in topological_order(gpt.sequence_loss(P, data['windows'][0])) if v._prev}
    assert ops <= {'+', '*', '**-1', '**-0.5', 'exp', 'log', 'relu'}, ops


def test_moons_weights_are_the_ones_micrograd_draws_after_seed_1337():
    pytest.importorskip('micrograd')
    import random
    from micrograd.nn import MLP
    state = random.getstate()
    try:
        random.seed(1337)
        model = MLP(2, [16, 16, 1])
    finally:
        random.setstate(state)
    drawn = [[([w.data for w in n.w], n.b.data) for n in layer.neurons] for layer in model.layers]
    assert moons.micrograd_weights() == drawn


def test_train_times_the_steps_after_warm_up_and_reports_the_collector():
    calls = []

    def step(k):
        calls.append(k)
        gc.collect()                              # 让 GcClock 一定看到一次回收
        return float(k)
    enabled = gc.isenabled()
    try:
        result = _timing.train(step, warmup=2, steps=3, gc_mode='on')
    finally:
        if enabled:
            gc.enable()
    assert calls == [0, 1, 2, 3, 4] and result['losses'] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert result['gc_runs'] >= 1 and 0 < result['gc_seconds'] <= result['seconds']


def test_set_gc_modes_and_a_wrong_mode_is_a_one_line_error():
    threshold = gc.get_threshold()
    try:
        _timing.set_gc('disable')
        assert not gc.isenabled()
        gc.enable()
        _timing.set_gc('threshold:12345')
        assert gc.get_threshold() == (12345,) + threshold[1:]
    finally:
        gc.enable()
        gc.set_threshold(*threshold)
    with pytest.raises(ValueError, match=r"got 'off'"):
        _timing.set_gc('off')


def test_max_difference_compares_every_sequence_with_the_first():
    assert _timing.max_difference([[1.0, 2.0], [1.0, 2.5], [0.75, 2.0]]) == 0.5


def test_cnn_benchmark_runs_and_counts_the_edges_the_architecture_implies():
    """benchmarks/cnn.py --quick 能跑完，四行都在；它数出的边数与按结构推算的一样（不对时间做断言）。

    一个样本的边 (edges)：conv1 144 个输出 × (9 权重 + 1 偏置；输入是数据，没有边) = 1440，tanh 144；
    conv2 128 × (36 + 36 + 1) = 9344，tanh 128；池化 32 × 4 = 128；conv3（padding 只留 2×2 落在图里）
    64 × (32 + 32 + 1) = 4160，relu 64，池化 16 × 4 = 64；Dense 32 × (16 + 16 + 1) = 1056，tanh 32；
    Dense 10 × (32 + 32 + 1) = 650；交叉熵 45。合计 17255。
    """
    out = run(BENCH / 'cnn.py', '--quick')
    assert 'CNN：2378 个参数' in out and '17255 条边' in out
    assert 'Dense-only：2410 个参数' in out and '2807 条边' in out
    items = {item for item, _, _, _ in table_rows(out)}
    assert items == {f'{net} {kind} per sample' for net in ('CNN', 'Dense-only') for kind in ('train', 'eval')}


def test_most_edges_of_the_moons_step_carry_a_zero_upstream_gradient_as_chapter_4_says():
    # 第 4 章说：moons 示例从第 2 步起 82%–88%（四舍五入）的边上游梯度是 0，backward() 因此跳过这些节点
    from micrograd_zh.graph import _interior_nodes
    moons, = _import_benchmarks('moons')
    data = moons.payload()
    ours = moons.Ours(data['weights'])
    model, X, y = ours.model, data['X'], data['y']
    shares = []
    for k in range(8):
        loss = ours.hinge([model(x) for x in X], y) + ours.l2(model.parameters(), 1e-4)
        model.zero_grad()
        loss.backward()
        order = _interior_nodes(loss)
        shares.append(sum(len(n._prev) for n in order if n.grad == 0.0) / sum(len(n._prev) for n in order))
        for p in model.parameters():
            p.data -= moons.lr(k) * p.grad
    assert 0.3 < shares[0] < 0.6 and all(0.815 <= s < 0.885 for s in shares[1:]), shares
