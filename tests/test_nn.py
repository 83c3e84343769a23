"""nn 测试：micrograd 的结构、一个 Σ 节点的神经元、初始化、种子、state_dict、to_torch。"""

import json
import math
import random
import statistics
import sys

import pytest

from micrograd_zh import MLP, Layer, Module, Neuron, Value
from micrograd_zh.nn import ACTIVATIONS, INITS


def test_micrograd_structure_and_parameter_count():
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337
    assert len(model.layers) == 3 and all(isinstance(layer, Layer) for layer in model.layers)
    neuron = model.layers[1].neurons[4]
    assert isinstance(neuron, Neuron) and len(model.layers[1].neurons) == 16
    assert len(neuron.w) == 16 and all(isinstance(w, Value) for w in neuron.w)
    assert isinstance(neuron.b, Value)
    assert [w.label for w in neuron.w[:3]] == ['L2.n4.w0', 'L2.n4.w1', 'L2.n4.w2']
    assert neuron.b.label == 'L2.n4.b'
    assert isinstance(model, Module)


def test_qualified_names_for_parameters_and_neuron_outputs():
    model = MLP(2, [3, 2], activation='tanh', seed=0)
    labels = [p.label for p in model.parameters()]
    assert labels[:4] == ['L1.n0.w0', 'L1.n0.w1', 'L1.n0.b', 'L1.n1.w0'] and labels[-1] == 'L2.n1.b'
    assert len(set(labels)) == len(labels)                              # 每个参数一个名字
    names = [name for name, _ in model.named_parameters()]               # 存档的名字不变 (unchanged)
    assert names[:3] == ['layers.0.neurons.0.w0', 'layers.0.neurons.0.w1', 'layers.0.neurons.0.b']
    out = model([0.5, -1.0])
    assert [v.label for v in out] == ['L2.n0', 'L2.n1'] and [v._op for v in out] == ['Σ', 'Σ']  # 线性输出层
    hidden = out[0]._prev[3]                                             # (w0, w1, w2, x0, x1, x2, b) 的 x0
    assert (hidden.label, hidden._op, hidden._prev[0].label) == ('L1.n0', 'tanh', 'L1.n0.z')
    alone = Neuron(2, activation='relu', seed=0)                         # 单独的神经元：w0、w1、b，输出没有名字
    assert [p.label for p in alone.parameters()] == ['w0', 'w1', 'b'] and alone([1.0, 2.0]).label == ''
    assert [n.name for n in Layer(2, 2, seed=0).neurons] == ['n0', 'n1']


def test_explicit_seed_draws_exactly_as_before():
    """给了 seed：random.Random(seed) 按层、按神经元依次抽权重，偏置为 0（存档和测试都依赖这个顺序）。"""
    rng = random.Random(11)
    expected = []
    for fan_in, fan_out, std in ((2, 4, (2 / 2) ** 0.5), (4, 1, (2 / 5) ** 0.5)):   # He，然后线性层的 Xavier
        for _ in range(fan_out):
            expected += [rng.gauss(0.0, std) for _ in range(fan_in)] + [0.0]
    assert [p.data for p in MLP(2, [4, 1], seed=11).parameters()] == expected


def test_without_seed_the_global_random_module_reproduces_like_micrograd():
    random.seed(1337)
    a = MLP(2, [16, 16, 1]).state_dict()
    random.seed(1337)
    assert MLP(2, [16, 16, 1]).state_dict() == a
    random.seed(7)
    first = [p.data for p in Neuron(3, init='uniform').parameters()]
    random.seed(7)
    assert first == [random.uniform(-1, 1) for _ in range(3)] + [0.0]


def test_lecture_network_draws_like_the_lecture():
    """MLP.lecture：每层 tanh（包括输出层），权重和偏置都是 U(-1, 1)，按讲座的顺序从全局 random 抽取。"""
    random.seed(42)
    model = MLP.lecture(3, [4, 4, 1])
    random.seed(42)
    assert [p.data for p in model.parameters()] == [random.uniform(-1, 1) for _ in range(41)]
    assert [layer.neurons[0].activation for layer in model.layers] == ['tanh', 'tanh', 'tanh']
    assert model([2.0, 3.0, -1.0])._op == 'tanh'
    assert MLP.lecture(3, [4, 1], seed=3).state_dict() == MLP.lecture(3, [4, 1], seed=3).state_dict()


XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def lecture_loop(model, steps=20, lr=0.1):
    """讲座最后的训练循环：平方误差之和，手动清零、反向、更新。返回最后一步的损失。"""
    for _ in range(steps):
        preds = [model(x) for x in XS]
        loss = sum((p - y) ** 2 for p, y in zip(preds, YS))
        for p in model.parameters():
            p.grad = 0.0
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
    return loss.data


def test_lecture_training_loop_learns_for_almost_every_seed():
    losses = []
    for seed in range(100):
        random.seed(seed)
        losses.append(lecture_loop(MLP.lecture(3, [4, 4, 1])))
    assert sum(loss < 0.1 for loss in losses) >= 95, sorted(losses)[-10:]
    random.seed(0)
    default = [lecture_loop(MLP(3, [4, 4, 1], seed=s)) for s in range(20)]   # 对照：默认的 ReLU + 线性输出
    assert sum(loss < 0.1 for loss in default) <= 5                      # 讲座的设置才学得会


def test_lecture_network_saves_and_old_files_still_load(tmp_path):
    model = MLP.lecture(3, [4, 1], seed=0)
    model.save(tmp_path / 'lecture.json')
    assert MLP.lecture(3, [4, 1]).load(tmp_path / 'lecture.json').state_dict() == model.state_dict()
    with pytest.raises(ValueError, match='this model is'):
        MLP(3, [4, 1], activation='tanh', init='uniform').load(tmp_path / 'lecture.json')
    old = MLP(2, [3, 1], seed=0)                    # 以前的结构里没有 output_activation / bias_init
    assert set(old.architecture()) == {'class', 'nin', 'nouts', 'activation', 'init'}
    assert set(Layer(2, 3).architecture()) == {'class', 'nin', 'nout', 'activation', 'init'}


def test_hidden_layers_use_activation_and_last_layer_is_linear():
    model = MLP(3, [4, 5, 2], activation='tanh')
    assert [layer.neurons[0].activation for layer in model.layers] == ['tanh', 'tanh', 'linear']


@pytest.mark.parametrize('activation', ACTIVATIONS)
def test_neuron_is_one_sigma_node_then_activation(activation):
    n = Neuron(3, activation=activation, seed=1)
    n.b.data = 0.3
    x = [Value(0.5), Value(-1.5), Value(2.0)]
    out = n(x)
    pre = out if activation == 'linear' else out._prev[0]
    assert pre._op == 'Σ' and len(pre._prev) == 2 * 3 + 1
    z = sum(w.data * xi.data for w, xi in zip(n.w, x)) + 0.3
    expected = {'relu': max(z, 0.0), 'tanh': math.tanh(z), 'sigmoid': 1 / (1 + math.exp(-z)), 'linear': z}
    assert out.data == pytest.approx(expected[activation], rel=1e-12)
    # 数字输入不建边：只有 n 个权重和偏置 (float inputs add no edges)
    out = n([0.5, -1.5, 2.0])
    pre = out if activation == 'linear' else out._prev[0]
    assert len(pre._prev) == 3 + 1


def test_float_inputs_add_no_edges_and_micrograd_nonlin_flag():
    n = Neuron(3, nonlin=False, seed=0)
    assert n.activation == 'linear'
    assert len(n([1.0, 2.0, 3.0])._prev) == 4
    assert Neuron(2).activation == 'relu'


def test_neuron_backward_gives_inputs_as_weight_gradients():
    n = Neuron(2, activation='linear', seed=3)
    out = n([Value(2.0), Value(-3.0)])
    out.backward()
    assert [w.grad for w in n.w] == [2.0, -3.0] and n.b.grad == 1.0


def test_outputs_value_or_list_and_width_one_hidden_layer():
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [1, 3], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    assert isinstance(MLP(2, [1, 1, 1], seed=0)([1.0, 2.0]), Value)
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    assert isinstance(MLP(1, [4, 1], seed=0)(0.5), Value)           # nin == 1 时可以给一个数


def test_wrong_input_length_is_a_one_line_bilingual_error():
    with pytest.raises(ValueError, match=r'需要 2 个输入.*expects 2 inputs, got 3') as info:
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    assert '\n' not in str(info.value)


@pytest.mark.parametrize('kwargs, match', [
    (dict(nin=2, nouts=[3], activation='gelu'), 'activation'),
    (dict(nin=2, nouts=[3], init='orthogonal'), 'init'),
    (dict(nin=0, nouts=[3]), 'nin'),
    (dict(nin=2, nouts=[]), 'nouts'),
    (dict(nin=2, nouts=[3, 0]), 'nout'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match) as info:
        MLP(**kwargs)
    assert '\n' not in str(info.value)


def test_same_seed_same_weights_and_no_global_random_state():
    random.seed(123)
    expected = random.random()
    random.seed(123)
    a = MLP(3, [8, 8, 2], seed=7)
    assert random.random() == expected
    assert a.state_dict() == MLP(3, [8, 8, 2], seed=7).state_dict()
    assert a.state_dict() != MLP(3, [8, 8, 2], seed=8).state_dict()


def _std(layer):
    return statistics.pstdev([w.data for n in layer.neurons for w in n.w])


def test_init_scales():
    fan_in, fan_out = 300, 200
    assert all(w.data == 0.0 for n in Layer(fan_in, 5, init='zeros', seed=0).neurons for w in n.w)
    uniform = [w.data for n in Layer(fan_in, fan_out, init='uniform', seed=0).neurons for w in n.w]
    assert all(-1 <= w <= 1 for w in uniform) and statistics.pstdev(uniform) == pytest.approx(1 / 3 ** 0.5, rel=0.02)
    assert _std(Layer(fan_in, fan_out, init='normal', seed=0)) == pytest.approx(1.0, rel=0.02)
    assert _std(Layer(fan_in, fan_out, init='xavier', seed=0)) == pytest.approx((2 / (fan_in + fan_out)) ** 0.5, rel=0.02)
    assert _std(Layer(fan_in, fan_out, init='he', seed=0)) == pytest.approx((2 / fan_in) ** 0.5, rel=0.02)
    assert all(n.b.data == 0.0 for init in INITS for n in Layer(3, 4, init=init, seed=0).neurons)


def test_default_init_depends_on_activation():
    assert [l.neurons[0].init for l in MLP(2, [4, 1]).layers] == ['he', 'xavier']
    assert [l.neurons[0].init for l in MLP(2, [4, 1], activation='tanh').layers] == ['xavier', 'xavier']
    assert [l.neurons[0].init for l in MLP(2, [4, 1], init='uniform').layers] == ['uniform', 'uniform']


def test_zero_grad_and_parameters_are_the_same_objects():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, -2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert model.parameters()[0] is model.layers[0].neurons[0].w[0]


def test_state_dict_json_round_trip():
    a, b = MLP(2, [4, 3], seed=1), MLP(2, [4, 3], seed=2)
    state = json.loads(json.dumps(a.state_dict()))
    assert 'layers.0.neurons.3.w1' in state and 'layers.1.neurons.2.b' in state
    b.load_state_dict(state)
    assert [v.data for v in b([0.3, -0.7])] == [v.data for v in a([0.3, -0.7])]
    with pytest.raises(ValueError, match='state keys do not match') as info:
        MLP(2, [5, 3]).load_state_dict(state)
    assert '\n' not in str(info.value)


@pytest.mark.parametrize('activation', ['relu', 'tanh', 'sigmoid', 'linear'])
def test_to_torch_gives_the_same_outputs_and_gradients(activation):
    torch = pytest.importorskip('torch')
    model = MLP(3, [5, 1, 4, 2], activation=activation, seed=4)
    net = model.to_torch()
    rng = random.Random(0)
    for _ in range(5):
        x = [rng.uniform(-2, 2) for _ in range(3)]
        ours = model(x)
        theirs = net(torch.tensor(x, dtype=torch.float64))
        assert [v.data for v in ours] == pytest.approx(theirs.tolist(), rel=1e-12, abs=1e-14)
    model.zero_grad()
    sum(model(x)).backward()
    net(torch.tensor(x, dtype=torch.float64)).sum().backward()
    first = [g for row in net[0].weight.grad.tolist() for g in row]
    assert [w.grad for n in model.layers[0].neurons for w in n.w] == pytest.approx(first, rel=1e-12, abs=1e-14)


def test_to_torch_without_torch_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, 'torch', None)
    with pytest.raises(ImportError, match='pip install torch'):
        MLP(2, [1]).to_torch()


from hypothesis import given, settings, strategies as st  # noqa: E402

from micrograd_zh import gradcheck  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-2, 2, allow_nan=False), min_size=3, max_size=3), st.integers(0, 100))
def test_smooth_mlp_passes_gradcheck_for_inputs_and_weights(xs, seed):
    model = MLP(3, [4, 2, 1], activation='tanh', seed=seed)
    assert gradcheck(lambda v: model(v), xs)
    n = model.layers[1].neurons[0]

    def dot_through(v, x):                 # 同一个网络，但第二层第一个神经元的权重是输入
        saved = n.w
        n.w = list(v)
        try:
            return model(x)
        finally:
            n.w = saved
    assert gradcheck(lambda v: dot_through(v, xs), [w.data for w in n.w])


def test_parameters_are_parameter_values_and_their_results_are_plain_values():
    from micrograd_zh import Parameter
    model = MLP(2, [3, 1], seed=0)
    assert all(type(p) is Parameter for p in model.parameters())
    w = model.parameters()[0]
    assert type(w * 2.0) is Value and type(w + Value(1.0)) is Value
    out = model([1.0, 2.0])
    assert type(out) is Value
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    # 神经元的预激活仍然是一个 Σ 节点，每个权重一条边 (one Σ node, one edge per weight)
    pre = Neuron(3, activation='linear', seed=0)
    s = pre([1.0, 2.0, 3.0])
    assert s._op == 'Σ' and s._prev == (*pre.w, pre.b)


def test_parameters_are_the_named_parameters_in_the_same_order_for_every_module():
    # parameters() 为了快而不造名字 (built without names)：它必须与 named_parameters() 一个不差、顺序相同
    from micrograd_zh.conv import Conv2d, MaxPool2d
    from micrograd_zh.layers import Flatten, Linear, ReLU, Sequential
    from micrograd_zh.nn import Layer
    models = [Neuron(3, seed=0), Layer(3, 4, seed=0), MLP(2, [3, 1], seed=0), MLP(3, [4, 4, 2], seed=1),
              Linear(3, 2, seed=0), Conv2d(2, 3, 2, seed=0),
              Sequential(Conv2d(1, 2, 3, padding=1, seed=0), ReLU(), MaxPool2d(2), Flatten(), Linear(8, 3, seed=0))]
    for model in models:
        named = [p for _, p in model.named_parameters()]
        got = model.parameters()
        assert len(got) == len(named) > 0 and all(a is b for a, b in zip(got, named)), model
        got.append(None)                                      # 返回的是新列表：改它不影响模型
        assert len(model.parameters()) == len(named)


def test_a_subclass_that_adds_a_parameter_in_named_parameters_gets_it_from_parameters_too():
    # MLP.parameters() 不经过 named_parameters()；子类只改写 named_parameters 时不能因此漏掉新参数
    from micrograd_zh import Parameter

    class Scaled(MLP):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.scale = Parameter(1.0)

        def named_parameters(self):
            return super().named_parameters() + [('scale', self.scale)]

    model = Scaled(2, [3, 1], seed=0)
    assert model.parameters()[-1] is model.scale
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert type(MLP(2, [1], seed=0)).parameters is MLP.parameters      # MLP 自己仍用快速版本
