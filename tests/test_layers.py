"""layers：Linear、激活层、softmax、Sequential；一个小 CNN 的损失和每个参数的梯度与 PyTorch (to_torch) 相同。"""

import itertools
import json
import random

import pytest

from micrograd_zh import (Conv2d, Dense, Flatten, Linear, MaxPool2d, Parameter, ReLU, Sequential, Sigmoid, Softmax,
                          Tanh, Value, add_n, no_grad, softmax)
from micrograd_zh.losses import cross_entropy


def small_cnn(seed=0):
    """演示里的 CNN 的缩小版：每种层都有，卷积有 stride 和 padding。"""
    rng = random.Random(seed)
    model = Sequential(Conv2d(1, 2, 3, padding=1, rng=rng), Tanh(), Conv2d(2, 3, 3, stride=2, rng=rng), ReLU(),
                       MaxPool2d(2, 1), Flatten(), Dense(3 * 1 * 1, 5, rng=rng), Sigmoid(), Linear(5, 4, rng=rng))
    for p in model.parameters():                      # 偏置默认是 0；全部随机，比较才有意义
        if p.label.startswith('b'):
            p.data = rng.gauss(0.0, 0.5)
    return model


def images(n, seed=1, size=6):
    rng = random.Random(seed)
    return [[[[rng.random() for _ in range(size)] for _ in range(size)]] for _ in range(n)]


def test_small_cnn_loss_and_every_parameter_gradient_match_torch():
    torch = pytest.importorskip('torch')
    model = small_cnn()
    X, y = images(5), [0, 3, 1, 2, 3]
    loss = cross_entropy([model(x) for x in X], y)
    loss.backward()

    net = model.to_torch()
    t_loss = torch.nn.functional.cross_entropy(net(torch.tensor(X, dtype=torch.float64)), torch.tensor(y))
    t_loss.backward()
    assert abs(loss.data - t_loss.item()) < 1e-14
    ours = dict(model.named_parameters())
    compared = 0
    for name, tensor in net.named_parameters():        # '0.weight' ↔ '0.weight.o.i.a.b'
        flat_names = [n for n in ours if n.startswith(name + '.')]
        grads = tensor.grad.flatten().tolist()
        assert len(flat_names) == len(grads)
        for n, g in zip(flat_names, grads):
            assert abs(ours[n].grad - g) < 1e-13, n
            compared += 1
    assert compared == len(model.parameters()) == 2 * 9 + 2 + 3 * 2 * 9 + 3 + 3 * 5 + 5 + 5 * 4 + 4


def test_small_cnn_gradients_match_finite_differences():
    model = small_cnn(seed=2)
    X, y = images(3, seed=3), [1, 0, 2]
    loss = cross_entropy([model(x) for x in X], y)
    loss.backward()
    eps = 1e-6
    for name, p in model.named_parameters():
        start = p.data
        with no_grad():
            p.data = start + eps
            plus = cross_entropy([model(x) for x in X], y).data
            p.data = start - eps
            minus = cross_entropy([model(x) for x in X], y).data
        p.data = start
        numeric = (plus - minus) / (2 * eps)
        assert abs(p.grad - numeric) <= 1e-7 + 1e-5 * abs(numeric), (name, p.grad, numeric)


def test_linear_matches_torch_and_has_torch_layout():
    torch = pytest.importorskip('torch')
    layer = Linear(3, 2, seed=0)
    x = [Value(0.5), Value(-1.0), Value(2.0)]
    out = layer(x)
    add_n([out[0] * 3.0, out[1] * -2.0]).backward()
    t = layer.to_torch()
    tx = torch.tensor([v.data for v in x], dtype=torch.float64, requires_grad=True)
    ty = t(tx)
    (ty[0] * 3.0 - ty[1] * 2.0).backward()
    assert [v.data for v in out] == pytest.approx(ty.tolist(), abs=1e-15)
    assert [v.grad for v in x] == pytest.approx(tx.grad.tolist(), abs=1e-15)
    assert [w.grad for row in layer.weight for w in row] == pytest.approx(t.weight.grad.flatten().tolist(), abs=1e-15)
    assert len(layer.weight) == 2 and len(layer.weight[0]) == 3 and Dense is Linear
    assert out[0]._op == 'Σ' and len(out[0]._prev) == 2 * 3 + 1
    assert all(isinstance(p, Parameter) for p in layer.parameters())


def test_softmax_matches_torch_and_is_stable():
    torch = pytest.importorskip('torch')
    z = [Value(1.0), Value(-2.0), Value(0.5), Value(3.0)]
    p = softmax(z)
    add_n([p[0] * 1.0, p[2] * -4.0, p[3] * 2.0]).backward()
    tz = torch.tensor([v.data for v in z], dtype=torch.float64, requires_grad=True)
    tp = torch.softmax(tz, dim=0)
    (tp[0] - 4.0 * tp[2] + 2.0 * tp[3]).backward()
    assert [v.data for v in p] == pytest.approx(tp.tolist(), abs=1e-15)
    assert [v.grad for v in z] == pytest.approx(tz.grad.tolist(), abs=1e-15)
    big = softmax([1000.0, 1000.0, -1000.0])        # 不减最大值时 exp(1000) 会溢出
    assert [v.data for v in big] == [0.5, 0.5, 0.0]
    assert sum(v.data for v in Softmax()([0.1, 0.2, 0.3])) == pytest.approx(1.0, abs=1e-15)


def test_flatten_order_is_torch_order():
    torch = pytest.importorskip('torch')
    x = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    assert Flatten()(x) == torch.nn.Flatten()(torch.tensor([x])).flatten().tolist()
    assert Flatten()(2.0) == [2.0]


def test_activation_layers_work_elementwise_on_nested_lists():
    x = [[[-1.0, 2.0]], [[0.0, Value(-3.0)]]]
    assert [[[v.data for v in row] for row in ch] for ch in ReLU()(x)] == [[[0.0, 2.0]], [[0.0, 0.0]]]
    assert Tanh()(0.0).data == 0.0 and Sigmoid()([0.0])[0].data == 0.5
    assert ReLU().parameters() == [] and repr(Tanh()) == 'Tanh()'


def test_sequential_names_state_dict_and_repr():
    model = small_cnn()
    names = [n for n, _ in model.named_parameters()]
    assert names[0] == '0.weight.0.0.0.0' and names[-1] == '8.bias.3' and len(set(names)) == len(names)
    assert len(model) == 9 and isinstance(model[2], Conv2d)
    assert repr(model).splitlines()[1] == '  (0): Conv2d(1, 2, kernel_size=3, padding=1)'
    assert Sequential([Linear(2, 1)]).architecture() == {
        'class': 'Sequential', 'layers': [{'class': 'Linear', 'in_features': 2, 'out_features': 1}]}
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_sequential_save_and_load_round_trip(tmp_path):
    model, other = small_cnn(seed=0), small_cnn(seed=5)
    path = tmp_path / 'cnn.json'
    model.save(path)
    assert json.loads(path.read_text(encoding='utf-8'))['architecture']['layers'][2]['stride'] == 2
    other.load(path)
    assert other.state_dict() == model.state_dict()
    x = images(1)[0]
    assert [v.data for v in other(x)] == [v.data for v in model(x)]


def test_load_refuses_a_different_architecture(tmp_path):
    path = tmp_path / 'cnn.json'
    small_cnn().save(path)
    different = Sequential(Conv2d(1, 2, 3, padding=0, seed=0), Tanh())
    before = different.state_dict()
    with pytest.raises(ValueError, match='结构不同'):
        different.load(path)
    assert different.state_dict() == before


def test_to_torch_runs_a_batch_and_matches_every_sample():
    torch = pytest.importorskip('torch')
    model = Sequential(Conv2d(1, 2, 2, seed=0), ReLU(), Flatten(), Linear(2 * 5 * 5, 3, seed=1), Softmax())
    X = images(4, size=6)
    t_out = model.to_torch()(torch.tensor(X, dtype=torch.float64))
    for x, row in zip(X, t_out.tolist()):
        assert [v.data for v in model(x)] == pytest.approx(row, abs=1e-15)


def test_weights_copy_in_from_torch_because_the_layout_is_the_same():
    """torch 的 state_dict 按行优先展平 (row-major flatten)，正好就是我们的参数名的顺序，load_state_dict 就能读进来。"""
    torch = pytest.importorskip('torch')
    model = small_cnn()
    net = model.to_torch()
    torch.manual_seed(0)
    with torch.no_grad():
        for p in net.parameters():
            p.normal_()
    state = {}
    for name, tensor in net.state_dict().items():          # '0.weight'[o, i, a, b] → '0.weight.o.i.a.b'
        for index, value in zip(itertools.product(*map(range, tensor.shape)), tensor.flatten().tolist()):
            state[name + ''.join(f'.{i}' for i in index)] = value
    model.load_state_dict(state)
    X = images(3)
    expected = net(torch.tensor(X, dtype=torch.float64)).tolist()
    for x, row in zip(X, expected):
        assert [v.data for v in model(x)] == pytest.approx(row, abs=1e-13)
