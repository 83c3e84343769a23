"""docs/errors.md 里的表格就是测试 (the table in docs/errors.md is the test)：每一行都在这里运行。

每行给出代码、异常类型、信息里必须出现的参数名和完整的信息。这里检查：抛出的正是那个异常；
信息只有一行，有中文也有括号里的英文，写出了参数名，并且和表格里的一字不差。文档和代码因此不会走样。
"""

import contextlib
import io
import json
import math
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / 'docs' / 'errors.md'
ROW = re.compile(r'^\| *(\d+) *\| *`(.+?)` *\| *`(\w+)([*†]?)` *\| *`(.+?)` *\| *(.*?) *\|$')
CJK = re.compile('[\u4e00-\u9fff]')


def table_rows():
    rows = [ROW.match(line) for line in TABLE.read_text(encoding='utf-8').splitlines()]
    return [m.groups() for m in rows if m]


def namespace(tmp_path):
    """每一行都在新的命名空间里运行 (a fresh namespace per row)：m、ps 等都是新建的。"""
    import micrograd_zh
    from micrograd_zh import data, losses, optim, train
    ns = {'json': json, 'math': math}
    for module in (micrograd_zh, losses, optim, data, train):
        ns.update({name: getattr(module, name) for name in module.__all__})
    ns.update(a=micrograd_zh.Value(2.0), m=micrograd_zh.MLP(2, [3, 1], seed=0),
              n=micrograd_zh.Neuron(2, seed=0), layer=micrograd_zh.Layer(2, 3, seed=0))
    ns['ps'] = ns['m'].parameters()
    ns['X'], ns['y'] = [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0]
    ns['opt'] = optim.SGD(ns['ps'], lr=0.1)
    path = tmp_path / 'model.json'

    def write(content):
        """把 content（文本、字节或 dict）写进 model.json，返回路径。"""
        if isinstance(content, dict):
            content = json.dumps(content)
        if isinstance(content, str):
            content = content.encode('utf-8')
        path.write_bytes(content)
        return str(path)

    def good():
        """m 正常保存的文件内容，dict。"""
        ns['m'].save(path)
        return json.loads(path.read_text(encoding='utf-8'))

    def cli(*argv):
        """运行命令行 micrograd-zh *argv；退出码是 2 时，把 stderr 上那一行（去掉开头的 'micrograd-zh: '）
        当作 SystemExit 的信息抛出 (exit code 2: raise SystemExit with the one line printed)。"""
        from micrograd_zh.__main__ import PROG, main
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main(list(argv))
            except SystemExit as e:
                code = e.code
        if code == 2:
            raise SystemExit(err.getvalue().rstrip('\n')[len(PROG) + 2:])
        return code

    ns.update(write=write, good=good, tmp=lambda name: str(tmp_path / name), folder=str(tmp_path), cli=cli)
    return ns


def split(message):
    """(中文部分, 英文部分)：英文部分从第一个之后再没有中文的 " (" 开始，到结尾的 ")"。没有就返回 None。"""
    if not message.endswith(')'):
        return None
    for i in range(len(message)):
        if message.startswith(' (', i) and not CJK.search(message, i):
            return message[:i], message[i + 2:-1]
    return None


def run(code, tmp_path):
    ns = namespace(tmp_path)
    before = ns['m'].state_dict()
    try:
        exec(code, ns)
    except (Exception, SystemExit) as exc:            # SystemExit：命令行 cli(...) 的拒绝 (refusals)
        message = str(exc)
        for name in ('model.json', 'missing.json', ''):
            message = message.replace(str(tmp_path / name).rstrip('/'), '<path>')
        return exc, message, before == ns['m'].state_dict()
    pytest.fail(f'没有抛出异常 (no exception raised): {code}')


ROWS = table_rows()


def test_the_table_is_long_and_numbered():
    assert len(ROWS) >= 100
    assert [int(r[0]) for r in ROWS] == list(range(1, len(ROWS) + 1))


@pytest.mark.parametrize('num, code, exc_type, mark, argument, expected', ROWS,
                         ids=[f'{r[0]}:{r[1][:40]}' for r in ROWS])
def test_bad_input(num, code, exc_type, mark, argument, expected, tmp_path):
    exc, message, model_unchanged = run(code, tmp_path)
    assert type(exc).__name__ == exc_type, f'{type(exc).__name__}: {message}'
    assert '\n' not in message and '\r' not in message
    assert argument in message
    if mark == '*':                               # Python 自己的信息，只有英文 (Python's own message)
        assert not CJK.search(message)
    elif mark == '†':                             # 引擎的信息，英文部分夹着中文名字 (engine, reported)
        assert CJK.search(message) and message.count(argument) >= 2
    else:
        assert split(message), message
        chinese, english = split(message)
        assert CJK.search(chinese) and not CJK.search(english), message
        assert argument in chinese and argument in english, message
    assert message == expected.replace('\\|', '|'), f'docs/errors.md 第 {num} 行该更新了 (update row {num}): {message}'
    if '.load(' in code:                          # 读取失败时模型保持原样
        assert model_unchanged
