"""文档不会过期 (docs that cannot rot)：README、讲座对照页 (docs/lecture.md) 和教程里的每个 ```python 代码块
都要能运行，引用的输出要是真的。

同一页的代码块按顺序在同一个命名空间里执行（像读者照着敲），工作目录是临时目录。
- 紧跟在代码块后面的 ```output 块，必须与这段代码打印的内容完全相同；
- 每页的代码块逐行粘进 Python 的交互式解释器 (REPL) 也要能跑：复合语句里不能有空行，结束后要空一行；
- 标着 <!-- quote: 名字 --> 的代码块是从源码摘出来的，每一行都必须按顺序出现在那个对象的源码里；
- 页面引用的本地图片必须存在（图片由 docs/make_pictures.py 生成），教程目录页要链接到教程的每一页。
页面的切分规则和笔记本共用：见 docs/make_notebooks.py 的 split_page。
"""

import code
import contextlib
import importlib
import inspect
import io
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'docs'))
from make_notebooks import pages as tutorial_pages, split_page  # noqa: E402

TUTORIAL = ROOT / 'docs' / 'tutorial'
PAGES = [ROOT / 'README.md'] + tutorial_pages()          # 教程各页和 docs/lecture.md
IMAGE = re.compile(r'!\[[^\]]*\]\(([^)\s]+)\)')
LINK = re.compile(r'\]\(([^)\s#]+\.md)(#[^)]*)?\)')


def segments(page):
    return split_page(page.read_text(encoding='utf-8'))


def python_blocks(page):
    return [s for s in segments(page) if s.kind == 'python']


def normalise(text):
    return '\n'.join(line.rstrip() for line in text.strip('\n').splitlines())


def test_tutorial_has_nine_runnable_chapters():
    chapters = sorted(TUTORIAL.glob('[0-9][0-9]-*.md'))
    assert len(chapters) >= 9, [p.name for p in chapters]
    assert all(python_blocks(p) for p in chapters), [p.name for p in chapters if not python_blocks(p)]
    assert python_blocks(ROOT / 'README.md')


@pytest.mark.parametrize('page', PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_python_block_runs_and_prints_what_the_page_says(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('MPLBACKEND', 'Agg')
    namespace = {'__name__': '__doc__'}
    for i, block in enumerate(python_blocks(page), 1):
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(block.text, f'{page.name} 第 {i} 个代码块 (block {i})', 'exec'), namespace)
        except Exception as exc:
            pytest.fail(f'{page.name} 第 {i} 个代码块出错 (block {i} failed): {type(exc).__name__}: {exc}\n{block.text}')
        if block.output is not None:
            assert normalise(out.getvalue()) == normalise(block.output), \
                f'{page.name} 第 {i} 个代码块打印的与页面上的 output 块不同 (block {i} printed something else)'


class _Console(code.InteractiveConsole):
    """把出错记下来，而不是打印出来 (record errors instead of printing them)。"""

    def __init__(self, namespace):
        super().__init__(namespace)
        self.errors = []

    def showsyntaxerror(self, filename=None, **kwargs):
        self.errors.append(f'SyntaxError: {sys.exc_info()[1]}')

    def showtraceback(self):
        self.errors.append(f'{sys.exc_info()[0].__name__}: {sys.exc_info()[1]}')


@pytest.mark.parametrize('page', PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_python_block_pastes_into_the_repl(page, tmp_path, monkeypatch):
    """issue 14 第 9 条：第 9 章最后一块粘进 REPL 会出错（if 里有空行）。在 REPL 里，复合语句中的空行会提前结束它，
    复合语句后不空一行就接着写也不行。这里像读者那样一行一行地粘。"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('MPLBACKEND', 'Agg')
    console = _Console({'__name__': '__console__'})
    for i, block in enumerate(python_blocks(page), 1):
        with contextlib.redirect_stdout(io.StringIO()):
            for line in block.text.splitlines() + ['']:
                console.push(line)
        assert not console.errors, f'{page.name} 第 {i} 个代码块粘进 REPL 出错 (block {i} fails in the REPL): ' \
                                   f'{console.errors}\n{block.text}'


def _resolve(dotted):
    parts = dotted.split('.')
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:k]))
        except ImportError:
            continue
        for name in parts[k:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


QUOTES = [(p, s) for p in PAGES for s in segments(p) if s.kind == 'quote']


@pytest.mark.parametrize('page,quote', QUOTES, ids=[f'{p.name}:{s.source}' for p, s in QUOTES])
def test_quoted_source_is_the_real_source(page, quote):
    """issue 14 第 8 条：第 4 章的“backward() 的全部代码”要和引擎里的一样（播种 grad = 1、清零中间节点）。"""
    source = [line.strip() for line in inspect.getsource(_resolve(quote.source)).splitlines()]
    code_lines = quote.text.split('```python', 1)[1].rsplit('```', 1)[0]
    quoted = [line.strip() for line in code_lines.splitlines() if line.strip()]
    assert quoted, quote.text
    at = 0
    for line in quoted:
        assert line in source[at:], f'{page.name} 摘录的这一行不在 {quote.source} 的源码里（或顺序不对）: {line!r}'
        at = source.index(line, at) + 1


@pytest.mark.parametrize('page', PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_local_images_and_links_exist(page):
    text = page.read_text(encoding='utf-8')
    for target in IMAGE.findall(text):
        if '://' in target:
            continue
        assert (page.parent / target).is_file(), f'{page.name} 引用的图片不存在 (missing image): {target}'
    for target, _ in LINK.findall(text):
        if '://' not in target:
            assert (page.parent / target).is_file(), f'{page.name} 的链接指向不存在的页面 (broken link): {target}'


def test_tutorial_index_links_every_page():
    """目录页 (docs/tutorial/README.md) 要链接到 docs/tutorial/ 里的每一页，新加的页也一样。"""
    index = (TUTORIAL / 'README.md').read_text(encoding='utf-8')
    linked = {target for target, _ in LINK.findall(index)}
    missing = [p.name for p in sorted(TUTORIAL.glob('*.md')) if p.name != 'README.md' and p.name not in linked]
    assert not missing, f'目录页没有链接到这些页 (the index does not link these pages): {missing}'


def _random_graph(rng):
    """随机的小计算图：叶子和运算混在一起，常常复用同一个节点（测的正是累加和顺序）。"""
    from micrograd_zh import Value
    nodes = [Value(rng.uniform(-2, 2), label=f'x{i}') for i in range(4)]
    leaves = list(nodes)
    for _ in range(rng.randint(3, 25)):
        a, b = rng.choice(nodes), rng.choice(nodes)
        op = rng.choice(['+', '-', '*', 'tanh', 'sigmoid', 'reuse'])
        out = {'+': lambda: a + b, '-': lambda: a - b, '*': lambda: a * b, 'tanh': a.tanh,
               'sigmoid': a.sigmoid, 'reuse': lambda: a * a + a}[op]()
        nodes.append(out)
    return leaves, nodes[-1]


def test_chapter_4_backward_is_the_engines_algorithm(tmp_path, monkeypatch):
    """issue 14 第 8 条：第 4 章用公开接口写的 my_backward 在随机图上与 Value.backward() 的结果逐位相同。"""
    import random
    monkeypatch.chdir(tmp_path)
    namespace = {'__name__': '__doc__'}
    with contextlib.redirect_stdout(io.StringIO()):
        for block in python_blocks(TUTORIAL / '04-topological-sort.md'):
            exec(compile(block.text, '04-topological-sort.md', 'exec'), namespace)
    my_backward, rng = namespace['my_backward'], random.Random(14)
    for _ in range(200):
        leaves, root = _random_graph(rng)
        my_backward(root)
        mine = [v.grad for v in leaves]
        for v in leaves:
            v.grad = 0.0
        root.backward()
        assert mine == [v.grad for v in leaves]


def test_the_neuron_picture_is_narrow_enough_for_a_web_page():
    """issue 14 第 10 条：README 和第 3 章的 neuron.svg 原来有 1630 pt 宽，在网页上缩得看不清。"""
    svg = (ROOT / 'docs' / 'neuron.svg').read_text(encoding='utf-8')
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
    assert width <= 800, width
    assert all(name in svg for name in ('x1', 'w1', 'x2', 'w2', 'o'))


def test_make_pictures_refuses_to_draw_without_a_cjk_font(monkeypatch, capsys):
    """没有中文字体时 docs/make_pictures.py 报错退出，并说怎样装，而不是画出只有英文的图。"""
    pytest.importorskip('matplotlib')
    import make_pictures
    monkeypatch.setattr(make_pictures._common, 'cjk_fonts', lambda: [])
    with pytest.raises(SystemExit) as exit_info:
        make_pictures._pyplot()
    assert 'fonts-noto-cjk' in str(exit_info.value)
