"""命令行 (command line)：python -m micrograd_zh 或 micrograd-zh。

    micrograd-zh draw "tanh(x1*w1 + x2*w2 + b)" --set x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432 -o neuron.svg
    micrograd-zh explain "a*b + a" --set a=2 b=-3
    micrograd-zh steps "a*b + a" --set a=2 b=-3 -o steps.html

输入有误时（表达式、--set、选项）退出码为 2，只打印一行说明，没有 traceback。
找不到渲染器时退出码为 1（draw 照样写出 .dot 文件）。
"""

import argparse
import os
import sys

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
        p.add_argument('expression', help='表达式，如 "tanh(x1*w1 + b)" (expression)')
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


def main(argv=None):
    """命令行入口 (command-line entry point)：python -m micrograd_zh 或 micrograd-zh；返回退出码 (exit code)。"""
    args = _parser().parse_args(argv)
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
