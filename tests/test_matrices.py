"""第 10 章：逐条边的链式法则加总起来，就是博客里的矩阵公式（与纯 Python 的矩阵运算和 numpy 都一致）。"""

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parent.parent / 'docs' / 'tutorial' / '10-matrices.md'


@pytest.fixture(scope='module')
def page():
    namespace = {'__name__': '__doc__'}
    for i, code in enumerate(re.findall(r'^```python\n(.*?)^```', PAGE.read_text('utf-8'), re.S | re.M), 1):
        exec(compile(code, f'10-matrices.md block {i}', 'exec'), namespace)
    return namespace


def engine_grads(page, seed, sizes):
    x, y, w1, w2 = page['make_net'](seed, *sizes)
    h, h_relu, y_pred, loss = page['forward'](x, y, w1, w2)
    loss.backward()
    g = page['grads']
    return (x, y, page['data'](w1), page['data'](w2)), {
        'grad_y_pred': g(y_pred), 'grad_w2': g(w2), 'grad_h_relu': g(h_relu), 'grad_h': g(h), 'grad_w1': g(w1)}


SIZES = [(4, 3, 5, 2), (1, 1, 1, 1), (7, 2, 9, 3), (3, 6, 2, 4), (64, 10, 8, 3)]


@pytest.mark.parametrize('seed, sizes', list(enumerate(SIZES)))
def test_engine_equals_the_matrix_formulas_in_pure_python(page, seed, sizes):
    inputs, engine = engine_grads(page, seed, sizes)
    by_matrices = page['matrix_grads'](*inputs)
    for name in engine:
        assert page['max_difference'](engine[name], by_matrices[name]) < 1e-11, name


@pytest.mark.parametrize('seed, sizes', list(enumerate(SIZES)))
def test_engine_equals_the_matrix_formulas_in_numpy(page, seed, sizes):
    np = pytest.importorskip('numpy')
    assert page['np'] is np                                # 页面里的 numpy 那一段真的运行了
    assert max(page['numpy_differences'].values()) < 1e-12
    inputs, engine = engine_grads(page, seed, sizes)
    by_numpy = page['numpy_grads'](*inputs)
    for name in engine:
        assert by_numpy[name].shape == np.array(engine[name]).shape
        assert np.max(np.abs(np.array(engine[name]) - by_numpy[name])) < 1e-11, name


def test_engine_equals_torch_autograd_on_the_same_net(page):
    torch = pytest.importorskip('torch')
    (x, y, w1, w2), engine = engine_grads(page, 3, (5, 4, 6, 3))
    tw1, tw2 = (torch.tensor(m, dtype=torch.float64, requires_grad=True) for m in (w1, w2))
    tx, ty = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    loss = ((tx.mm(tw1).clamp(min=0).mm(tw2) - ty) ** 2).sum()
    loss.backward()
    assert torch.max(torch.abs(torch.tensor(engine['grad_w1'], dtype=torch.float64) - tw1.grad)) < 1e-11
    assert torch.max(torch.abs(torch.tensor(engine['grad_w2'], dtype=torch.float64) - tw2.grad)) < 1e-11


def test_jacobian_of_the_linear_layer_is_w2_transposed(page):
    assert page['J_edges'] == page['J_rows'] == page['T'](page['data'](page['w2']))
    H, D_out = page['H'], page['D_out']
    assert (len(page['J_rows']), len(page['J_rows'][0])) == (D_out, H)
