"""卷积层 (convolution layers)：Conv2d 和 MaxPool2d，用 Value 搭成，与 PyTorch 的同名层算得一样。

图像 (image) 是三层嵌套的列表 x[通道 channel][行 row][列 col]，元素是数字或 Value；一张灰度图是
[[[...8 个数...], ...8 行...]]，只有一个通道。一次只处理一张图（一个样本 sample）。

卷积 (convolution)：输出通道 o 在 (r, c) 处的值是一个窗口 (window) 里的点积加偏置：

    out[o][r][c] = Σ_{i,a,b} weight[o][i][a][b] · x[i][r·stride + a - padding][c·stride + b - padding] + bias[o]

它就是一个神经元 (neuron)：看 in_channels×k×k 个输入，用 dot 建成【一个】'Σ' 节点（各输出通道看同一个窗口，用 nary.dots 一起建）。同一个
输出通道的所有位置共用 (share) 同一组权重，所以权重的梯度是各个位置的贡献之和，链式法则自动加好。
填充 (padding) 补的 0 乘任何权重都是 0，对梯度也没有贡献，所以窗口里越界的格子直接不参与，图里也没有它们的边。

最大池化 (max pooling)：out[c][r][s] = 窗口里最大的那个数。它的局部导数 (local derivative) 对最大者是 1，
对其余的是 0：梯度只流向窗口里的“胜者” (winner)。有几个一样大时取第一个（按行优先），与 PyTorch 相同。

权重的布局 (layout) 与 PyTorch 相同：Conv2d.weight[o][i][a][b]、Conv2d.bias[o]，可以直接与
torch.nn.Conv2d 的 weight、bias 互相复制；to_torch() 就这样做。
"""

from .checks import is_real, positive_int, show
from .engine import Parameter, Value
from .nary import dots
from .nn import INITS, Module, _check_choice, _rng, import_torch, init_weight

__all__ = ['Conv2d', 'MaxPool2d', 'image_shape']


_PLAIN = {float, Value}


def _kind(v):
    return f'{type(v).__name__} {show(v)}'


def _nested(item, where, zh, hint_zh, en, hint_en):
    """图像的一层 (one level of the image) 必须是不空的列表。"""
    if not isinstance(item, (list, tuple)) or not item:
        raise TypeError(f"{where} 必须是{zh}，而不是 {_kind(item)}；{hint_zh} "
                        f"({where} must be {en}, got {_kind(item)}; {hint_en})")


def _image(x, name='x'):
    """检查 x 是 [通道][行][列] 的图像，返回 (C, H, W, 图像)；图像里的数字都换成 float（Value 原样）。

    错误写出是哪一格不对，例如 x[0][3]，以及应该怎样改。
    """
    if isinstance(x, Value) or is_real(x) or not isinstance(x, (list, tuple)):
        raise TypeError(f"{name} 必须是图像：[通道][行][列] 三层嵌套的列表，而不是 {_kind(x)} "
                        f"({name} must be an image: a list nested three deep, [channel][row][col], got {_kind(x)})")
    if not x:
        raise ValueError(f"{name} 不能是空的图像 ({name} must not be an empty image)")
    image = []
    for c, channel in enumerate(x):
        _nested(channel, f'{name}[{c}]', '一个通道（行的列表）', '图像要三层嵌套：[通道][行][列]',
                'a channel, a list of rows', 'an image is nested three deep: [channel][row][col]')
        rows = []
        for r, row in enumerate(channel):
            _nested(row, f'{name}[{c}][{r}]', '一行像素（数字的列表）', '单通道的图要再包一层：[image]',
                    'a row of pixels, a list of numbers', 'wrap a one-channel picture: [image]')
            if _PLAIN.issuperset(map(type, row)):               # 常见情形：全是 float 或 Value，不必逐个检查
                rows.append(row if type(row) is list else list(row))
                continue
            for k, v in enumerate(row):
                if not (isinstance(v, Value) or is_real(v)):
                    raise TypeError(f"{name}[{c}][{r}][{k}] 必须是数字或 Value，而不是 {_kind(v)} "
                                    f"({name}[{c}][{r}][{k}] must be a number or a Value, got {_kind(v)})")
            rows.append([v if isinstance(v, Value) else float(v) for v in row])
        image.append(rows)
    H, W = len(image[0]), len(image[0][0])
    for c, channel in enumerate(image):
        if len(channel) != H:
            raise ValueError(f"{name} 的形状不整齐：{name}[{c}] 有 {len(channel)} 行，{name}[0] 有 {H} 行 "
                             f"({name} is ragged: {name}[{c}] has {len(channel)} rows, {name}[0] has {H})")
        for r, row in enumerate(channel):
            if len(row) != W:
                raise ValueError(f"{name} 的形状不整齐：{name}[{c}][{r}] 有 {len(row)} 列，{name}[0][0] 有 {W} 列 "
                                 f"({name} is ragged: {name}[{c}][{r}] has {len(row)} columns, "
                                 f"{name}[0][0] has {W})")
    return len(image), H, W, image


def image_shape(x):
    """图像的形状 (C, H, W)；x 不是整齐的 [通道][行][列] 列表时抛出一行的 TypeError/ValueError。"""
    return _image(x)[:3]


def _out_size(who, size, k, stride, padding, axis_zh, axis_en):
    padded = size + 2 * padding
    if k > padded:
        zh = f'（加上 padding={padding} 是 {padded}）' if padding else ' '
        en = f', {padded} with padding={padding}' if padding else ''
        raise ValueError(f"{who} 的 kernel_size={k} 比输入的{axis_zh} {size}{zh}还大 "
                         f"({who}: kernel_size={k} is larger than the input {axis_en} {size}{en})")
    return (padded - k) // stride + 1


class Conv2d(Module):
    """二维卷积层 (2-D convolution)，与 torch.nn.Conv2d 相同（正方形的卷积核，补 0 的 padding）。

    Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, init='xavier', rng=None, seed=None)

    输入 [in_channels][H][W]，输出 [out_channels][H'][W']，H' = (H + 2·padding - kernel_size) // stride + 1。
    每个输出像素是一个 'Σ' 节点。权重 weight[o][i][a][b]、偏置 bias[o] 都是 Parameter；
    权重按 init 抽取（见 nn.init_weight），fan_in = in_channels·k·k，fan_out = out_channels·k·k；偏置从 0 开始。
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, init='xavier',
                 rng=None, seed=None):
        positive_int('in_channels', in_channels)
        positive_int('out_channels', out_channels)
        k, stride = positive_int('kernel_size', kernel_size), positive_int('stride', stride)
        positive_int('padding', padding, least=0)
        _check_choice('init', init, INITS)
        rng = _rng(rng, seed)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size, self.stride, self.padding = k, stride, int(padding)
        fan_in, fan_out = in_channels * k * k, out_channels * k * k
        self.weight = [[[[Parameter(init_weight(init, rng, fan_in, fan_out), label=f'w{o},{i},{a},{b}')
                          for b in range(k)] for a in range(k)] for i in range(in_channels)]
                       for o in range(out_channels)]
        self.bias = [Parameter(0.0, label=f'b{o}') for o in range(out_channels)]

    def __call__(self, x):
        """前向传播 (forward)：x 是一张 [in_channels][H][W] 的图，返回 [out_channels][H'][W'] 的 Value。"""
        C, H, W, image = _image(x)
        if C != self.in_channels:
            raise ValueError(f"x 有 {C} 个通道，而 {self!r} 要 in_channels={self.in_channels} 个 "
                             f"(x has {C} channels but {self!r} expects in_channels={self.in_channels})")
        k, s, p = self.kernel_size, self.stride, self.padding
        out_h = _out_size(repr(self), H, k, s, p, '高', 'height')
        out_w = _out_size(repr(self), W, k, s, p, '宽', 'width')
        out = [[[None] * out_w for _ in range(out_h)] for _ in range(self.out_channels)]
        windows = {}          # 窗口被 padding 截掉的样子 → 每个输出通道对应的那几个权重
        for r in range(out_h):
            top = r * s - p
            a0, a1 = max(0, -top), min(k, H - top)                # 卷积核落在图里的行 a0..a1-1
            for c in range(out_w):
                left = c * s - p
                b0, b1 = max(0, -left), min(k, W - left)          # 落在图里的列 b0..b1-1
                xs = [v for channel in image for row in channel[top + a0:top + a1]
                      for v in row[left + b0:left + b1]]
                key = (a0, a1, b0, b1)
                if key not in windows:
                    windows[key] = [[w for kernel in self.weight[o] for krow in kernel[a0:a1] for w in krow[b0:b1]]
                                    for o in range(self.out_channels)]
                for o, node in enumerate(dots(windows[key], xs, self.bias)):   # 各输出通道看同一个窗口
                    out[o][r][c] = node
        return out

    def named_parameters(self):
        k = self.kernel_size
        return ([(f'weight.{o}.{i}.{a}.{b}', self.weight[o][i][a][b]) for o in range(self.out_channels)
                 for i in range(self.in_channels) for a in range(k) for b in range(k)]
                + [(f'bias.{o}', b) for o, b in enumerate(self.bias)])

    def parameters(self):                            # 与 named_parameters() 同序，不造名字
        return [w for out in self.weight for plane in out for row in plane for w in row] + self.bias

    def __repr__(self):
        extra = ''.join(f', {name}={v}' for name, v, default in
                        (('stride', self.stride, 1), ('padding', self.padding, 0)) if v != default)
        return f'Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}{extra})'

    def architecture(self):
        return {'class': 'Conv2d', 'in_channels': self.in_channels, 'out_channels': self.out_channels,
                'kernel_size': self.kernel_size, 'stride': self.stride, 'padding': self.padding}

    def to_torch(self):
        """等价的 torch.nn.Conv2d（float64，权重相同）。"""
        torch = import_torch()
        conv = torch.nn.Conv2d(self.in_channels, self.out_channels, self.kernel_size, stride=self.stride,
                               padding=self.padding, dtype=torch.float64)
        with torch.no_grad():
            conv.weight.copy_(torch.tensor([[[[w.data for w in row] for row in kernel] for kernel in out]
                                            for out in self.weight], dtype=torch.float64))
            conv.bias.copy_(torch.tensor([b.data for b in self.bias], dtype=torch.float64))
        return conv


def _max(window):
    """窗口里的最大值，作为一个 'max' 节点：对最大者的局部导数是 1，对其余的是 0。

    与 PyTorch 相同：几个一样大时取第一个；nan 算最大（nan 会传下去）。数字只参与比较，不建边。
    """
    datas = [v.data if isinstance(v, Value) else v for v in window]
    best = 0
    for i in range(1, len(datas)):
        d = datas[i]
        if d > datas[best] or d != d:
            best = i
    edges = [(v, 1.0 if i == best else 0.0) for i, v in enumerate(window) if isinstance(v, Value)]
    return Value(datas[best], '', tuple(v for v, _ in edges), 'max', tuple(g for _, g in edges))


class MaxPool2d(Module):
    """最大池化 (max pooling)，与 torch.nn.MaxPool2d 相同（正方形窗口，不补边，向下取整 floor）。

    MaxPool2d(kernel_size, stride=None)：stride 默认等于 kernel_size，窗口互不重叠。
    输入 [C][H][W]，输出 [C][H'][W']，H' = (H - kernel_size) // stride + 1。没有参数 (no parameters)。
    """

    def __init__(self, kernel_size, stride=None):
        self.kernel_size = positive_int('kernel_size', kernel_size)
        self.stride = self.kernel_size if stride is None else positive_int('stride', stride)

    def __call__(self, x):
        """前向传播 (forward)：每个通道各自取每个窗口的最大值。"""
        C, H, W, image = _image(x)
        k, s = self.kernel_size, self.stride
        out_h = _out_size(repr(self), H, k, s, 0, '高', 'height')
        out_w = _out_size(repr(self), W, k, s, 0, '宽', 'width')
        return [[[_max([v for row in channel[r * s:r * s + k] for v in row[c * s:c * s + k]])
                  for c in range(out_w)] for r in range(out_h)] for channel in image]

    def __repr__(self):
        stride = '' if self.stride == self.kernel_size else f', stride={self.stride}'
        return f'MaxPool2d(kernel_size={self.kernel_size}{stride})'

    def architecture(self):
        return {'class': 'MaxPool2d', 'kernel_size': self.kernel_size, 'stride': self.stride}

    def to_torch(self):
        """等价的 torch.nn.MaxPool2d。"""
        return import_torch().nn.MaxPool2d(self.kernel_size, stride=self.stride)

