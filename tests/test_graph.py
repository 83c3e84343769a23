"""图的遍历 (micrograd_zh/graph.py)：拓扑序不递归；pickle 和 copy.deepcopy 对再深的图也能用。"""

import copy
import pickle

import pytest

from micrograd_zh import MLP, Parameter, Value, dot, grad, topological_order
from micrograd_zh.derivatives import DotName


def test_deep_chain_backprops_without_recursion():
    n = 100_000
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    assert len(topological_order(y)) == 1 + 4 * n   # x, then per step: const, *, const, +


def test_topological_order_expands_the_first_child_first():
    # 图里 x1 的分支排在 x2 的前面，与表达式的书写顺序一致 (pictures list branches in the order written)
    x1, w1, x2, w2 = (Value(1.0, label=n) for n in ('x1', 'w1', 'x2', 'w2'))
    a = x1 * w1
    a.label = 'a'
    b = x2 * w2
    b.label = 'b'
    out = a + b
    out.label = 'out'
    assert [n.label for n in topological_order(out)] == ['x1', 'w1', 'a', 'x2', 'w2', 'b', 'out']


def test_topological_order_puts_children_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    pos = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for child in node._prev:
            assert pos[id(child)] < pos[id(node)]
    assert order[-1] is e and len(order) == 5


# ---------------------------------------------------------------- pickle and deepcopy (issue 10, item 9)
def chain(depth):
    x = Value(0.5, label='x')
    c = Value(1.0001, label='c')
    y = x
    for _ in range(depth):
        y = (y * c).tanh() + x
    y.label = 'y'
    return x, c, y


def same_graph(a, b):
    """两张图结构和数都相同，但没有一个共同的节点 (same structure and numbers, no shared node)。"""
    oa, ob = topological_order(a), topological_order(b)
    assert len(oa) == len(ob) and not {id(n) for n in oa} & {id(n) for n in ob}
    pa, pb = {n: i for i, n in enumerate(oa)}, {n: i for i, n in enumerate(ob)}
    for p, q in zip(oa, ob):
        assert (p.data, p.grad, p.label, p._op, p._local_grads) == (q.data, q.grad, q.label, q._op, q._local_grads)
        assert [pa[c] for c in p._prev] == [pb[c] for c in q._prev]


@pytest.mark.parametrize('copier', [lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy],
                         ids=['pickle', 'deepcopy'])
@pytest.mark.parametrize('depth', [1, 1000, 5000])
def test_a_deep_graph_copies_without_recursion_error(copier, depth):
    x, c, y = chain(depth)                      # on main: RecursionError at depth 1000
    y.backward()
    y2 = copier(y)
    same_graph(y, y2)
    x2 = topological_order(y2)[0]
    x2.grad = 0.0
    y2.backward()                               # the copy is a working graph of its own
    assert x2.grad == x.grad and x.label == x2.label == 'x'


def test_leaves_shared_by_several_copied_objects_stay_one_object():
    x, c, y = chain(3)
    z = y * x
    x2, y2, z2 = pickle.loads(pickle.dumps([x, y, z]))
    assert x2 in topological_order(y2) and x2 in topological_order(z2)
    assert topological_order(z2)[0] is x2
    x3, z3 = copy.deepcopy([x, z])
    assert topological_order(z3)[0] is x3 and x3 is not x


def test_labels_parameter_attributes_and_value_gradients_survive():
    x = Parameter(2.0, label='x')
    x.m = {'made by': 'test'}
    y = x ** 3
    y.label = 'y'
    y.backward(create_graph=True)               # x.grad is a Value: a graph of its own
    for y2 in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        x2 = y2._prev[0]
        assert y2.label == 'y' and x2.label == 'x' and x2.m == {'made by': 'test'}
        assert y2.grad.data == 1.0 and x2.grad.data == 12.0 and type(x2) is Parameter


def test_a_dot_node_keeps_its_pairing_through_a_copy():
    w, v = Value(3.0), Value(4.0)
    out = copy.deepcopy(dot([w, v], [w, v]))    # w² + v²
    assert type(out._op) is DotName
    (dw, dv) = grad(out, list(out._prev[:2]), create_graph=True)
    assert (dw.data, dv.data) == (6.0, 8.0)
    assert grad(dw, list(out._prev[:2])) == (2.0, 0.0)


def test_models_keep_pickling_also_after_a_forward_pass():
    model = MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[0].w[0].m = 0.25        # an optimizer's state on a parameter
    loss = model([1.0, -2.0])
    loss.backward()
    for twin in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert twin.state_dict() == model.state_dict()
        assert twin([1.0, -2.0]).data == loss.data
        assert twin.layers[0].neurons[0].w[0].m == 0.25
        assert [p.grad for p in twin.parameters()] == [p.grad for p in model.parameters()]
