"""笔记本 (docs/make_notebooks.py)：每一章都能变成 Jupyter 笔记本，在真的 Jupyter 内核 (kernel) 里从头跑到尾。

笔记本由 Markdown 章节生成（唯一的来源），所以这里先生成、再用 nbclient 启动 ipykernel 逐个单元运行：
任何单元出错都失败；代码块后面的 output 块要与内核里打印的相同；计算图要以 SVG 显示在单元下面。
"""

import base64
import os
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip('nbformat')
pytest.importorskip('nbclient')
pytest.importorskip('ipykernel')

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'docs'))
from make_notebooks import LINK, build, execute, notebook_name, pages, split_page, to_notebook  # noqa: E402

PAGES = pages()
IMAGE = re.compile(r'!\[[^\]]*\]\(([^)\s:]+)\)')            # 本地图片 (local images)


def test_every_page_becomes_a_notebook_with_the_same_code(tmp_path):
    written = build(tmp_path)
    assert [p.name for p in written] == [notebook_name(p) for p in PAGES]
    assert any(p.name == '04-topological-sort.ipynb' for p in written)
    for page, path in zip(PAGES, written):
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
        code = [c.source for c in nb.cells if c.cell_type == 'code']
        assert code == [s.text.rstrip('\n') for s in split_page(page.read_text(encoding='utf-8')) if s.kind == 'python']
        markdown = [c for c in nb.cells if c.cell_type == 'markdown']
        assert not any('```output' in c.source for c in markdown)    # 输出由运行得到，不抄进笔记本
        for cell in markdown:
            for bang, _, target in LINK.findall(cell.source):
                if target.startswith('attachment:'):               # 本地图片嵌在单元里
                    name = target.split(':', 1)[1]
                    (mime, data), = cell.attachments[name].items()
                    assert mime.startswith('image/') and base64.b64decode(data)
                elif '://' not in target and not target.startswith('#'):   # 其余链接从笔记本的目录也找得到
                    assert not bang, (path.name, target)
                    assert (tmp_path / target.split('#')[0]).exists(), (path.name, target)
    images = sum(len(IMAGE.findall(p.read_text(encoding='utf-8'))) for p in PAGES)
    attached = sum(len(c.get('attachments', {})) for path in written
                   for c in nbformat.read(str(path), as_version=4).cells)
    assert images and attached == images


def test_links_between_chapters_point_to_notebooks(tmp_path):
    nb = to_notebook(ROOT / 'docs' / 'tutorial' / '01-forward-and-loss.md', tmp_path,
                     {p.resolve(): notebook_name(p) for p in PAGES})
    markdown = '\n'.join(c.source for c in nb.cells if c.cell_type == 'markdown')
    assert '(02-gradient-descent.ipynb)' in markdown and '.md)' not in markdown


def _text(cell):
    return ''.join(o.get('text', '') for o in cell.outputs if o.output_type == 'stream' and o.name == 'stdout')


def _normalise(text):
    return '\n'.join(line.rstrip() for line in text.strip('\n').splitlines())


RUNNABLE = [p for p in PAGES if any(s.kind == 'python' for s in split_page(p.read_text(encoding='utf-8')))]


@pytest.mark.parametrize('page', RUNNABLE, ids=[p.name for p in RUNNABLE])
def test_notebook_runs_in_a_real_kernel(page, tmp_path, monkeypatch):
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    monkeypatch.setenv('MPLBACKEND', 'Agg')
    nb = execute(to_notebook(page, tmp_path), tmp_path)        # 任何单元出错：nbclient 抛出 CellExecutionError
    cells = [c for c in nb.cells if c.cell_type == 'code']
    blocks = [s for s in split_page(page.read_text(encoding='utf-8')) if s.kind == 'python']
    assert len(cells) == len(blocks)
    for i, (cell, block) in enumerate(zip(cells, blocks), 1):
        assert not any(o.output_type == 'error' for o in cell.outputs), (page.name, i)
        if block.output is not None:
            assert _normalise(_text(cell)) == _normalise(block.output), f'{page.name} 第 {i} 个单元的输出不同'
        if block.text.rstrip().splitlines()[-1].startswith('draw_dot('):     # 单元以 draw_dot(...) 结尾：图直接显示
            assert any('image/svg+xml' in o.get('data', {}) for o in cell.outputs), (page.name, i)
