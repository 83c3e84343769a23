"""学习者常见的误区 (misconception lab)：把经典的错误在真正的引擎上跑一遍，看数字从哪里开始分叉。

这里没有第二个引擎。计算图就是 `Value` 建的那张图；错误的反向传播只是换了一个循环，
每个节点上的那一步链式法则仍由引擎自己的 `Value._backward()` 来做（讲座里的 o._backward()）：

    backward_assign(root)           把 += 写成 =：一个节点被用了几次，只记住最后一次
    backward_in_order(root, order)  按随便给的顺序做 _backward()；顺序不是逆拓扑序时就错
    first_reached(root)             一种常见的错误顺序：深度优先，第一次走到就处理（前序 preorder）
    backward_recursive(root)        不排序，沿每条路径递归 (recursion)：共享的节点被处理好几次

例图 (example graphs)：reuse_graph()（b = a + a，c = b + b）、two_paths_graph()（L = b·c，c = b + k）；
labelled(value, 名字) 给节点起名字并返回它。

比较和画图：

    gradients(root, backward, times)   清零整张图，跑 times 次 backward，返回 {节点: grad}
    first_split(root, right, wrong)    按反向传播的顺序，第一个 grad 不同的节点：数字从这里分叉
    compare(root, 列名=梯度, ...)      一张表，每个节点一行，分叉处标 ←
    draw_panels(root, 标题=梯度, ...)  几张同样的计算图并排，各写一组 grad，分叉的节点描红

训练里的误区 (忘了 zero_grad、更新时符号反了、全零初始化、评估时不用 no_grad) 见 fit_line、fit_xor
和 graph_size。讲解和图在 docs/tutorial/12-misconceptions.md。
"""

import math
import re

from .engine import Value, topological_order
from .stepper import Narration
from .viz import Graph, fmt, node_names, to_dot

__all__ = ['edges', 'gradients', 'backward_assign', 'backward_in_order', 'first_reached', 'backward_recursive',
           'labelled', 'reuse_graph', 'two_paths_graph', 'first_split', 'compare', 'draw_panels', 'fit_line', 'fit_xor',
           'graph_size']


# ---------------------------------------------------------------- 每条边的局部导数 (local derivative per edge)
def edges(node):
    """node 的每条边：[(子节点 child, 局部导数 ∂node/∂child)]，顺序与 node._prev 相同，a*a 有两条。

    数字是引擎自己算的：把子节点暂时换成一组替身 (stand-ins)，上游梯度设为 1，调用一次
    node._backward()，每个替身收到的就是它那条边的局部导数。node 本身不变。
    """
    children, upstream = node._prev, node.grad
    stand_ins = tuple(Value(child.data) for child in children)
    node._prev, node.grad = stand_ins, 1.0
    try:
        node._backward()
    finally:
        node._prev, node.grad = children, upstream
    return [(child, s.grad) for child, s in zip(children, stand_ins)]


# ---------------------------------------------------------------- 几种反向传播 (backward passes, right and wrong)
def gradients(root, backward=None, times=1):
    """把 root 的整张图的 grad 清零，调用 backward(root) times 次，返回 {节点: grad}。

    backward 默认是引擎的 Value.backward；也可以是本模块里某个错误的版本。
    """
    backward = Value.backward if backward is None else backward
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    for _ in range(times):
        backward(root)
    return {node: node.grad for node in order}


def backward_assign(root):
    """错误 (bug)：链式法则的那一行写成 `=` 而不是 `+=`。

    顺序是对的（逆拓扑序），但一个节点被几条边用到时，每条边都把它的 grad 覆盖掉，只剩最后一条边的贡献。
    Karpathy 的讲座里反向传播起初就是这样写的，b = a + a 算出 a.grad = 1（应为 2）才发现。
    """
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for child, local in edges(node):
            child.grad = local * node.grad


def backward_in_order(root, order):
    """按给定的顺序 order，对每个节点做一次引擎的 node._backward()（+= 是对的）。

    order 是逆拓扑序时，这就是 micrograd 的 backward()（不清零中间节点）；其他顺序可能出错：
    一个节点在还没收齐上游梯度时就把梯度往下传了。
    """
    root.grad = 1.0
    for node in order:
        node._backward()


def first_reached(root):
    """一种常见的错误顺序：从 root 深度优先 (depth-first)，节点第一次被走到就排进去（前序 preorder）。

    学习者不做拓扑排序、只用 visited 集合防止重复时，得到的就是这个顺序。
    """
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            order.append(node)
            stack.extend(reversed(node._prev))
    return order


def backward_recursive(root):
    """错误 (bug)：不排序，每个节点做完 _backward() 就递归到每个子节点（micrograd 的第一版，karpathy/micrograd#2、#64）。

    共享的节点有几条路径就被处理几次，每次都把它当时的 grad 再传一遍。只用于小图（递归）。
    """
    def visit(node):
        node._backward()
        for child in node._prev:
            visit(child)
    root.grad = 1.0
    visit(root)


# ---------------------------------------------------------------- 两张例图 (two example graphs)
def labelled(value, label):
    """给 value 起名字 (label)，返回它自己：b = labelled(a + a, 'b')。"""
    value.label = label
    return value


def reuse_graph():
    """b = a + a，c = b + b（a = 2）：a 经四条路径到达 c，∂c/∂a = 4。返回 c。"""
    a = Value(2.0, label='a')
    b = labelled(a + a, 'b')
    return labelled(b + b, 'c')


def two_paths_graph():
    """a = 3，k = 1；b = a + a，c = b + k，L = b·c：b 经两条长短不同的路径到达 L。返回 L。"""
    a, k = Value(3.0, label='a'), Value(1.0, label='k')
    b = labelled(a + a, 'b')
    c = labelled(b + k, 'c')
    return labelled(b * c, 'L')


# ---------------------------------------------------------------- 比较 (compare)
def _same(x, y):
    return x == y or (x != x and y != y) or math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)


def first_split(root, right, wrong):
    """按正确的反向传播处理节点的顺序（逆拓扑序），第一个 right 和 wrong 不同的节点；都相同时返回 None。"""
    for node in reversed(topological_order(root)):
        if not _same(right.get(node, 0.0), wrong.get(node, 0.0)):
            return node
    return None


def _width(text):
    return sum(2 if ord(ch) > 0x2e80 else 1 for ch in text)       # 中文字符占两格


def _cell(text, width):
    return text + ' ' * (width - _width(text))


def compare(root, **columns):
    """每个节点一行、每组梯度一列的表格，按反向传播的顺序（从 root 开始）。

    第一列当作正确答案；其余每一列在它第一次与第一列不同的节点上标 ←（数字从这里分叉）。
        compare(c, 正确=gradients(c), 错误=gradients(c, backward_assign))
    """
    if not columns:
        raise ValueError("compare 至少要一列梯度，如 compare(root, 正确=gradients(root)) "
                         "(compare needs at least one column of gradients, e.g. compare(root, right=gradients(root)))")
    order = topological_order(root)
    names = node_names(order)
    titles = list(columns)
    right = columns[titles[0]]
    splits = {t: first_split(root, right, columns[t]) for t in titles[1:]}
    rows = [['节点 (node)'] + titles]
    for node in reversed(order):
        rows.append([names[node]] + [fmt(columns[t].get(node, 0.0)) + (' ←' if splits.get(t) is node else '')
                                     for t in titles])
    widths = [max(_width(r[i]) for r in rows) + 2 for i in range(len(titles) + 1)]
    return Narration('\n'.join(''.join(_cell(text, w) for text, w in zip(r, widths)).rstrip() for r in rows))


_MARK = '#dc2626'


def draw_panels(root, mark=None, **panels):
    """同一张计算图画几份，从上到下排开，每份写一组梯度；mark 给出的节点（如分叉处）在每份里都描红。

        draw_panels(c, b, 正确=right, 错误=wrong).save('split.svg')
    叶子节点都画成输入 (input) 的颜色。返回 Graph（与 draw_dot 相同：.source、.save(path)，Jupyter 里直接显示）。
    """
    index = {node: i for i, node in enumerate(topological_order(root))}
    body = []
    # 从左到右 (rankdir=LR) 的图里，Graphviz 把后写的子图放在上面，所以倒着写，读起来才是给定的顺序
    for k, (title, grads) in reversed(list(enumerate(panels.items()))):
        lines = to_dot(root, grads=grads, legend=False, params=()).strip().splitlines()[1:-1]
        lines = [re.sub(r'\bv(?=\d)', f'p{k}v', line) for line in lines    # 每份的节点换个前缀
                 if not line.lstrip().startswith('graph [')]
        if mark is not None:
            lines.append(f'  p{k}v{index[mark]} [color="{_MARK}", penwidth=3];')
        body += [f'subgraph cluster_{k} {{', f'  label="{title}"; fontsize=14; color="#94a3b8";'] + lines + ['}']
    head = to_dot(root, legend=False).splitlines()[:2]         # digraph G { 和 graph [rankdir=…]
    return Graph('\n'.join(head + body + ['}']) + '\n')


# ---------------------------------------------------------------- 训练里的误区 (bugs in the training loop)
LINE = ([1.0, 2.0, 3.0], [3.0, 5.0, 7.0])        # y = 2x + 1，梯度下降那一章的三个点


def fit_line(steps=30, lr=0.05, zero_grad=True, descend=True):
    """用梯度下降拟合 LINE 里的三个点 y = 2x + 1：模型 w·x + b，损失 MSE，从 w = b = 0 出发。

    zero_grad=False 模拟忘了清零；descend=False 模拟更新时符号写反（p.data += lr * p.grad）。
    返回每一步的记录 [{'loss', 'w', 'b', 'w_grad', 'b_grad'}]：loss 和 grad 是这一步 backward 时的，
    w、b 是这一步更新之后的。
    """
    xs, ys = LINE
    w, b = Value(0.0, label='w'), Value(0.0, label='b')
    sign = -1.0 if descend else 1.0
    history = []
    for _ in range(steps):
        if zero_grad:
            w.grad = b.grad = 0.0
        loss = sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
        loss.backward()
        w.data += sign * lr * w.grad
        b.data += sign * lr * b.grad
        history.append({'loss': loss.data, 'w': w.data, 'b': b.data, 'w_grad': w.grad, 'b_grad': b.grad})
    return history


def fit_xor(init='xavier', constant=None, steps=300, lr=0.2, hidden=4, seed=0):
    """用 MLP(2, [hidden, 1], tanh) 和 MSE 学异或 (XOR) 的四个点，SGD，返回 (model, 每一步的损失)。

    init 是 nn 的初始化 ('zeros'、'xavier' …)；给了 constant 时把所有权重都设成这个数（偏置仍是 0），
    用来看对称性 (symmetry)：同一层的神经元一模一样，永远学成一样。
    """
    from .data import make_xor
    from .losses import mse
    from .nn import MLP
    from .optim import SGD
    X, y = make_xor()
    model = MLP(2, [hidden, 1], activation='tanh', init=init, seed=seed)
    if constant is not None:
        for layer in model.layers:
            for neuron in layer.neurons:
                for w in neuron.w:
                    w.data = float(constant)
    opt = SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = mse([model(x) for x in X], y)
        loss.backward()
        opt.step()
        losses.append(loss.data)
    return model, losses


def graph_size(*values):
    """这些 Value 一共连着多少个节点（它们的图的并集，共享的参数只算一次）：还留在内存里的图有多大。

    在 no_grad() 里算出的值没有边，每个只算它自己，是 1。
    """
    seen = set()
    for v in values:
        seen.update(topological_order(v))
    return len(seen)
