"""图片格式 (micrograd_zh/render.py 和 Graph 的 graphviz 用法)：SVG、PNG、PDF，render / pipe / save / format。

PNG 打开来看：用只靠标准库的解码器读出像素，确认不是一片空白；中文用两个不同的字画两次，
字形 (glyph) 真的画出来时两张图不同，画成方框 (tofu) 时完全一样。
"""

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from micrograd_zh import Parameter, Value, draw_dot, render
from micrograd_zh.render import RendererNotFoundError, find_renderers
from micrograd_zh.viz import Graph

from browser import distinct_colours, png_pixels

PURE = [r for r in find_renderers() if r[0] == 'graphviz-pure']
needs_pure = pytest.mark.skipif(not PURE, reason='没有 graphviz-pure (pip install graphviz-pure)')
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


@pytest.fixture
def pip_only(monkeypatch):
    """只用 pip 装的渲染器 graphviz-pure（系统有 dot 也不用它）。"""
    monkeypatch.setattr(render, 'find_renderers', lambda: PURE)


def neuron():
    x, w = Value(2.0, label='x'), Parameter(-3.0, label='w')
    out = (x * w + 1).tanh()
    out.label = 'out'
    out.backward()
    return out


def has_cjk_font():
    fc = shutil.which('fc-list')
    if fc is None:
        return False
    return bool(subprocess.run([fc, ':lang=zh'], stdout=subprocess.PIPE).stdout.strip())


def png_size(data):
    return int.from_bytes(data[16:20], 'big'), int.from_bytes(data[20:24], 'big')


@needs_pure
def test_png_with_only_the_pip_renderer_is_a_real_picture(pip_only, tmp_path):
    pytest.importorskip('resvg_py')
    g = draw_dot(neuron())
    path = g.save(tmp_path / 'g.png')
    data = open(path, 'rb').read()
    assert path == str(tmp_path / 'g.png') and data[:8] == PNG_MAGIC
    assert distinct_colours(path) > 20                                   # 不是空白 (not blank)
    width_pt = float(g.svg().split('width="')[1].split('pt"')[0])
    assert png_size(data)[0] == pytest.approx(2 * width_pt, abs=2)       # 2 倍图 (2 px per pt)
    assert g.pipe('png') == data and g.pipe(format='svg').startswith(b'<?xml')
    assert g.pipe(format='svg', encoding='utf-8') == g.svg()


@needs_pure
def test_png_shows_real_chinese_glyphs_where_a_cjk_font_is_installed(pip_only, tmp_path):
    pytest.importorskip('resvg_py')
    if not has_cjk_font():
        pytest.skip('这台机器没有中文字体 (no CJK font; CI installs one)')

    def picture(label):
        path = draw_dot(Value(1.0, label=label), legend=False).save(tmp_path / f'{ord(label[0])}.png')
        return png_pixels(path)[0]

    assert picture('中中中') != picture('国国国')                          # 方框 (tofu) 都一样，真字不同


@needs_pure
def test_without_resvg_png_falls_back_to_graphviz_pure_and_warns_about_chinese(pip_only, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, 'resvg_py', None)                  # import resvg_py 失败
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        path = draw_dot(neuron()).save(tmp_path / 'fallback.png')       # 图例里有中文
    assert open(path, 'rb').read()[:8] == PNG_MAGIC and distinct_colours(path) > 20
    assert any('resvg-py' in str(w.message) for w in caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        draw_dot(neuron(), legend=False).pipe('png')                    # 全是英文：不警告
    assert not caught


@needs_pure
def test_render_like_the_graphviz_package(pip_only, tmp_path, monkeypatch):
    """trace_graph.ipynb 的 dot.render('gout') 和 draw_dot(y, format='png')。"""
    monkeypatch.chdir(tmp_path)
    g = draw_dot(neuron())
    assert g.format == 'svg'
    out = g.render('gout')
    assert out == 'gout.svg' and Path('gout').read_text(encoding='utf-8') == g.source
    assert Path('gout.svg').read_bytes() == g.pipe()
    png = draw_dot(neuron(), format='png', rankdir='TB')
    assert png.format == 'png' and 'rankdir=TB' in png.source
    out = png.render(filename='n', directory=Path('sub dir') / '子目录', cleanup=True)
    assert out == os.path.join('sub dir', '子目录', 'n.png')
    assert Path(out).read_bytes()[:8] == PNG_MAGIC and not Path('sub dir', '子目录', 'n').exists()
    out = g.render(outfile=tmp_path / 'o.png')                          # 格式看 outfile 的后缀
    assert out == str(tmp_path / 'o.png') and Path(out).read_bytes()[:8] == PNG_MAGIC
    assert (tmp_path / 'o.gv').read_text(encoding='utf-8') == g.source
    bundle, metadata = png._repr_mimebundle_()
    assert list(bundle) == ['image/png'] and bundle['image/png'][:8] == PNG_MAGIC
    assert metadata['image/png']['width'] == round(png_size(bundle['image/png'])[0] / 2)     # 2 倍图按原大小显示


def test_view_opens_the_file_with_the_system_viewer(pip_only, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(render, 'view', opened.append)
    g = Graph('digraph { a -> b }')
    monkeypatch.setattr(Graph, 'pipe', lambda self, format=None, encoding=None: b'<svg/>')
    out = g.render(tmp_path / 'v', view=True)
    assert out == str(tmp_path / 'v') + '.svg' and opened == [out]
    path = g.view()
    assert opened[-1] == path and open(path, 'rb').read() == b'<svg/>'


@needs_pure
def test_pdf_needs_system_graphviz_one_line(pip_only, tmp_path):
    g = draw_dot(neuron())
    with pytest.raises(RendererNotFoundError) as info:
        g.save(tmp_path / 'g.pdf')
    message = str(info.value)
    assert 'PDF' in message and '.png' in message and '\n' not in message
    assert not (tmp_path / 'g.pdf').exists() and not (tmp_path / 'g.dot').exists()


def test_pdf_uses_system_dot(tmp_path, monkeypatch):
    """有系统的 dot 时 PDF 交给 `dot -Tpdf`（这里用一个假的 dot 记下它收到的参数）。"""
    if os.name == 'nt':
        pytest.skip('假程序是 sh 脚本 (fake program is a sh script)')
    fake = tmp_path / 'dot'
    fake.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\ncat >/dev/null\nprintf "%%PDF-1.4 fake"\n')
    fake.chmod(0o755)
    monkeypatch.setattr(render, 'find_renderers', lambda: [('dot', str(fake))])
    path = draw_dot(neuron()).save(tmp_path / 'g.pdf')
    assert open(path, 'rb').read() == b'%PDF-1.4 fake'
    assert (tmp_path / 'args').read_text().split() == ['-Tpdf']


@pytest.mark.parametrize('bad', ['jpg', 'PNG', None, 'svgz'])
def test_unknown_format_is_one_line(bad):
    with pytest.raises(ValueError) as info:
        draw_dot(neuron(), format=bad)
    assert "svg、png、pdf" in str(info.value) and '\n' not in str(info.value)


def test_to_graphviz_gives_the_graphviz_package_object():
    graphviz = pytest.importorskip('graphviz')
    g = draw_dot(neuron(), format='png')
    src = g.to_graphviz()
    assert isinstance(src, graphviz.Source) and src.source == g.source and src.format == 'png'


def test_to_graphviz_without_the_package_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, 'graphviz', None)
    with pytest.raises(ImportError, match='pip install graphviz') as info:
        draw_dot(neuron()).to_graphviz()
    assert '\n' not in str(info.value)


@needs_pure
def test_default_size_of_a_small_graph_fits_a_notebook_cell(pip_only):
    """3 个运算的图 ≤ 1000 像素宽（浏览器里 1pt = 4/3 px）。"""
    a, b, c = Value(2.0, label='a'), Value(-3.0, label='b'), Value(10.0, label='c')
    L = (a * b + c).tanh()
    L.label = 'L'
    L.backward()
    svg = draw_dot(L).svg()
    width_pt = float(svg.split('width="')[1].split('pt"')[0])
    assert width_pt * 4 / 3 <= 1000, width_pt
