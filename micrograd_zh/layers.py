"""层 (layers)：像 PyTorch 和 Keras 那样把网络一层一层叠起来 (stack layers)。

    model = Sequential(
        Conv2d(1, 4, 3), Tanh(),          # 卷积层见 micrograd_zh.conv
        MaxPool2d(2),
        Flatten(),                        # [通道][行][列] → 一列数
        Linear(4 * 3 * 3, 10),            # 全连接层 (fully connected)，Keras 叫 Dense
    )
    logits = model(image)                 # 一次一个样本 (one sample at a time)
    probs = softmax(logits)               # 概率 (probabilities)；训练时把 logits 直接交给 losses.cross_entropy

每一层都是 nn.Module：parameters()、zero_grad()、state_dict()、save()/load() 与 MLP 相同；
to_torch() 给出同样的 torch 层（float64，权重相同），torch 的层处理的是一批 (batch)：第一维是样本。
Linear 的权重布局 (layout) 与 torch.nn.Linear 相同：weight[out][in]、bias[out]。
"""

from .checks import as_list, is_real, numbers_in, positive_int, show
from .engine import Parameter, Value
from .nary import add_n, dots
from .nn import INITS, Module, _check_choice, _inputs, _rng, import_torch, init_weight

__all__ = ['Linear', 'Dense', 'Flatten', 'ReLU', 'Tanh', 'Sigmoid', 'Softmax', 'Sequential', 'softmax']


class Linear(Module):
    """全连接层 (fully connected layer)：out[o] = Σᵢ weight[o][i]·x[i] + bias[o]，与 torch.nn.Linear 相同。

    Linear(in_features, out_features, init='xavier', rng=None, seed=None)；Keras 的名字 Dense 是同一个类。
    每个输出是一个 'Σ' 节点（engine.dot）。输出总是列表，不加激活 (no activation)：激活是单独的一层。
    权重按 init 抽取（见 nn.init_weight），偏置从 0 开始；都是 Parameter。
    """

    def __init__(self, in_features, out_features, init='xavier', rng=None, seed=None):
        positive_int('in_features', in_features)
        positive_int('out_features', out_features)
        _check_choice('init', init, INITS)
        rng = _rng(rng, seed)
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = [[Parameter(init_weight(init, rng, in_features, out_features), label=f'w{o},{i}')
                        for i in range(in_features)] for o in range(out_features)]
        self.bias = [Parameter(0.0, label=f'b{o}') for o in range(out_features)]

    def __call__(self, x):
        """前向传播 (forward)：x 是 in_features 个数字或 Value，返回 out_features 个 Value 的列表。"""
        if isinstance(x, (list, tuple)) and x and isinstance(x[0], (list, tuple)):
            raise TypeError(f"x[0] 必须是数字或 Value，而不是 list：Linear 层要一列数，图像先经过 Flatten() "
                            f"(x[0] must be a number or a Value, not a list: Linear takes a flat list, "
                            f"put Flatten() before it)")
        x = _inputs(x, self.in_features, '这个 Linear 层', 'this Linear layer')
        return dots(self.weight, x, self.bias)

    def named_parameters(self):
        return ([(f'weight.{o}.{i}', w) for o, row in enumerate(self.weight) for i, w in enumerate(row)]
                + [(f'bias.{o}', b) for o, b in enumerate(self.bias)])

    def parameters(self):                            # 与 named_parameters() 同序，不造名字
        return [w for row in self.weight for w in row] + self.bias

    def __repr__(self):
        return f'Linear({self.in_features}, {self.out_features})'

    def architecture(self):
        return {'class': 'Linear', 'in_features': self.in_features, 'out_features': self.out_features}

    def to_torch(self):
        """等价的 torch.nn.Linear（float64，权重相同）。"""
        torch = import_torch()
        linear = torch.nn.Linear(self.in_features, self.out_features, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in row] for row in self.weight], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([b.data for b in self.bias], dtype=torch.float64))
        return linear


Dense = Linear


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _flat(item)]
    return [x]


class Flatten(Module):
    """展平 (flatten)：把 [通道][行][列] 的图按这个顺序排成一列数，接到 Linear 层；与 torch.nn.Flatten 相同。"""

    def __call__(self, x):
        if isinstance(x, Value) or is_real(x):
            return [x]
        return _flat(as_list('x', x, '数字或 Value ', 'numbers or Values'))

    def __repr__(self):
        return 'Flatten()'

    def to_torch(self):
        """torch.nn.Flatten()：把一批 (N, C, H, W) 展平成 (N, C·H·W)。"""
        return import_torch().nn.Flatten()


def _each(f, x):
    """对嵌套列表里的每个数逐个 (elementwise) 做 f；数字先变成 Value。"""
    if isinstance(x, Value):
        return f(x)
    if isinstance(x, (list, tuple)):
        return [f(v) if type(v) is Value else _each(f, v) for v in x]
    if is_real(x):
        return f(Value(x))
    raise TypeError(f"x 必须是数字、Value 或它们的（嵌套）列表，而不是 {type(x).__name__} {show(x)} "
                    f"(x must be a number, a Value or a nested list of them, got {type(x).__name__} {show(x)})")


class _Activation(Module):
    """逐个元素 (elementwise) 的激活层，没有参数；输入可以是一个数、一列数或一张图。"""

    op = ''

    def __call__(self, x):
        return _each(getattr(Value, self.op), x)

    def __repr__(self):
        return f'{type(self).__name__}()'

    def to_torch(self):
        return getattr(import_torch().nn, type(self).__name__)()


class ReLU(_Activation):
    """max(0, x)，逐个元素 (elementwise)。"""
    op = 'relu'


class Tanh(_Activation):
    """tanh x，逐个元素 (elementwise)。"""
    op = 'tanh'


class Sigmoid(_Activation):
    """1/(1+e⁻ˣ)，逐个元素 (elementwise)。"""
    op = 'sigmoid'


def softmax(logits):
    """softmax：把 C 个分数 (logits) 变成 C 个概率 (probabilities)，pᵢ = e^(zᵢ-m) / Σⱼ e^(zⱼ-m)。

    m = max(z) 是一个常数：减去它不改变结果，只让 exp 不会溢出 (overflow)。结果都在 (0, 1) 里，和为 1。
    由 exp、一个 'Σ' 和除法组成，可以 backward()：∂pᵢ/∂zⱼ = pᵢ([i = j] - pⱼ)。
    训练分类器时不必先算它：losses.cross_entropy(logits, target) 直接从 logits 算，更稳定。
    """
    z = [v if isinstance(v, Value) else Value(v) for v in numbers_in('logits', logits)]
    m = max(v.data for v in z)
    e = [(v - m).exp() for v in z]
    total = add_n(e)
    return [v / total for v in e]


class Softmax(Module):
    """softmax 层：一列分数 (logits) → 一列概率，见 softmax()。Keras 模型常以它结尾。"""

    def __call__(self, x):
        return softmax(x)

    def __repr__(self):
        return 'Softmax()'

    def to_torch(self):
        """torch.nn.Softmax(dim=-1)：对一批 (N, C) 的每一行。"""
        return import_torch().nn.Softmax(dim=-1)


class Sequential(Module):
    """按顺序 (in order) 把几层连起来：Sequential(layer1, layer2, ...)，model(x) = ...layer2(layer1(x))。

    与 torch.nn.Sequential 和 Keras 的 Sequential 相同。参数名前面加上层的序号，如 '0.weight.3.0.1.2'。
    model.layers 是层的列表，model[i] 是第 i 层。
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        if not layers:
            raise ValueError("Sequential 至少要有一层 (Sequential needs at least one layer)")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"layers[{i}] 必须是一层（Module，例如 Linear(4, 2) 或 ReLU()），而不是 "
                                f"{type(layer).__name__} {show(layer)} (layers[{i}] must be a layer, a Module "
                                f"such as Linear(4, 2) or ReLU(), got {type(layer).__name__} {show(layer)})")
        self.layers = list(layers)

    def __call__(self, x):
        """前向传播 (forward)：依次 (in turn) 经过每一层。"""
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def named_parameters(self):
        return [(f'{i}.{name}', p) for i, layer in enumerate(self.layers) for name, p in layer.named_parameters()]

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        inner = ''.join(f'\n  ({i}): {layer!r}' for i, layer in enumerate(self.layers))
        return f'Sequential({inner}\n)'

    def architecture(self):
        return {'class': 'Sequential', 'layers': [layer.architecture() for layer in self.layers]}

    def to_torch(self):
        """等价的 torch.nn.Sequential（float64，权重相同）。每一层都要有 to_torch()。

        torch 的层处理一批 (batch)：图像是 (N, C, H, W) 的张量，输出是 (N, 类别数)。
        """
        torch = import_torch()
        return torch.nn.Sequential(*[layer.to_torch() for layer in self.layers])
