"""文档不会过期 (docs that cannot rot)：README、讲座对照页和教程里的每个 ```python 代码块都要能运行。

同一页的代码块按顺序在同一个命名空间里执行（像读者在一个 REPL 里照着敲），工作目录是临时目录。
页面引用的本地图片必须存在（图片由 docs/make_pictures.py 生成）。
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / 'README.md', ROOT / 'docs' / 'lecture.md'] + sorted((ROOT / 'docs' / 'tutorial').glob('*.md'))
BLOCK = re.compile(r'^```python\n(.*?)^```', re.S | re.M)
IMAGE = re.compile(r'!\[[^\]]*\]\(([^)\s]+)\)')


def python_blocks(page):
    return BLOCK.findall(page.read_text(encoding='utf-8'))


def test_tutorial_has_nine_runnable_chapters():
    chapters = sorted((ROOT / 'docs' / 'tutorial').glob('[0-9][0-9]-*.md'))
    assert len(chapters) >= 9, [p.name for p in chapters]
    assert all(python_blocks(p) for p in chapters), [p.name for p in chapters if not python_blocks(p)]
    assert python_blocks(ROOT / 'README.md')


@pytest.mark.parametrize('page', PAGES, ids=[p.name for p in PAGES])
def test_every_python_block_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('MPLBACKEND', 'Agg')
    namespace = {'__name__': '__doc__'}
    for i, code in enumerate(python_blocks(page), 1):
        try:
            exec(compile(code, f'{page.name} 第 {i} 个代码块 (block {i})', 'exec'), namespace)
        except Exception as exc:
            pytest.fail(f'{page.name} 第 {i} 个代码块出错 (block {i} failed): {type(exc).__name__}: {exc}\n{code}')


@pytest.mark.parametrize('page', PAGES, ids=[p.name for p in PAGES])
def test_local_images_exist(page):
    for target in IMAGE.findall(page.read_text(encoding='utf-8')):
        if '://' in target:
            continue
        assert (page.parent / target).is_file(), f'{page.name} 引用的图片不存在 (missing image): {target}'
