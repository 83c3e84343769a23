"""viz：把一张 1000 个节点的图画成 DOT 和 SVG 要多久 (time to draw a 1000-node graph)。

    python benchmarks/viz.py                   # 默认 3 轮
    python benchmarks/viz.py --quick           # 冒烟测试：100 个节点

图是 y = tanh(y · wᵢ) 重复 333 次（每次 3 个节点：wᵢ、*、tanh），反向传播之后用 draw_dot 画出，
每个节点带数值、梯度，每条边带局部导数。只测 micrograd_zh；SVG 需要一个渲染器 (renderer)，
没有就跳过并说明。每轮一个新进程。
"""

import sys
import time

import _timing as T


def worker(spec, _):
    from micrograd_zh import Value, topological_order, viz
    y = Value(0.5, label='x')
    for i in range(spec['links']):
        y = (y * Value(0.9, label=f'w{i}')).tanh()
    y.backward()
    start = time.perf_counter()
    graph = viz.draw_dot(y, max_nodes=None)
    result = {'nodes': len(topological_order(y)), 'dot': time.perf_counter() - start, 'svg': None}
    try:
        start = time.perf_counter()
        graph.svg()
        result['svg'] = time.perf_counter() - start
    except viz.RendererNotFoundError as e:
        result['error'] = str(e)
    return result


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = T.parser('viz：1000 个节点的图画成 SVG (render a 1000-node graph to SVG)', rounds=3)
    args = p.parse_args(argv)
    links = 333
    if args.quick:
        links, args.rounds = 33, 1
    T.header('viz: draw_dot 画一张图 (draw one graph)', argv)
    rs = T.alternate(__file__, [{'links': links}], args.rounds)[0]
    n = rs[0]['nodes']
    report = T.Report('viz', args.quick)
    report.row(f'viz {n}-node graph to DOT', T.OURS, [r['dot'] for r in rs], 's', None)
    svg = [r['svg'] for r in rs if r['svg'] is not None]
    if svg:
        report.row(f'viz {n}-node graph to SVG', T.OURS, svg, 's', None)
        report.goal(f'render a {n}-node graph to SVG: report the time', f'{T.spread(svg)[0]:.2f} s', True, timing=True)
    else:
        T.say(f"  [跳过 skip] {rs[0].get('error')}")
    report.print()
    return 0


if __name__ == '__main__':
    if not T.worker_main(worker):
        sys.exit(main())
