"""博客实验的测试 (tests of demos/seeds/)：每个脚本都跑一遍（长的用快速设置），检查它打印的结果。

确定性的实验（e06、e07、e16）在这里按博客的程序另写一遍（纯 Python，不看脚本的代码），
脚本打印的数必须与它相同；docs/seeds.md 里引用的数也由这里检查，免得文档过期。
需要 numpy / PyTorch 的测试用 pytest.importorskip。
"""

import math
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / 'demos' / 'seeds'
sys.path.insert(0, str(SEEDS))
from test_demos import check_pictures, numbers_after, run_demo  # noqa: E402

DOC = (ROOT / 'docs' / 'seeds.md').read_text(encoding='utf-8')
SCRIPTS = sorted(p.stem for p in SEEDS.glob('e[0-9][0-9]_*.py'))


def result_line(out):
    """脚本的“结果 (result):”那一行（冒号之后的部分）。"""
    match = re.search(r'^结果 \(result\): (.*)$', out, re.M)
    assert match, out[-800:]
    return match.group(1)


def in_doc(fragment):
    assert fragment in DOC, f'docs/seeds.md 里没有 (missing from docs/seeds.md): {fragment}'


def without(monkeypatch, *modules):
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


# ---------------------------------------------------------------- 每个脚本 (every script)
def test_every_experiment_has_a_script_and_a_row_in_the_doc():
    items = sorted(int(name[1:3]) for name in SCRIPTS)
    assert items == [i for i in range(1, 17) if i != 15]        # 第 15 项（Keras CNN）链接到卷积示例
    for name in SCRIPTS:
        in_doc(f'demos/seeds/{name}.py')
    in_doc('demos/cnn_digits.py')


@pytest.mark.parametrize('name', SCRIPTS)
def test_help_runs_as_a_script(name):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, str(SEEDS / f'{name}.py'), '--help'],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert re.search('[\u4e00-\u9fff]', result.stdout) and '--torch' in result.stdout


def test_e01_perceptron(capsys):
    out = run_demo('e01_perceptron', [], capsys)
    assert len(re.findall(r'^epoch:\d+/30 ', out, re.M)) == 30
    result = result_line(out)
    assert numbers_after(result, 'w =') == pytest.approx(3.0, abs=0.01)
    assert numbers_after(result, 'b =') == pytest.approx(1.0, abs=0.01)
    assert numbers_after(result, '验证损失') < 0.011                          # 噪声方差 0.01
    in_doc(result.split('（')[0])
    in_doc(re.search(r'epoch:\d+$', result).group(0))


def test_e01_numpy_program_agrees(capsys):
    pytest.importorskip('numpy')
    out = run_demo('e01_perceptron', ['--epochs', '3'], capsys)
    assert numbers_after(out, '最大相对差 (max rel diff)') < 1e-13


def test_e02_linearnet(capsys, tmp_path):
    out = run_demo('e02_linearnet_momentum', ['--out', str(tmp_path)], capsys)
    result = result_line(out)
    assert '70 步' in result
    assert numbers_after(result, 'w =') == pytest.approx(3.0, abs=0.15)
    assert numbers_after(result, 'b =') == pytest.approx(1.0, abs=0.1)
    in_doc(result.split('（')[0])
    check_pictures(out, tmp_path, ['linearnet.png'])


def run_single_threaded(name, *argv):
    """在子进程里运行脚本，numpy 和 PyTorch 都只用一个线程：这里的矩阵很小，而在与别的任务共用的机器上，
    多线程的 BLAS 会互相空等，把几秒的计算拖成几分钟。返回标准输出。"""
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1',
               MKL_NUM_THREADS='1')
    result = subprocess.run([sys.executable, str(SEEDS / f'{name}.py'), *argv], capture_output=True, text=True,
                            env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_e03_two_layer_numpy():
    pytest.importorskip('numpy')
    pytest.importorskip('torch')
    out = run_single_threaded('e03_two_layer_numpy', '--iters', '1', '--torch')
    lines = re.findall(r'^(\d+) (\S+)  (\S+)', out, re.M)
    assert [int(t) for t, _, _ in lines] == list(range(500))
    numpy_losses = [float(v) for _, _, v in lines]
    assert float(lines[0][1]) == pytest.approx(numpy_losses[0], rel=1e-12)     # micrograd_zh 的第 0 步
    assert numpy_losses[-1] < 1e-3 < 1e6 < numpy_losses[0]                       # 从几千万降到很小
    in_doc(f'{numpy_losses[0]:.6g} → {numpy_losses[-1]:.6g}')
    assert numbers_after(out, '与 numpy 的最大相对差 (max rel diff)') < 1e-13
    assert numbers_after(out.split('PyTorch (float64, autograd)')[1], '最大相对差 (max rel diff)') < 1e-13


def test_e04_without_torch_says_so(capsys, monkeypatch):
    without(monkeypatch, 'torch')
    out = run_demo('e04_two_layer_torch', ['--iters', '1', '--torch'], capsys)
    assert '没有安装 PyTorch' in out and 'PyTorch is not installed' in out
    assert re.search(r'^0 3\d{7}\.\d+$', out, re.M)                          # micrograd_zh 照样跑完


def test_e04_two_layer_torch():
    pytest.importorskip('torch')
    out = run_single_threaded('e04_two_layer_torch', '--iters', '1', '--torch')
    assert 'RuntimeError: The size of tensor a (64) must match the size of tensor b (100)' in out
    assert numbers_after(out, '最大相对差 (max rel diff)') < 1e-13
    assert len(re.findall(r'^\d+ ', out, re.M)) == 500
    single, double = re.search(r'第 499 步 (\S+)，而 float64 是 (\S+)（', out).groups()
    assert float(single) > 3 * float(double)                 # 博客的 float32 停在更高的损失上


def test_e05_init(capsys, tmp_path):
    out = run_demo('e05_init', ['--layers', '4', '--width', '30', '--samples', '20', '--out', str(tmp_path)], capsys)
    result = result_line(out)
    assert numbers_after(result, 'randn 的 tanh 网络最后一层 std') > 0.9           # 饱和在 ±1，不是 0
    assert numbers_after(result, '0.01·randn 的最后一层 std') < 1e-4
    check_pictures(out, tmp_path, ['init_relu.png', 'init_tanh.png'])


def test_e05_numbers_in_the_doc():
    import e05_init
    rng = random.Random(1)
    X = [[rng.gauss(0.0, 1.0) for _ in range(100)] for _ in range(100)]        # 脚本的默认设置
    quoted = []
    for init in ('randn', '0.01·randn'):
        last = e05_init.layer_outputs(e05_init.build(100, 10, 'tanh', init, 0), X, 'tanh')[-1]
        std, _, saturated = e05_init.describe(last)
        quoted.append(f'{std:.3g}')
        if init == 'randn':
            quoted.append(f'{100 * saturated:.0f}%')
    assert float(quoted[0]) > 0.9 and float(quoted[2]) < 1e-9
    for text in quoted:
        in_doc(text)


def test_e06_gradients_follow_from_the_chain_rule(capsys):
    out = run_demo('e06_grad_wxb', [], capsys)
    x, w, b = 1.0, 2.0, 3.0
    assert numbers_after(out, 'x.grad =') == w          # ∂(w·x + b)/∂x = w
    assert numbers_after(out, 'w.grad =') == x          # ∂/∂w = x
    assert numbers_after(out, 'b.grad =') == 1.0        # ∂/∂b = 1
    assert '与博客相同' in out


def the_posts_linear_regression():
    """博客 001 第 5 节的 numpy 程序，逐步用纯 Python 重算：w 从 0 开始，lr 0.1，10 轮。"""
    xs, ys, w, history = [1, 2, 3], [2, 4, 6], 0, []
    for _ in range(10):
        residual = [-2 * (y - x * w) for x, y in zip(xs, ys)]
        dw = (residual[0] * xs[0] + residual[1] * xs[1] + residual[2] * xs[2]) / 3
        w = w - 0.1 * dw
        history.append(w)
    return history


def test_e07_equals_the_posts_arithmetic(capsys):
    out = run_demo('e07_linreg_numpy', [], capsys)
    expected = the_posts_linear_regression()
    ours = [float(v) for v in re.findall(r'micrograd_zh w = (\S+)', out)]
    assert len(ours) == 10
    for mine, theirs in zip(ours, expected):
        assert abs(mine - theirs) <= 2 * math.ulp(theirs)          # 自动微分与手写公式只差舍入顺序
    assert ours[1:] == expected[1:]                                   # 第 2 轮起逐位相同
    in_doc(f'{abs(ours[0] - expected[0]):.1e}')                       # 第 1 轮的差
    assert abs(expected[-1] - (2 - 2 / 15 ** 10)) < 1e-15             # w_k = 2 - 2/15ᵏ
    for text in (repr(ours[0]), repr(ours[1]), repr(ours[-1]), repr(expected[0])):
        in_doc(text)


def test_e07_numpy_column_is_the_posts_program(capsys):
    pytest.importorskip('numpy')
    out = run_demo('e07_linreg_numpy', [], capsys)
    assert [float(v) for v in re.findall(r'numpy w = (\S+)', out)] == the_posts_linear_regression()


def test_e08_fit_x2(capsys, tmp_path):
    out = run_demo('e08_fit_x2', ['--out', str(tmp_path)], capsys)
    losses = [float(v) for v in re.findall(r'micrograd_zh Loss=(\d\.\d{4})', out)]
    assert len(losses) == 10 and losses[-1] < losses[0] / 20
    in_doc(result_line(out).split('（')[0])
    check_pictures(out, tmp_path, ['fit_x2_frames.png'])


def test_e08_the_posts_seeded_run(capsys, tmp_path):
    pytest.importorskip('torch')
    out = run_demo('e08_fit_x2', ['--torch', '--out', str(tmp_path)], capsys)
    pairs = re.findall(r'micrograd_zh Loss=(\d\.\d{4}) .*博客的程序 \(PyTorch float32\) Loss=(\d\.\d{4})', out)
    assert len(pairs) == 10 and all(a == b for a, b in pairs)
    assert max(float(v) for v in re.findall(r'差 \(diff\) (\S+)', out)) < 1e-6
    in_doc(' / '.join(b for _, b in pairs))


def test_e09_linear_nobias(capsys):
    out = run_demo('e09_linear_nobias', [], capsys)
    w0 = numbers_after(out, 'w₀ =')
    w = numbers_after(result_line(out), 'w =')
    assert w == pytest.approx(2 + 0.72 ** 20 * (w0 - 2), abs=1e-14)      # 每步误差乘 0.72


def test_e09_the_posts_seeded_run(capsys):
    pytest.importorskip('torch')
    out = run_demo('e09_linear_nobias', ['--torch'], capsys)
    assert "IndexError: invalid index of a 0-dim tensor" in out
    w0 = numbers_after(out, 'w₀ =')
    ours, theirs = re.search(r'^第 20 轮 .* w = (\S+)  博客的程序 \(float32\) .* w = (\S+)$', out, re.M).groups()
    for text in (repr(w0), ours, theirs):
        in_doc(text)
    assert numbers_after(out, '与 micrograd_zh 的差 (diff)') < 1e-6


def test_e10_tf2_gd(capsys, tmp_path):
    out = run_demo('e10_tf2_gd', ['--iterations', '60', '--out', str(tmp_path)], capsys)
    assert [int(v) for v in re.findall(r'^iteration:(\d+),', out, re.M)] == [0, 50]
    assert numbers_after(out, '最大差 (max diff)') < 1e-13
    check_pictures(out, tmp_path, ['tf2_gd.png'])


def test_e10_full_run_numbers_in_the_doc():
    import e10_tf2_gd
    loss, w, b = e10_tf2_gd.post_program(e10_tf2_gd.make_data(0), 1000)[-1]     # 与 micrograd_zh 相差 < 1e-13
    assert w == pytest.approx(1.915, abs=0.001) and b == pytest.approx(0.915, abs=0.01)
    in_doc(f'w = {w:.4f}，b = {b:.4f}，MSE {loss:.6f}')


def test_e11_torch_linreg(capsys, tmp_path):
    out = run_demo('e11_torch_linreg', ['--out', str(tmp_path)], capsys)
    assert [int(v) for v in re.findall(r'^(\d+) \d', out, re.M)] == [0, 500, 1000, 1500, 2000, 2500]
    result = result_line(out)
    assert 2.8 < numbers_after(result, 'w =') < 3.0 and 0.8 < numbers_after(result, 'b =') < 0.9
    in_doc(result.split('（')[0])
    in_doc(re.search(r'MSE \S+', result).group(0))
    check_pictures(out, tmp_path, ['torch_linreg.png'])


def test_e12_losses(capsys, tmp_path):
    out = run_demo('e12_losses', ['--out', str(tmp_path)], capsys)
    ce = [float(v) for v in re.findall(r'交叉熵 -Σ t·log\(y \+ 1e-07\): E = (\S+)', out)]
    assert ce == pytest.approx([-math.log(0.6 + 1e-7), -math.log(0.1 + 1e-7)], abs=1e-15)
    se = [float(v) for v in re.findall(r'平方和 Σ\(y - t\)²: E = (\S+)', out)]
    assert se == pytest.approx([0.195, 1.195], abs=1e-12)
    assert out.count('E = nan') == 2                       # 照公式：0·log 0 = nan
    assert all(float(v) == 0.0 for v in re.findall(r'最大差 \(max diff\) (\S+?)(?:（|$)', out, re.M))
    in_doc(result_line(out).split('（')[0])
    check_pictures(out, tmp_path, ['losses.png'])


def test_e13_backprop_by_hand(capsys):
    out = run_demo('e13_lin_relu_lin', ['--n', '4'], capsys)
    assert out.count('allclose True') == 5 and '全部 allclose = True' in out
    assert all(float(v) < 1e-13 for v in re.findall(r'最大差 \(max diff\) (\S+)，', out))
    assert 'W1.g 的 allclose False' in out                 # 故意写错的一处被抓到


def test_e13_torch(capsys):
    pytest.importorskip('torch')
    out = run_demo('e13_lin_relu_lin', ['--n', '4', '--torch'], capsys)
    assert out.count('自动求导 vs 纯 Python 手写 allclose True，自动求导 vs 张量手写 allclose True') == 5


def test_e14_from_scratch(capsys, tmp_path):
    out = run_demo('e14_from_scratch', ['--out', str(tmp_path)], capsys)
    result = result_line(out)
    preds = [float(v) for v in re.search(r'预测 \[([^\]]+)\]', result).group(1).split(',')]
    assert [round(p) for p in preds] == [0, 1, 1, 0]
    assert 'True' in result
    in_doc(result.split('，损失单调')[0])
    check_pictures(out, tmp_path, ['from_scratch_loss.png'])


def test_e14_numpy_program_agrees(capsys):
    pytest.importorskip('numpy')
    out = run_demo('e14_from_scratch', ['--iterations', '200'], capsys)
    assert numbers_after(out, '与文章的 numpy 程序的最大差 (max diff, losses and predictions)') < 1e-13


def the_posts_bp_network(seed=0, epochs=10000):
    """博客 004 的 BP 网络，按它的程序逐行重算（random.seed(0)、同样的抽数顺序、error = 而不是 +=、
    从不更新的 output_correction）。返回四个预测。"""
    rng = random.Random(seed)
    n_in, n_hidden = 3, 5
    w_in = [[0.0] * n_hidden for _ in range(n_in)]
    for i in range(n_in):
        for h in range(n_hidden):
            w_in[i][h] = (0.2 - -0.2) * rng.random() + -0.2
    w_out = [0.0] * n_hidden
    for h in range(n_hidden):
        w_out[h] = (2.0 - -2.0) * rng.random() + -2.0
    c_in = [[0.0] * n_hidden for _ in range(n_in)]
    c_out = [0.0] * n_hidden
    cells = [1.0, 1.0, 1.0]

    def sigmoid(x):
        return 1.0 / (1.0 + math.exp(-x))

    def predict(case):
        cells[0], cells[1] = case
        hidden = []
        for h in range(n_hidden):
            total = 0.0
            for i in range(n_in):
                total += cells[i] * w_in[i][h]
            hidden.append(sigmoid(total))
        total = 0.0
        for h in range(n_hidden):
            total += hidden[h] * w_out[h]
        return hidden, sigmoid(total)

    cases, labels = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    for _ in range(epochs):
        for case, label in zip(cases, labels):
            hidden, out = predict(case)
            d_out = out * (1 - out) * (label - out)
            d_hidden = [hidden[h] * (1 - hidden[h]) * (0.0 + d_out * w_out[h]) for h in range(n_hidden)]
            for h in range(n_hidden):
                w_out[h] += 0.05 * (d_out * hidden[h]) + 0.1 * c_out[h]
            for i in range(n_in):
                for h in range(n_hidden):
                    change = d_hidden[h] * cells[i]
                    w_in[i][h] += 0.05 * change + 0.1 * c_in[i][h]
                    c_in[i][h] = change
    return [predict(case)[1] for case in cases]


def test_e16_equals_the_posts_program(capsys):
    out = run_demo('e16_bp_xor', [], capsys)
    pairs = re.findall(r'博客的程序 \(post\) \[(\S+)\]  micrograd_zh \[(\S+)\]', out)
    assert len(pairs) == 4
    expected = the_posts_bp_network()
    assert [float(post) for post, _ in pairs] == expected                      # 逐位相同 (bit for bit)
    assert all(abs(float(ours) - e) < 1e-9 for (_, ours), e in zip(pairs, expected))          # 议题要求 1e-9
    assert numbers_after(result_line(out), '最大差 (max diff)') < 1e-15                        # docs/seeds.md 写的界
    assert [round(e) for e in expected] == [0, 1, 1, 0]
    for e in expected:
        in_doc(f'{e:.6f}')


def test_e16_torch(capsys):
    pytest.importorskip('torch')
    out = run_demo('e16_bp_xor', ['--epochs', '300', '--torch'], capsys)
    assert numbers_after(out, 'PyTorch (float64): [') == pytest.approx(
        the_posts_bp_network(epochs=300)[0], abs=1e-12)
    assert numbers_after(out, '与 micrograd_zh 的最大差 (max diff)') < 1e-12


# ---------------------------------------------------------------- 可选依赖 (optional dependencies)
def test_without_numpy_the_scripts_say_so_and_still_run(capsys, monkeypatch):
    without(monkeypatch, 'numpy')
    out = run_demo('e07_linreg_numpy', [], capsys)
    assert '没有安装 numpy' in out and 'numpy is not installed' in out and 'numpy w =' not in out
    assert len(re.findall(r'micrograd_zh w = ', out)) == 10


def test_torch_flag_without_torch_prints_one_clear_line(capsys, monkeypatch):
    without(monkeypatch, 'torch')
    out = run_demo('e06_grad_wxb', ['--torch'], capsys)
    assert out.count('没有安装 PyTorch，跳过 --torch 的对比') == 1 and 'PyTorch:' not in out


def test_without_matplotlib_there_are_no_pictures_and_a_hint(capsys, monkeypatch, tmp_path):
    without(monkeypatch, 'matplotlib')
    out = run_demo('e09_linear_nobias', [], capsys)      # 没有图的脚本不提 matplotlib
    assert 'matplotlib' not in out
    out = run_demo('e12_losses', ['--out', str(tmp_path)], capsys)
    assert 'pip install matplotlib' in out and not os.listdir(tmp_path)


FAST_TORCH_RUNS = {                      # 脚本 → 快速设置；有图的脚本另加 --out
    'e01_perceptron': ['--epochs', '1'], 'e02_linearnet_momentum': ['--out'], 'e07_linreg_numpy': [],
    'e10_tf2_gd': ['--iterations', '30', '--out'],
    'e11_torch_linreg': ['--iterations', '300', '--out'], 'e14_from_scratch': ['--iterations', '100', '--out'],
}


@pytest.mark.parametrize('name', sorted(FAST_TORCH_RUNS))
def test_torch_side_by_side_agrees(name, capsys, tmp_path):
    pytest.importorskip('torch')
    argv = []
    for arg in FAST_TORCH_RUNS[name]:
        argv += ['--out', str(tmp_path)] if arg == '--out' else [arg]
    out = run_demo(name, argv + ['--torch'], capsys)
    line = re.search(r'^PyTorch .*$', out, re.M).group(0)
    diff = re.search(r'(?:差 \(diff\)|max diff\)|max rel diff\)) (\S+)', line).group(1)
    assert float(diff) < 1e-12, line
