"""高阶导数与 PyTorch float64 对比：随机表达式图（所有运算、共用的子表达式、Value 指数）的二阶、三阶导数，
以及 create_graph 下的掩码 (mask)。"""

import math

import pytest

from micrograd_zh import Value, grad
from random_graphs import build, inputs, plan

torch = pytest.importorskip('torch')
from test_engine_torch import same  # noqa: E402  (nan = nan, inf exactly, else relative)


def torch_grads(out, xs):
    """torch.autograd.grad with create_graph; a gradient that depends on no input is a constant tensor (0 if unused)."""
    if not out.requires_grad:
        return [torch.zeros((), dtype=torch.float64) for _ in xs]
    gs = torch.autograd.grad(out, xs, create_graph=True, allow_unused=True)
    return [torch.zeros((), dtype=torch.float64) if g is None else g for g in gs]


def ours_up_to_third(steps, xs):
    leaves = [Value(x) for x in xs]
    out, _ = build(steps, leaves)
    g = grad(out, leaves, create_graph=True)
    h = [grad(gi, leaves, create_graph=True) for gi in g]
    t = [[grad(hij, leaves, create_graph=True) for hij in row] for row in h]
    return out.data, [v.data for v in g], [[v.data for v in row] for row in h], \
        [[[v.data for v in cell] for cell in row] for row in t]


def torch_up_to_third(steps, xs):
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out, _ = build(steps, leaves, torch=torch)
    g = torch_grads(out, leaves)
    h = [torch_grads(gi, leaves) for gi in g]
    t = [[torch_grads(hij, leaves) for hij in row] for row in h]
    return out.item(), [v.item() for v in g], [[v.item() for v in row] for row in h], \
        [[[v.item() for v in cell] for cell in row] for row in t]


def flat(nested):
    if isinstance(nested, list):
        return [x for item in nested for x in flat(item)]
    return [nested]


@pytest.mark.parametrize('seed', range(60))
def test_second_and_third_derivatives_of_random_graphs_equal_torch(seed):
    steps, xs = plan(seed), inputs(seed)
    ours, theirs = ours_up_to_third(steps, xs), torch_up_to_third(steps, xs)
    for level, (a, b) in enumerate(zip(ours, theirs)):
        scale = max([1.0] + [abs(v) for v in flat(b) if math.isfinite(v)])
        for x, y in zip(flat(a), flat(b)):
            assert same(x, y, rel=1e-8, abs_=1e-10 * scale), (seed, level, x, y, steps)


MASKED = [
    ('relu at -1', lambda x, T: (T.relu(x) if T else x.relu()) ** 0.5 + x * x, -1.0),
    ('relu at 0', lambda x, T: (T.relu(x) if T else x.relu()) * math.inf + x * x, 0.0),
    ('x ** 0', lambda x, T: (x ** 0) * math.inf + x * x, 2.0),
]


@pytest.mark.parametrize('name, f, at', MASKED, ids=[m[0] for m in MASKED])
def test_masks_hold_in_gradients_built_with_create_graph(name, f, at):
    x = Value(at)
    (g,) = grad(f(x, None), x, create_graph=True)
    (h,) = grad(g, x)
    t = torch.tensor(at, dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(f(t, torch), t, create_graph=True)
    (th,) = torch.autograd.grad(tg, t)
    assert same(g.data, tg.item()) and same(h, th.item()), (g.data, tg.item(), h, th.item())
