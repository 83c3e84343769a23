"""把教程的每一章变成 Jupyter 笔记本 (turn every tutorial chapter into a Jupyter notebook)。

    pip install -e ".[notebook]"
    python docs/make_notebooks.py                 # 写到 notebooks/（不进 git）
    python docs/make_notebooks.py --execute       # 同时运行每个笔记本，把输出（包括计算图）存进去
    pip install jupyterlab && jupyter lab notebooks/   # 或用 VS Code 打开 .ipynb

唯一的来源 (single source of truth) 是 docs/tutorial/ 里的 Markdown 章节（还有 docs/lecture.md，如果有）：
笔记本由这个脚本生成，所以从不提交 (never committed)；要改内容就改 Markdown。转换规则：
- ```python 代码块 → 代码单元 (code cell)，按顺序，与 tests/test_docs.py 逐块运行的是同一批代码；
- 紧跟在代码块后面的 ```output 块是这段代码应当打印的内容：tests/test_docs.py 拿它核对，笔记本里不要它
  （运行单元就看得到真的输出）；
- 前一行写着 <!-- quote: 名字 --> 的 ```python 块是从源码里摘出来的（如 Value.backward），只给人看，
  放进 Markdown 单元，不运行；
- 其余文字 → Markdown 单元；指向别的章节的链接改成 .ipynb；本地图片嵌进单元的附件 (attachments)，
  所以笔记本放到哪里（JupyterLab、VS Code、别的电脑）图都在；其余相对链接改成相对于笔记本所在的目录。
"""

import argparse
import base64
import os
import re
import sys
from collections import namedtuple
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
FENCE = re.compile(r'^```(\S*)\s*$')
QUOTE = re.compile(r'^<!--\s*quote:\s*(\S+)\s*-->\s*$')
LINK = re.compile(r'(!?)\[([^\]]*)\]\(([^)\s]+)\)')

# 一段 (segment)：kind 是 'markdown'、'python' 或 'quote'；python 段的 output 是应当打印的文字（没有就是 None），
# quote 段的 source 是它摘自的对象名（如 micrograd_zh.Value.backward）
Segment = namedtuple('Segment', 'kind text output source')


def pages():
    """要转换的页面：docs/tutorial/ 下所有 .md（含目录页 README.md），再加 docs/lecture.md（如果有）。"""
    found = sorted((DOCS / 'tutorial').glob('*.md'))
    lecture = DOCS / 'lecture.md'
    return found + ([lecture] if lecture.is_file() else [])


def split_page(text):
    """把一页 Markdown 切成段 (segments)，见模块说明。"""
    segments, prose, lines, i = [], [], text.splitlines(), 0

    def flush():
        if ''.join(prose).strip():
            segments.append(Segment('markdown', '\n'.join(prose).strip('\n') + '\n', None, None))
        prose.clear()

    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match or match.group(1) not in ('python', 'output'):
            prose.append(lines[i])
            if match:                                   # 别的代码块（公式等）原样留在 Markdown 里
                i += 1
                while i < len(lines) and lines[i].strip() != '```':
                    prose.append(lines[i])
                    i += 1
                if i < len(lines):
                    prose.append(lines[i])
            i += 1
            continue
        body, j = [], i + 1
        while j < len(lines) and lines[j].strip() != '```':
            body.append(lines[j])
            j += 1
        if j == len(lines):
            raise ValueError(f'第 {i + 1} 行的代码块没有结束 (unclosed code block at line {i + 1})')
        code = '\n'.join(body) + '\n'
        kind = match.group(1)
        previous = next((ln for ln in reversed(prose) if ln.strip()), '')
        if kind == 'output':
            last = segments[-1] if segments and not ''.join(prose).strip() else None
            if last is None or last.kind != 'python' or last.output is not None:
                raise ValueError(f'第 {i + 1} 行的 output 块前面不是 python 代码块 '
                                 f'(the output block at line {i + 1} does not follow a python block)')
            segments[-1] = last._replace(output=code)
            prose.clear()
        elif QUOTE.match(previous):
            prose.append('\n'.join(lines[i:j + 1]))
            flush()
            segments[-1] = segments[-1]._replace(kind='quote', source=QUOTE.match(previous).group(1))
        else:
            flush()
            segments.append(Segment('python', code, None, None))
        i = j + 1
    flush()
    return segments


IMAGE_TYPES = {'.png': 'image/png', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.gif': 'image/gif'}


def _relink(markdown, page, out_dir, names):
    """链接到别的章节 → 对应的 .ipynb；本地图片 → 嵌进单元的附件 (cell attachments)，笔记本挪到哪里都能显示；
    其余相对路径 → 相对于 out_dir。网址和 #锚点不变。返回 (新的 Markdown, 附件)。"""
    attachments = {}

    def fix(m):
        bang, text, target = m.groups()
        if '://' in target or target.startswith('#'):
            return m.group(0)
        path, _, anchor = target.partition('#')
        resolved = (page.parent / path).resolve()
        mime = IMAGE_TYPES.get(resolved.suffix.lower())
        if bang and mime and resolved.is_file():
            data = base64.b64encode(resolved.read_bytes()).decode('ascii')
            attachments[resolved.name] = {mime: data}
            return f'![{text}](attachment:{resolved.name})'
        if not bang and resolved in names:
            new = names[resolved]
        else:
            new = os.path.relpath(resolved, out_dir).replace(os.sep, '/')
        return f'{bang}[{text}]({new}{"#" + anchor if anchor else ""})'
    return LINK.sub(fix, markdown), attachments


def notebook_name(page):
    return ('lecture' if page.name == 'lecture.md' else page.stem) + '.ipynb'


def to_notebook(page, out_dir, names=None):
    """一页 Markdown → nbformat 的笔记本对象。"""
    import nbformat
    v4 = nbformat.v4
    names = names or {}
    source = os.path.relpath(page, ROOT).replace(os.sep, '/')
    cells = [v4.new_markdown_cell(f'*本笔记本由 `{source}` 生成（`python docs/make_notebooks.py`），'
                                  f'要修改请改那个 Markdown 文件。按顺序运行每个单元。*')]
    for seg in split_page(page.read_text(encoding='utf-8')):
        if seg.kind == 'python':
            cells.append(v4.new_code_cell(seg.text.rstrip('\n')))
        else:
            text, attachments = _relink(seg.text, page, out_dir, names)
            cell = v4.new_markdown_cell(text.rstrip('\n'))
            if attachments:
                cell.attachments = attachments
            cells.append(cell)
    nb = v4.new_notebook(cells=cells)
    nb.metadata.update({
        'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'},
        'language_info': {'name': 'python'},
    })
    return nb


def execute(nb, cwd, timeout=600):
    """在真的 Jupyter 内核 (kernel) 里按顺序运行每个单元；任何单元出错都抛出 nbclient 的 CellExecutionError。"""
    from nbclient import NotebookClient
    NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(cwd)}}).execute()
    return nb


def build(out_dir, run=False, only=None):
    """把 pages() 全部（或名字在 only 里的）写成 out_dir/*.ipynb，返回写出的路径。"""
    import nbformat
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    todo = pages()
    names = {p.resolve(): notebook_name(p) for p in todo}
    written = []
    for page in todo:
        if only and page.stem not in only and page.name not in only:
            continue
        nb = to_notebook(page, out_dir, names)
        if run:
            execute(nb, out_dir)
        path = out_dir / notebook_name(page)
        nbformat.write(nb, str(path))
        written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description='把教程各章转成 Jupyter 笔记本 (tutorial chapters → notebooks)')
    parser.add_argument('pages', nargs='*', help='只转换这些页（如 03-graph-and-chain-rule）；默认全部')
    parser.add_argument('--out', default=str(ROOT / 'notebooks'), help='输出目录 (output folder)，默认 notebooks/')
    parser.add_argument('--execute', action='store_true',
                        help='运行每个笔记本并保存输出 (run every notebook and keep its outputs)')
    args = parser.parse_args(argv)
    try:
        import nbformat  # noqa: F401
        if args.execute:
            import nbclient  # noqa: F401
            import ipykernel  # noqa: F401
    except ImportError as err:
        sys.exit(f'缺少 {err.name}：请先 pip install -e ".[notebook]" (missing {err.name}: pip install -e ".[notebook]")')
    for path in build(args.out, args.execute, set(args.pages)):
        print(f'已写出 (written): {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
