"""示例测试：每个示例用小设置在进程内跑一遍 main(argv)，检查它打印的结果和保存的图片。"""

import importlib
import os
import re
import subprocess
import sys

import pytest

DEMOS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'demos')
NAMES = ['neuron', 'line_fit', 'xor', 'curve_fit', 'two_layer', 'init_compare', 'moons', 'spiral', 'derivatives',
         'cnn_digits']
sys.path.insert(0, DEMOS)


def run_demo(name, argv, capsys):
    module = importlib.import_module(name)
    assert module.main(argv) in (None, 0)
    return capsys.readouterr().out


def numbers_after(text, key):
    """text 中 key 后面紧跟的数字。"""
    match = re.search(re.escape(key) + r'\s*([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)', text)
    assert match, (key, text[-500:])
    return float(match.group(1))


def check_pictures(out, tmp_path, names):
    """装了 matplotlib 就要有这些图；没装就要提示怎样得到图（不跳过：CI 不许跳过）。"""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert 'pip install matplotlib' in out and not os.path.exists(tmp_path / names[0])
        return
    assert sorted(os.listdir(tmp_path)) == names


def test_line_fit(capsys, tmp_path):
    out = run_demo('line_fit', ['--quick', '--out', str(tmp_path)], capsys)
    a = out[out.index('(a) 结果'):]
    assert numbers_after(a, 'w =') == pytest.approx(1.915, abs=0.01)
    assert numbers_after(a, 'b =') == pytest.approx(0.915, abs=0.05)
    assert numbers_after(a, 'MSE =') < 0.02                        # 噪声方差 0.01
    b = out[out.index('(b) 结果'):]
    assert numbers_after(b, 'w =') == pytest.approx(3.0, abs=0.1)
    rows = re.findall(r'第\s*(\d+) 轮 \(epoch\s*\d+\)：训练·本轮平均 (\S+)  训练·轮末 (\S+)  验证·轮末 (\S+)', out)
    assert [int(r[0]) for r in rows] == list(range(1, 11))
    running, end, val = (float(x) for x in rows[0][1:])
    # issue 14 第 7 条：第 1 轮的本轮平均包含 w = b = 0 时的大误差；轮末的训练和验证损失用同一组参数，可比
    assert running > 5 * max(end, val)
    c = out[out.index('(c) 结果'):]
    assert numbers_after(c, 'w =') == pytest.approx(1.915, abs=0.02)
    check_pictures(out, tmp_path, ['line_fit.png'])


def test_xor(capsys, tmp_path):
    out = run_demo('xor', ['--out', str(tmp_path)], capsys)
    assert '结果 (result): 4/4 正确' in out and out.count('✓') == 4
    graph = tmp_path / 'xor_graph.svg'               # 渲染器 graphviz-pure 在 test 附加依赖里
    assert '计算图已保存 (graph saved)' in out and '<svg' in graph.read_text(encoding='utf-8')
    graph.unlink()
    check_pictures(out, tmp_path, ['xor.png'])


def test_curve_fit(capsys, tmp_path):
    out = run_demo('curve_fit', ['--steps', '300', '--out', str(tmp_path)], capsys)
    assert numbers_after(out, '训练 MSE (train MSE)') < 0.01
    check_pictures(out, tmp_path, ['curve_fit.png'])


def test_two_layer(capsys, tmp_path):
    out = run_demo('two_layer', ['--steps', '30', '--out', str(tmp_path)], capsys)
    first, last = numbers_after(out, '损失从'), numbers_after(out, '降到')
    assert last < first / 100
    check_pictures(out, tmp_path, ['two_layer.png'])


def test_init_compare(capsys, tmp_path):
    out = run_demo('init_compare', ['--layers', '4', '--width', '20', '--samples', '30',
                                    '--out', str(tmp_path)], capsys)
    std = {key: numbers_after(out, key) for key in
           ('tanh/zeros', 'tanh/normal', 'tanh/xavier', 'relu/zeros', 'relu/normal', 'relu/he')}
    assert std['tanh/zeros'] == 0 and std['relu/zeros'] == 0
    assert std['tanh/normal'] > 0.8                                 # 饱和：几乎都在 ±1
    assert std['relu/normal'] > 20 * std['relu/he']                 # 爆炸 (exploding)
    assert 0.3 < std['relu/he'] < 3
    grads = out[out.index('第 1 个隐藏层的梯度均方根'):]
    grad = {key: numbers_after(grads, key) for key in ('tanh/normal', 'tanh/xavier', 'relu/normal', 'relu/he')}
    assert grad['relu/normal'] > 20 * grad['relu/he']               # 梯度也爆炸 (gradients explode too)
    assert grad['tanh/normal'] > 10 * grad['tanh/xavier']           # 饱和的 tanh 网络里梯度失控，不是更小
    check_pictures(out, tmp_path, ['init_relu.png', 'init_tanh.png'])


def test_neuron(capsys, tmp_path):
    """讲座的神经元 (issue 14 第 5 条)：x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432，梯度是讲座里的数。"""
    out = run_demo('neuron', ['--out', str(tmp_path)], capsys)
    assert 'building micrograd' in out
    assert numbers_after(out, 'o = tanh(n) =') == pytest.approx(0.707107, abs=1e-6)
    backward = out[out.index('反向传播'):out.index('手算核对')]
    expected = {'x1': -1.5, 'w1': 1.0, 'x2': 0.5, 'w2': 0.0, 'b': 0.5}
    for name, grad in expected.items():
        assert numbers_after(backward, f'{name}.grad =') == pytest.approx(grad, abs=1e-6), name
    assert numbers_after(out, '最大相差 (largest difference):') < 1e-12
    assert '<svg' in (tmp_path / 'neuron.svg').read_text(encoding='utf-8')


def test_moons(capsys, tmp_path):
    out = run_demo('moons', ['--out', str(tmp_path)], capsys)
    assert '337 个参数' in out and numbers_after(out, '准确率 (accuracy) 100/100 =') == 100
    check_pictures(out, tmp_path, ['moons.png'])


def test_spiral(capsys, tmp_path):
    out = run_demo('spiral', ['--n', '90', '--steps', '100', '--out', str(tmp_path)], capsys)
    assert numbers_after(out, '准确率 (accuracy) ') / 90 > 0.85
    check_pictures(out, tmp_path, ['spiral.png'])


def test_cnn_digits(capsys, tmp_path):
    """快速设置：300 张图（240 训练 / 60 验证），3 轮，每批 20 张。默认设置的数字见 README 和报告。"""
    out = run_demo('cnn_digits', ['--n', '300', '--epochs', '3', '--batch-size', '20', '--out', str(tmp_path)], capsys)
    assert '卷积网络 (CNN)：2378 个参数' in out and '全连接网络 (Dense-only)：2410 个参数' in out
    assert '  (0): Conv2d(1, 4, kernel_size=3)' in out and '  (5): Conv2d(8, 16, kernel_size=3, padding=1)' in out
    assert out.count('卷积网络 (CNN) 3/3 12/12') == 1                   # 每批一行进度，12 批 (batches)
    cnn = numbers_after(out[out.index('卷积网络 (CNN) 结果'):], '验证准确率 (val accuracy)')
    dense = numbers_after(out[out.index('全连接网络 (Dense-only) 结果'):], '验证准确率 (val accuracy)')
    assert cnn > 0.4 and dense > 0.7           # 随机猜是 0.1；这个设置下实测 0.55 和 0.85
    check_pictures(out, tmp_path, ['cnn_digits_curves.png', 'cnn_digits_filters.png', 'cnn_digits_samples.png'])


def test_without_matplotlib_demos_still_run_and_say_how_to_get_pictures(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, 'matplotlib', None)
    out = run_demo('xor', ['--steps', '5', '--out', str(tmp_path)], capsys)
    assert 'pip install matplotlib' in out and not os.path.exists(tmp_path / 'xor.png')


@pytest.mark.parametrize('name', NAMES)
def test_help_runs_as_a_script(name):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(DEMOS))
    result = subprocess.run([sys.executable, os.path.join(DEMOS, name + '.py'), '--help'],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert re.search('[\u4e00-\u9fff]', result.stdout)
    assert '--out' in result.stdout
    if name != 'neuron':                             # neuron 没有随机性，所以没有 --seed
        assert '--seed' in result.stdout


def test_derivatives(capsys, tmp_path):
    out = run_demo('derivatives', ['--points', '41', '--out', str(tmp_path)], capsys)
    assert numbers_after(out, '与 cos x 的最大误差 (max error)') < 1e-15
    assert numbers_after(out, '与 -sin x 的最大误差') < 1e-15
    assert numbers_after(out, '牛顿法 (Newton):') == 6                    # 从 x = 2 出发
    assert numbers_after(out, '梯度下降 (gradient descent, lr 0.01):') == 264        # README 里写的数
    assert numbers_after(out, '牛顿法 (Newton) 第 1 步 (step 1): x =') == pytest.approx(16 / 11, abs=1e-12)
    check_pictures(out, tmp_path, ['derivatives.png'])
