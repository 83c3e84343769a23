"""命令行 (command line)：python -m micrograd_zh 或 micrograd-zh。

    micrograd-zh draw "tanh(x1*w1 + x2*w2 + b)" --set x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432 -o neuron.svg
    micrograd-zh explain "a*b + a" --set a=2 b=-3
    micrograd-zh steps "a*b + a" --set a=2 b=-3 -o steps.html

输入有误时（表达式、--set、选项、不支持的输出格式）退出码为 2，只打印一行说明，没有 traceback。
找不到渲染器时退出码为 1（draw 照样写出 .dot 文件）。

- 以 - 开头的表达式照样能用：micrograd-zh draw "-x*2" --set x=1，或写在 -- 之后：draw -- "-x*2" --set x=1
  （-- 只管紧跟着的那一个参数，后面的选项照常）。只有像选项 -o、-h 开头的表达式（如 "-o*2"）必须写在 -- 之后。
- --set 的名字和值像表达式里的名字一样按 NFKC 折叠：全角的 ｘ＝－２ 就是 x=-2。
- 终端不能显示中文时（例如 PYTHONIOENCODING=ascii），显示不了的字符写成 \\u 转义，并提示一次，不会崩溃。
"""

import argparse
import os
import sys
import unicodedata

from .checks import output_file
from .expr import ExpressionError, evaluate
from .stepper import backward_steps, explain
from .viz import RendererNotFoundError, draw_dot

PROG = 'micrograd-zh'
ROOT_LABEL = 'L'


class _Parser(argparse.ArgumentParser):
    """argparse 出错时只打印一行（不打印用法 usage），退出码 2。"""

    def error(self, message):
        _refuse(f'参数有误 (bad arguments): {message}')


def _refuse(message):
    print(f'{PROG}: {message}', file=sys.stderr)
    sys.exit(2)


def _parse_set(items):
    """把 ['x1=2', 'w1=-3'] 变成 {'x1': 2.0, 'w1': -3.0}；格式不对时抛出 ExpressionError。"""
    values = {}
    for item in items:
        item = unicodedata.normalize('NFKC', item)     # 全角的 ｘ＝－２ 折叠成 x=-2，与表达式里的名字一样
        name, eq, text = item.partition('=')
        name = name.strip()
        if not eq or not name:
            raise ExpressionError(f'--set 需要 名字=数值，而不是 {item!r} (--set needs NAME=VALUE, got {item!r})')
        if name in values:
            raise ExpressionError(f'--set 给了 {name} 两次 (--set gives {name} twice)')
        try:
            values[name] = float(text)
        except ValueError:
            raise ExpressionError(f'--set {name} 的值必须是数字，而不是 {text!r} '
                                  f'(--set {name} needs a number, got {text!r})') from None
    return values


def _parser():
    parser = _Parser(prog=PROG, description='画出、讲解、一步步演示一个表达式的反向传播 '
                                            '(draw, explain and step through backpropagation)')
    sub = parser.add_subparsers(dest='command', metavar='{draw,explain,steps}', parser_class=_Parser)
    sub.required = True

    def common(p):
        p.add_argument('expression', nargs='?', help='表达式，如 "tanh(x1*w1 + b)" (expression)')
        p.add_argument('--set', nargs='+', action='extend', default=[], metavar='NAME=VALUE',
                       help='变量的值 (variable values)')

    draw = sub.add_parser('draw', help='画计算图 (draw the graph)')
    common(draw)
    draw.add_argument('-o', '--output', default='graph.svg', help='输出文件 (.svg、.png、.pdf 或 .dot)')
    draw.add_argument('--format', choices=('svg', 'png', 'pdf', 'dot'),
                      help='输出格式，默认看后缀 (default: from suffix)')
    draw.add_argument('--no-backward', action='store_true', help='不做反向传播 (skip backward)')
    draw.add_argument('--rankdir', choices=('LR', 'TB', 'RL', 'BT'), default='LR')
    draw.add_argument('--color', choices=('role', 'grad'), default='role', help='按角色或梯度着色')
    draw.add_argument('--no-local-grads', action='store_true', help='边上不写局部导数')
    draw.add_argument('--max-nodes', type=int, default=500, help='最多画几个节点 (max nodes drawn)')

    exp = sub.add_parser('explain', help='用中文讲解反向传播 (narrate the backward pass)')
    common(exp)

    steps = sub.add_parser('steps', help='写出一步步的网页 (write the HTML stepper)')
    common(steps)
    steps.add_argument('-o', '--output', default='steps.html', help='输出的 HTML 文件')
    steps.add_argument('--rankdir', choices=('LR', 'TB', 'RL', 'BT'), default='LR')
    return parser


def _tolerant_output():
    """终端的编码显示不了中文或 ∂ 时（如 PYTHONIOENCODING=ascii），改成写 \\u 转义而不是崩溃，并提示一次。"""
    hint = None
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, 'encoding', None)
        if not encoding:                           # 如 io.StringIO：存的是 str，什么字符都行
            continue
        try:
            '∂梯度'.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            if hasattr(stream, 'reconfigure'):
                stream.reconfigure(errors='backslashreplace')
            hint = hint or encoding
    if hint:
        print(f'{PROG}: 提示：终端的编码 {hint} 显示不了中文和 ∂，这些字符写成了 \\u 转义 '
              f'(hint: the console encoding {hint} cannot show Chinese or ∂, they are written as \\u escapes; '
              f'set PYTHONIOENCODING=utf-8 to see them)', file=sys.stderr)


def _parse(argv):
    """argparse 把以 - 开头的参数当成选项 (option)；这里让以 - 开头的表达式也能用。

    -- 之后紧跟的那个参数是表达式；此外，argparse 不认识的以 - 开头的参数 (如 -x*2) 若只有一个，也是表达式。
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    after_dashes = None
    if '--' in argv:
        i = argv.index('--')
        after_dashes = argv[i + 1:i + 2]
        argv = argv[:i] + argv[i + 2:]
    args, unknown = parser.parse_known_args(argv)
    given = (after_dashes or []) + ([args.expression] if args.expression is not None else [])
    if not given and unknown and unknown[0].startswith('-') and not unknown[0].startswith('--'):
        given.append(unknown.pop(0))
    if unknown or len(given) > 1:
        parser.error(f"unrecognized arguments: {' '.join(unknown or given[1:])}")
    if not given:
        parser.error('the following arguments are required: expression')
    args.expression = given[0]
    return args


def _check_output(path, example):
    """-o 必须是文件名（见 checks.output_file）；不是时一行说明，退出码 2。"""
    try:
        output_file('-o', path, example)
    except ValueError as e:
        _refuse(str(e))


def main(argv=None):
    """命令行入口 (command-line entry point)：python -m micrograd_zh 或 micrograd-zh；返回退出码 (exit code)。"""
    _tolerant_output()
    args = _parse(argv)
    if args.command in ('draw', 'steps'):
        _check_output(args.output, 'graph.svg' if args.command == 'draw' else 'steps.html')
    try:
        root = evaluate(args.expression, _parse_set(args.set))
    except ExpressionError as e:
        _refuse(str(e))
    if root._prev or not root.label:          # 输出统一叫 L，讲解读起来像课程里那样
        root.label = ROOT_LABEL
    try:
        if args.command == 'explain':
            print(explain(root))
        elif args.command == 'steps':
            print(backward_steps(root, args.output, rankdir=args.rankdir))
        else:
            if args.max_nodes < 1:
                _refuse(f'--max-nodes 必须 ≥ 1，而不是 {args.max_nodes} (--max-nodes must be >= 1)')
            if not args.no_backward:
                root.backward()
            graph = draw_dot(root, rankdir=args.rankdir, show_local_grads=not args.no_local_grads,
                             color=args.color, max_nodes=args.max_nodes)
            output = args.output
            if args.format:
                output = os.path.splitext(output)[0] + '.' + args.format
            try:
                print(graph.save(output))
            except ValueError as e:               # 不认识的后缀 (unknown suffix)：一行
                _refuse(str(e))
    except RendererNotFoundError as e:
        print(f'{PROG}: {e}', file=sys.stderr)
        return 1
    except (OSError, RuntimeError) as e:
        print(f'{PROG}: {type(e).__name__}: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
