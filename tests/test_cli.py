"""命令行 (micrograd_zh/__main__.py)：draw / explain / steps 的往返和拒绝。"""

import configparser
import os
import subprocess
import sys

import pytest

from micrograd_zh import render, viz
from micrograd_zh.__main__ import main

NEURON = ['tanh(x1*w1 + x2*w2 + b)', '--set', 'x1=2', 'x2=0', 'w1=-3', 'w2=1', 'b=6.8813735870195432']
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
needs_renderer = pytest.mark.skipif(not viz.find_renderers(), reason='没有 Graphviz 渲染器 (no renderer)')


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_prints_the_narration(capsys):
    code, out, err = run(capsys, 'explain', *NEURON)
    assert code == 0 and err == ''
    assert 'x1.grad = (x1*w1).grad × ∂(x1*w1)/∂x1 = 0.5000 × (-3.0000) = -1.5000' in out
    assert 'w1.grad = (x1*w1).grad × ∂(x1*w1)/∂w1 = 0.5000 × 2.0000 = 1.0000' in out
    assert '1 - L² = 1 - 0.7071² = 0.5000' in out


def test_draw_dot_format(capsys, tmp_path):
    target = tmp_path / 'neuron.svg'
    code, out, err = run(capsys, 'draw', *NEURON, '-o', str(target), '--format', 'dot')
    assert code == 0 and out.strip() == str(tmp_path / 'neuron.dot')
    source = (tmp_path / 'neuron.dot').read_text(encoding='utf-8')
    assert 'label="x1 | data 2.0000 | grad -1.5000"' in source
    assert 'rankdir=LR' in source


def test_draw_options(capsys, tmp_path):
    target = str(tmp_path / 'g.dot')
    run(capsys, 'draw', 'a * b', '--set', 'a=2', 'b=3', '-o', target, '--no-backward', '--rankdir', 'TB',
        '--no-local-grads', '--color', 'grad')
    source = open(target, encoding='utf-8').read()
    assert 'rankdir=TB' in source and 'grad 0.0000' in source and 'grad 1.0000' not in source
    assert '零 (zero)' in source and '正梯度' not in source and '局部导数' not in source   # 图例只列出现的


@needs_renderer
def test_draw_svg(capsys, tmp_path):
    target = tmp_path / 'neuron.svg'
    code, out, err = run(capsys, 'draw', *NEURON, '-o', str(target))
    assert code == 0, err
    svg = target.read_text(encoding='utf-8')
    assert svg.lstrip().startswith('<?xml') and '0.7071' in svg and '-1.5000' in svg.replace('&#45;', '-')


@needs_renderer
def test_draw_png_from_the_command_line(tmp_path):
    """micrograd-zh draw "a*b" --set a=2 b=3 -o g.png 写出真的 PNG（在另一个进程里，和用户一样）。"""
    from browser import distinct_colours
    target = tmp_path / 'g.png'
    done = subprocess.run([sys.executable, '-m', 'micrograd_zh', 'draw', 'a*b', '--set', 'a=2', 'b=3',
                           '-o', str(target)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == str(target)
    assert target.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n' and distinct_colours(target) > 20


def test_draw_unknown_suffix_is_one_line_exit_2(capsys, tmp_path):
    code, out, err = run(capsys, 'draw', 'a*b', '--set', 'a=2', 'b=3', '-o', str(tmp_path / 'g.bmp'))
    assert code == 2 and out == '' and len(err.strip().splitlines()) == 1 and '.bmp' in err
    assert not list(tmp_path.iterdir())


def test_draw_without_renderer_writes_dot_and_exits_1(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(render, 'find_renderers', lambda: [])
    code, out, err = run(capsys, 'draw', *NEURON, '-o', str(tmp_path / 'n.svg'))
    assert code == 1 and (tmp_path / 'n.dot').exists()
    assert len(err.strip().splitlines()) == 1 and 'pip install' in err and 'Traceback' not in err


@needs_renderer
def test_steps_writes_the_page(capsys, tmp_path):
    code, out, err = run(capsys, 'steps', *NEURON, '-o', str(tmp_path / 's.html'))
    assert code == 0 and '下一步' in (tmp_path / 's.html').read_text(encoding='utf-8')


@pytest.mark.parametrize('argv, fragment', [
    (['explain', 'foo + 1'], "unknown name 'foo'"),
    (['explain', 'x.__class__', '--set', 'x=1'], 'attribute access'),
    (['explain', 'lambda: 1'], 'lambda'),
    (['explain', '[x for x in y]'], 'comprehension'),
    (['explain', "__import__('os')"], "unknown function '__import__'"),
    (['explain', '2 ** 10 ** 10'], 'exponent too large'),
    (['explain', 'x' * 5000], 'too long'),
    (['draw', 'x + 1', '--set', 'x'], '--set needs NAME=VALUE'),
    (['draw', 'x + 1', '--set', 'x='], '--set x needs a number'),
    (['draw', 'x + 1', '--set', 'x=abc'], '--set x needs a number'),
    (['draw', 'x + 1', '--set', '=1'], '--set needs NAME=VALUE'),
    (['draw', 'x + 1', '--set', 'x=1', 'x=2'], 'twice'),
    (['draw', 'x + 1', '--set', '1x=1'], 'identifier'),
    (['draw', 'x + 1'], "unknown name 'x'"),
    (['draw', '1', '--max-nodes', '0'], 'max-nodes'),
    (['draw', '1', '--rankdir', 'XY'], 'bad arguments'),
    (['draw'], 'bad arguments'),
    (['fly', '1'], 'bad arguments'),
    ([], 'bad arguments'),
])
def test_refusals_exit_2_with_one_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 and 'Traceback' not in err
    assert err.startswith('micrograd-zh: ')


def test_python_dash_m_in_a_subprocess(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    ok = subprocess.run([sys.executable, '-m', 'micrograd_zh', 'explain', 'a * b', '--set', 'a=2', 'b=-3'],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=str(tmp_path), timeout=60)
    assert ok.returncode == 0 and 'a.grad = L.grad × ∂L/∂a = 1.0000 × (-3.0000) = -3.0000' in ok.stdout.decode()
    bad = subprocess.run([sys.executable, '-m', 'micrograd_zh', 'explain', 'open("x")'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=str(tmp_path), timeout=60)
    err = bad.stderr.decode()
    assert bad.returncode == 2 and len(err.strip().splitlines()) == 1 and 'Traceback' not in err


def test_console_script_is_declared():
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, 'setup.cfg'), encoding='utf-8')
    scripts = cfg['options.entry_points']['console_scripts']
    assert 'micrograd-zh = micrograd_zh.__main__:main' in scripts
    assert 'graphviz-pure' in cfg['options.extras_require']['viz']
