"""神经网络 (neural networks)：Module、Neuron、Layer、MLP 和权重初始化 (weight initialization)。

结构与 micrograd 相同，讲座里的代码可以直接用：
    MLP.layers       Layer 的列表
    Layer.neurons    Neuron 的列表
    Neuron.w         权重 (weights)，Value 的列表；Neuron.b 偏置 (bias)，一个 Value

一个神经元先算预激活 (pre-activation) Σ wᵢxᵢ + b —— 用 nary.dot 建成【一个】'Σ' 节点，
有 2n+1 条边 —— 再过激活函数 (activation)。MLP 的最后一层默认是线性的 (linear)，没有激活。

随机性 (randomness)：给了 seed 就只用 random.Random(seed)，同一个 seed 给出同样的权重，不碰全局随机状态；
不给 seed 时与 micrograd 一样从全局的 random 模块取数，所以 random.seed(1337) 之后建的模型可以复现。

名字 (names)：MLP 给每个神经元和参数起一个看得懂的名字，画图、讲解和步进器都用它：
    L1.n3        第 1 层 (layer 1) 的第 3 个神经元（从 0 数）的输出；L0 是输入层，所以第一个隐藏层叫 L1
    L1.n3.z      它的预激活 Σ wᵢxᵢ + b（线性神经元没有激活，输出就叫 L1.n3）
    L2.n5.w3     L2.n5 的第 3 个权重，连着上一层的 L1.n3（第一层的 w3 连着输入 x3）
    L2.n5.b      L2.n5 的偏置
这些是 Value 的 label。state_dict() 和 save() 用的名字（如 'layers.1.neurons.5.w3'）不变。

讲座里的网络 (the lecture's network)：MLP.lecture(3, [4, 4, 1]) —— 每层（包括输出层）都用 tanh，
权重和偏置都从 U(-1, 1) 抽取，抽取的顺序也与讲座的代码相同（每个神经元先 w 后 b）。
"""

import inspect
import math
import random

from .checks import as_list, is_real, keywords, positive_int, seeded, show, unknown_keyword
from .engine import Parameter, Value
from .nary import dot, dots

__all__ = ['Module', 'Neuron', 'Layer', 'MLP', 'ACTIVATIONS', 'INITS']

ACTIVATIONS = ('relu', 'tanh', 'sigmoid', 'linear')
INITS = ('zeros', 'uniform', 'normal', 'xavier', 'he')

# 每种激活的默认初始化 (default init per activation)：ReLU 用 He；tanh、sigmoid 和线性层用 Xavier。
DEFAULT_INIT = {'relu': 'he', 'tanh': 'xavier', 'sigmoid': 'xavier', 'linear': 'xavier'}


def init_weight(init, rng, fan_in, fan_out):
    """按 init 抽一个权重 (draw one weight)。fan_in = 输入个数，fan_out = 本层输出个数。

    'zeros'    全 0。会失败 (fails)：同一层的神经元完全对称 (symmetric)，收到相同的梯度，永远学成一样；
               而且 ReLU/tanh 网络中 0 权重让后面各层的梯度都是 0，网络根本学不动。
    'uniform'  U(-1, 1)，micrograd 的做法。浅网络没问题；层宽、层深时激活会饱和或爆炸。
    'normal'   N(0, 1)。同样不随层宽缩放：宽的 tanh 层会饱和 (saturate)，ReLU 层的激活逐层放大。
    'xavier'   Glorot：N(0, 2/(fan_in+fan_out))。按“激活在 0 附近像 y = x”推导，前向和反向的方差 (variance) 大致
               不变：适合线性层和 tanh（tanh 离开 0 变平，方差逐层缓慢变小）；sigmoid 不关于 0 对称、斜率最大 1/4，不符合。
    'he'       Kaiming：N(0, 2/fan_in)。ReLU 把一半的输入变成 0，方差减半，所以乘 2 补回来；适合 ReLU。
    """
    if init == 'zeros':
        return 0.0
    if init == 'uniform':
        return rng.uniform(-1.0, 1.0)
    if init == 'normal':
        return rng.gauss(0.0, 1.0)
    if init == 'xavier':
        return rng.gauss(0.0, math.sqrt(2.0 / (fan_in + fan_out)))
    if init == 'he':
        return rng.gauss(0.0, math.sqrt(2.0 / fan_in))
    _check_choice('init', init, INITS)


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} 必须是 {', '.join(choices)} 之一，而不是 {value!r} "
                         f"({name} must be one of {', '.join(choices)}, got {value!r})")
    return value


def _rng(rng, seed):
    """随机数来源：给了 rng 用 rng；给了 seed 用 random.Random(seed)；都没给用全局的 random 模块（像 micrograd）。"""
    if rng is not None:
        return rng
    return random if seed is None else seeded(seed)


class Module:
    """所有网络部件的基类 (base class)，名字与 PyTorch 相同，方便以后迁移。

    子类实现 named_parameters()，返回 (名字, Value) 对；其余方法都由它导出。
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # MLP 等为了快而直接列出参数 (parameters() without names)。子类只改写了 named_parameters 时，
        # 用按名字列出的这个通用版本，免得漏掉子类新加的参数。
        if 'named_parameters' in cls.__dict__ and 'parameters' not in cls.__dict__:
            cls.parameters = Module.parameters

    def named_parameters(self):
        """(名字, 参数) 对的列表 (list of (name, Value) pairs)，名字如 'layers.0.neurons.1.w0'；子类实现它。"""
        return []

    def parameters(self):
        """所有可训练参数 (trainable parameters)，Value 的列表，与 named_parameters() 同序。"""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self):
        """把所有参数的 grad 清零。梯度会在多次 backward() 之间累加，每步训练前都要调用。"""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self):
        """参数的快照 (snapshot)：{名字: float}，可以直接 json.dump。"""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state):
        """从 state_dict() 的结果恢复参数；名字必须完全对应，值必须是有限的数 (finite numbers)。

        先检查全部，再一起写入：出错时模型保持原样 (unchanged)。
        """
        if not isinstance(state, dict):
            raise TypeError(f"state 必须是 dict（state_dict() 的结果），而不是 {type(state).__name__} "
                            f"(state must be a dict from state_dict(), got {type(state).__name__})")
        named = dict(self.named_parameters())
        missing = sorted(set(named) - set(state))
        extra = sorted(set(state) - set(named), key=str)
        if missing or extra:
            raise ValueError(f"state 的名字不匹配：缺少 {missing[:3]}，多出 {extra[:3]} "
                             f"(state keys do not match: missing {missing[:3]}, unexpected {extra[:3]})")
        for name in named:
            v = state[name]
            if not is_real(v) or not math.isfinite(v):
                raise ValueError(f"state[{name!r}] 必须是有限的数，而不是 {show(v)} "
                                 f"(state[{name!r}] must be a finite number, got {show(v)})")
        for name, p in named.items():
            p.data = float(state[name])

    def save(self, path):
        """把结构 (architecture) 和参数存成 JSON 文件，原子地写入 (atomic write)，见 micrograd_zh.save。"""
        from .save import save
        save(self, path)

    def load(self, path):
        """从 save() 写的文件读回参数，就地 (in place) 改写本模型，返回 self。

        文件里的结构必须与本模型相同；文件有任何问题都抛出一行的 ValueError（文件不存在是
        FileNotFoundError），模型保持原样。见 micrograd_zh.save。
        """
        from .save import load
        return load(self, path)

    def architecture(self):
        """描述结构的 dict，save() 把它写进文件，load() 用它核对 (check)。子类可以补充更多字段。"""
        return {'class': type(self).__name__}


class Neuron(Module):
    """一个神经元 (neuron)：act(Σ wᵢxᵢ + b)。

    nin         输入个数
    nonlin      micrograd 的写法：True 用 ReLU，False 是线性的；给了 activation 时忽略它
    activation  'relu'、'tanh'、'sigmoid' 或 'linear'
    init        权重初始化，见 init_weight；默认按激活选择（ReLU 用 He，其余用 Xavier）。
    bias_init   偏置的初始化：None（默认）从 0 开始；也可以是 init 的一种，如讲座的 'uniform'（在权重之后抽取）
    fan_out     所在层的输出个数，Xavier 要用；单独一个神经元时为 1
    rng, seed   随机数来源：给 rng（random.Random）就用它；给 seed 用 random.Random(seed)；都不给用全局的 random
    """

    @keywords
    def __init__(self, nin, nonlin=True, activation=None, init=None, fan_out=1, rng=None, seed=None,
                 bias_init=None):
        positive_int('nin', nin)
        if activation is None:
            activation = 'relu' if nonlin else 'linear'
        _check_choice('activation', activation, ACTIVATIONS)
        init = DEFAULT_INIT[activation] if init is None else _check_choice('init', init, INITS)
        if bias_init is not None:
            _check_choice('bias_init', bias_init, INITS)
        rng = _rng(rng, seed)
        self.activation = activation
        self.init = init
        self.bias_init = bias_init
        self.w = [Parameter(init_weight(init, rng, nin, fan_out)) for _ in range(nin)]
        self.b = Parameter(0.0 if bias_init is None else init_weight(bias_init, rng, nin, fan_out))
        self._set_name('')

    def _set_name(self, name):
        """给这个神经元起名字 (name it)，如 'L1.n3'：参数的 label 变成 L1.n3.w0 … L1.n3.b，前向传播时
        输出的 label 是 L1.n3，预激活是 L1.n3.z。MLP 和 Layer 会自动调用；单独的神经元默认没有名字（w0、b）。"""
        self.name = name
        prefix = f'{name}.' if name else ''
        for i, w in enumerate(self.w):
            w.label = f'{prefix}w{i}'
        self.b.label = f'{prefix}b'
        if self.activation == 'linear':
            self._labels = (name, name)             # 没有激活：Σ 就是输出
        else:
            self._labels = (f'{prefix}z' if name else '', name)
        return self

    def __call__(self, x):
        """前向传播 (forward)：x 是 nin 个数字或 Value（nin == 1 时可以只给一个数），返回 act(Σ wᵢxᵢ + b)。"""
        return self._forward(_inputs(x, len(self.w), '这个神经元', 'neuron'))

    def _forward(self, x):
        return self._activate(dot(self.w, x, self.b))   # 一个 'Σ' 节点，2n+1 条边

    def _activate(self, act):
        act._label = self._labels[0]                 # 直接写 slot：名字一定是 str，每个前向都省掉 label 的类型检查
        if self.activation == 'linear':
            return act
        out = getattr(act, self.activation)()        # act.relu()、act.tanh() 或 act.sigmoid()
        out._label = self._labels[1]
        return out

    def named_parameters(self):
        return [(f'w{i}', w) for i, w in enumerate(self.w)] + [('b', self.b)]

    def parameters(self):                            # 与 named_parameters() 同序，不造名字：moons 一步少 3% 的指令
        return [*self.w, self.b]

    def __repr__(self):
        return f"Neuron({len(self.w)}, activation={self.activation!r})"

    def architecture(self):
        return _with_bias_init({'class': 'Neuron', 'nin': len(self.w), 'activation': self.activation,
                                'init': self.init}, self.bias_init)


class Layer(Module):
    """一层 (layer)：nout 个神经元，各自看同样的输入。

    调用时返回 nout 个输出的列表；nout == 1 时只返回那一个 Value（与 micrograd 相同）。
    其余关键字参数 (activation、init、nonlin) 传给每个 Neuron。
    """

    @keywords
    def __init__(self, nin, nout, rng=None, seed=None, **kwargs):
        nin = positive_int('nin', nin)                   # numpy 的整数也存成 int，save() 才能写进 JSON
        nout = positive_int('nout', nout)
        for name in kwargs:                          # 其余的关键字参数交给每个 Neuron：名字写错就在这里说
            if name not in _NEURON_OPTIONS:
                raise unknown_keyword('Layer', name, ['nin', 'nout', 'rng', 'seed'] + _NEURON_OPTIONS)
        rng = _rng(rng, seed)
        self.nin = nin
        self.neurons = [Neuron(nin, fan_out=nout, rng=rng, **kwargs) for _ in range(nout)]
        self._set_name('')

    def _set_name(self, name):
        """给这一层起名字，如 'L1'：神经元叫 L1.n0、L1.n1 …（单独的一层默认叫 n0、n1 …）。"""
        self.name = name
        prefix = f'{name}.' if name else ''
        for j, neuron in enumerate(self.neurons):
            neuron._set_name(f'{prefix}n{j}')
        return self

    def __call__(self, x):
        """前向传播 (forward)：每个神经元看同样的 x；返回 nout 个输出的列表，nout == 1 时只返回一个 Value。"""
        return self._forward(_inputs(x, self.nin, '这一层', 'layer'))

    def _forward(self, x):
        neurons = self.neurons                       # 整层一起算 Σ：输入的数值只读一遍 (dots)
        acts = dots([n.w for n in neurons], x, [n.b for n in neurons])
        out = [n._activate(act) for n, act in zip(neurons, acts)]
        return out[0] if len(out) == 1 else out

    def named_parameters(self):
        return [(f'neurons.{i}.{name}', p)
                for i, n in enumerate(self.neurons) for name, p in n.named_parameters()]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer({self.nin}, {len(self.neurons)}, activation={self.neurons[0].activation!r})"

    def architecture(self):
        first = self.neurons[0]
        return _with_bias_init({'class': 'Layer', 'nin': self.nin, 'nout': len(self.neurons),
                                'activation': first.activation, 'init': first.init}, first.bias_init)


# Layer 交给 Neuron 的关键字参数 (keyword arguments Layer passes on to each Neuron)
_NEURON_OPTIONS = [name for name in inspect.signature(Neuron).parameters if name not in ('nin', 'fan_out', 'rng', 'seed')]


class MLP(Module):
    """多层感知机 (multilayer perceptron)：MLP(nin, [h1, h2, ..., nout])。

    隐藏层 (hidden layer) 用 activation；最后一层用 output_activation，默认是线性的 (linear)，
    输出是分数 (score) 或 logit，再按任务接 sigmoid、softmax 交叉熵或 hinge 损失。
    init 为 None 时每层按自己的激活选默认初始化；bias_init 为 None 时偏置从 0 开始。
    seed 决定全部权重；不给 seed 时从全局的 random 取数（random.seed(1337) 之后可复现，像 micrograd）。
    讲座里的网络（全是 tanh，权重和偏置都是 U(-1, 1)）用 MLP.lecture(nin, nouts)。
    model(x) 接受数字或 Value 的列表（nin == 1 时也可以只给一个数）；
    最后一层只有一个输出时返回一个 Value，否则返回列表。
    """

    @keywords
    def __init__(self, nin, nouts, activation='relu', init=None, seed=None, output_activation='linear',
                 bias_init=None):
        nin = positive_int('nin', nin)
        _check_choice('activation', activation, ACTIVATIONS)
        _check_choice('output_activation', output_activation, ACTIVATIONS)
        if init is not None:
            _check_choice('init', init, INITS)
        if bias_init is not None:
            _check_choice('bias_init', bias_init, INITS)
        nouts = as_list('nouts', nouts, '层宽 (layer width) ', 'layer widths')
        if not nouts:
            raise ValueError("nouts 不能为空：至少要有输出层 (nouts must not be empty: at least the output layer)")
        nouts = [positive_int(f'nouts[{i}]', n) for i, n in enumerate(nouts)]
        self.nin, self.nouts, self.activation, self.init = nin, nouts, activation, init
        self.output_activation, self.bias_init = output_activation, bias_init
        rng = _rng(None, seed)
        sizes = [nin] + nouts
        self.layers = [Layer(sizes[i], sizes[i + 1], rng=rng, init=init, bias_init=bias_init,
                             activation=activation if i < len(nouts) - 1 else output_activation)
                       for i in range(len(nouts))]
        for i, layer in enumerate(self.layers):
            layer._set_name(f'L{i + 1}')                  # L0 是输入层 (L0 is the input layer)

    @classmethod
    def lecture(cls, nin, nouts, seed=None):
        """Karpathy 讲座里的网络：每层（包括输出层）都是 tanh，权重和偏置都从 U(-1, 1) 抽取。

        不给 seed 时从全局的 random 取数，顺序与讲座的 Neuron 相同（每个神经元先 nin 个 w，再 b），
        所以 random.seed(s) 之后 MLP.lecture(3, [4, 4, 1]) 的参数与讲座的 MLP(3, [4, 4, 1]) 完全相同。
        """
        return cls(nin, nouts, activation='tanh', init='uniform', seed=seed, output_activation='tanh',
                   bias_init='uniform')

    def __call__(self, x):
        """前向传播 (forward)：逐层计算；最后一层只有一个输出时返回 Value，否则返回列表。"""
        x = _inputs(x, self.nin, '这个 MLP ', 'MLP')
        for layer in self.layers:
            x = layer._forward(x)
            if isinstance(x, Value):                 # 宽度为 1 的隐藏层也能接下一层
                x = [x]
        return x[0] if len(x) == 1 else x

    def named_parameters(self):
        return [(f'layers.{i}.{name}', p)
                for i, layer in enumerate(self.layers) for name, p in layer.named_parameters()]

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(repr(layer) for layer in self.layers)}]"

    def architecture(self):
        arch = {'class': 'MLP', 'nin': self.nin, 'nouts': list(self.nouts),
                'activation': self.activation, 'init': self.init}
        if self.output_activation != 'linear':      # 只在不是默认值时写出：以前存的文件照样能读
            arch['output_activation'] = self.output_activation
        return _with_bias_init(arch, self.bias_init)

    def to_torch(self):
        """换成等价的 torch.nn.Sequential（float64，权重相同）：学完原理后转向 PyTorch 的路。"""
        torch = import_torch()
        modules = []
        for layer in self.layers:
            linear = torch.nn.Linear(layer.nin, len(layer.neurons), dtype=torch.float64)
            with torch.no_grad():
                linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons],
                                                 dtype=torch.float64))
                linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
            modules.append(linear)
            activation = layer.neurons[0].activation
            if activation != 'linear':
                modules.append({'relu': torch.nn.ReLU, 'tanh': torch.nn.Tanh,
                                'sigmoid': torch.nn.Sigmoid}[activation]())
        return torch.nn.Sequential(*modules)


def _with_bias_init(arch, bias_init):
    """bias_init 只在不是默认值 (None) 时写进结构，以前存的文件照样能读。"""
    if bias_init is not None:
        arch['bias_init'] = bias_init
    return arch


def import_torch():
    """to_torch() 要用的 PyTorch；没装时一行说明怎样装（写明版本：不带版本的 pip install torch 在 Linux 上会下载
    几 GB 的 CUDA 版）。"""
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch() 需要 PyTorch：pip install torch==2.13.0（项目测试用的版本） "
                          "(to_torch() needs PyTorch: pip install torch==2.13.0, the version the tests use)") from None
    return torch


_SEQUENCES = (list, tuple)
_PLAIN = {float, int, Value, Parameter}             # 恰好是这些类型（bool 是 int 的子类，不在其中）


def _inputs(x, nin, who_zh, who_en):
    """模型的输入 x：nin 个数字或 Value 的列表（nin == 1 时也可以只给一个数）。错误时说清楚是哪里不对。"""
    if type(x) in _SEQUENCES and len(x) == nin and set(map(type, x)) <= _PLAIN:
        return list(x)                               # 快速路径 (fast path)：2 个 float 的输入 4.5 → 0.47 µs
    if isinstance(x, Value) or is_real(x):
        x = [x]
    else:
        x = as_list('x', x, '数字或 Value ', 'numbers or Values')
    for i, v in enumerate(x):
        if not (isinstance(v, Value) or is_real(v)):
            hint_zh, hint_en = '', ''
            if isinstance(v, (list, tuple)):
                hint_zh, hint_en = '；一次只给一个样本：[model(x) for x in X]', '; give one sample at a time: [model(x) for x in X]'
            raise TypeError(f"x[{i}] 必须是数字或 Value，而不是 {type(v).__name__} {show(v)}{hint_zh} "
                            f"(x[{i}] must be a number or a Value, got {type(v).__name__} {show(v)}{hint_en})")
    if len(x) != nin:
        raise ValueError(f"x 的长度不对：{who_zh}需要 {nin} 个输入，而不是 {len(x)} 个 "
                         f"(x has the wrong length: {who_en} expects {nin} inputs, got {len(x)})")
    return x
