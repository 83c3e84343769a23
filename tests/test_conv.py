"""Conv2d 和 MaxPool2d：输出和梯度与 PyTorch float64 相同，与中心有限差分相同；图的形状；坏输入。"""

import random

import pytest

from micrograd_zh import Conv2d, MaxPool2d, Parameter, Value, add_n, gradcheck, no_grad
from micrograd_zh.conv import image_shape

# (in_channels, out_channels, H, W, kernel_size, stride, padding)：有步长 (stride)、有补边 (padding)、
# 长方形的图、卷积核等于 (补边后的) 整张图
CONV_CASES = [(1, 1, 5, 5, 3, 1, 0), (2, 3, 7, 6, 3, 1, 0), (2, 3, 7, 6, 3, 2, 1), (1, 2, 5, 5, 5, 1, 2),
              (3, 2, 6, 8, 2, 3, 1), (2, 2, 4, 4, 3, 2, 2), (1, 4, 3, 3, 5, 1, 1), (3, 1, 5, 4, 1, 1, 0)]
# (channels, H, W, kernel_size, stride)
POOL_CASES = [(1, 4, 4, 2, None), (2, 5, 7, 2, None), (3, 6, 6, 3, 2), (2, 7, 5, 3, 1), (1, 3, 3, 3, None)]


def random_image(rng, C, H, W, values=None):
    pick = (lambda: rng.choice(values)) if values else (lambda: rng.gauss(0.0, 1.0))
    return [[[pick() for _ in range(W)] for _ in range(H)] for _ in range(C)]


def as_values(image):
    return [[[Value(v) for v in row] for row in channel] for channel in image]


def pixels(nested):
    """嵌套列表里的数，按行优先 (row-major) 的顺序，与 torch 的 flatten() 相同。"""
    if isinstance(nested, list):
        return [v for item in nested for v in pixels(item)]
    return [nested]


def weighted_sum(out, rng):
    """Σ gᵢ·outᵢ，gᵢ 随机：反向传播时每个输出收到随机的上游梯度 (upstream gradient)，而不是全 1。"""
    upstream = [rng.gauss(0.0, 1.0) for _ in pixels(out)]
    return add_n([g * v for g, v in zip(upstream, pixels(out))]), upstream


def random_conv(rng, C, O, k, stride, padding):
    conv = Conv2d(C, O, k, stride=stride, padding=padding, rng=rng)
    for b in conv.bias:                               # 偏置默认是 0，换成随机数，比较才有意义
        b.data = rng.gauss(0.0, 1.0)
    return conv


@pytest.mark.parametrize('case', CONV_CASES)
def test_conv2d_matches_torch_outputs_and_gradients(case):
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    C, O, H, W, k, stride, padding = case
    rng = random.Random(sum(case))
    conv = random_conv(rng, C, O, k, stride, padding)
    image = random_image(rng, C, H, W)
    x = as_values(image)
    out = conv(x)
    loss, upstream = weighted_sum(out, rng)
    loss.backward()

    tx = torch.tensor(image, dtype=torch.float64, requires_grad=True)
    tw = torch.tensor([[[[w.data for w in r] for r in kern] for kern in o] for o in conv.weight],
                      dtype=torch.float64, requires_grad=True)
    tb = torch.tensor([b.data for b in conv.bias], dtype=torch.float64, requires_grad=True)
    ty = F.conv2d(tx[None], tw, tb, stride=stride, padding=padding)[0]
    assert [len(out), len(out[0]), len(out[0][0])] == list(ty.shape)
    (ty.flatten() * torch.tensor(upstream, dtype=torch.float64)).sum().backward()

    assert pixels(out) and max(abs(a.data - b) for a, b in zip(pixels(out), ty.flatten().tolist())) < 1e-12
    assert max(abs(a.grad - b) for a, b in zip(pixels(x), tx.grad.flatten().tolist())) < 1e-12
    assert max(abs(a.grad - b) for a, b in zip(pixels(conv.weight), tw.grad.flatten().tolist())) < 1e-12
    assert max(abs(a.grad - b) for a, b in zip(conv.bias, tb.grad.tolist())) < 1e-12


@pytest.mark.parametrize('case', POOL_CASES)
@pytest.mark.parametrize('ties', [False, True])
def test_maxpool2d_matches_torch_outputs_and_gradients(case, ties):
    """ties=True：像素只取 0、1、2，窗口里常有几个一样大，梯度必须和 PyTorch 一样只给第一个。"""
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    C, H, W, k, stride = case
    rng = random.Random(H * 100 + W * 10 + k + ties)
    image = random_image(rng, C, H, W, values=[0.0, 1.0, 2.0] if ties else None)
    x = as_values(image)
    out = MaxPool2d(k, stride)(x)
    loss, upstream = weighted_sum(out, rng)
    loss.backward()

    tx = torch.tensor(image, dtype=torch.float64, requires_grad=True)
    ty = F.max_pool2d(tx[None], k, stride)[0]
    assert [len(out), len(out[0]), len(out[0][0])] == list(ty.shape)
    (ty.flatten() * torch.tensor(upstream, dtype=torch.float64)).sum().backward()
    assert [v.data for v in pixels(out)] == ty.flatten().tolist()
    assert max(abs(a.grad - b) for a, b in zip(pixels(x), tx.grad.flatten().tolist())) < 1e-12


def test_maxpool2d_passes_nan_on_like_torch():
    torch = pytest.importorskip('torch')
    image = [[[1.0, float('nan'), 5.0, 2.0], [3.0, 0.0, 1.0, 1.0]]]
    out = MaxPool2d(2)(image)
    expected = torch.nn.functional.max_pool2d(torch.tensor([image], dtype=torch.float64), 2)[0].tolist()
    assert str(out[0][0][0].data) == str(expected[0][0][0]) == 'nan' and out[0][0][1].data == expected[0][0][1]


@pytest.mark.parametrize('case', [(2, 2, 5, 4, 3, 1, 1), (1, 2, 6, 6, 3, 2, 0)])
def test_conv_then_pool_gradients_match_finite_differences(case):
    """对输入像素、权重和偏置都做中心有限差分 (central finite differences)，经过 tanh 和 max 池化。"""
    C, O, H, W, k, stride, padding = case
    rng = random.Random(7)
    conv = random_conv(rng, C, O, k, stride, padding)
    n_pixels = C * H * W
    weights = pixels(conv.weight)
    start = [rng.gauss(0.0, 1.0) for _ in range(n_pixels)] + [w.data for w in weights] + [b.data for b in conv.bias]
    upstream = [rng.gauss(0.0, 1.0) for _ in range(1000)]

    def f(vals):
        it = iter(vals[:n_pixels])
        x = [[[next(it) for _ in range(W)] for _ in range(H)] for _ in range(C)]
        flat = iter(vals[n_pixels:])
        conv.weight = [[[[next(flat) for _ in range(k)] for _ in range(k)] for _ in range(C)] for _ in range(O)]
        conv.bias = [next(flat) for _ in range(O)]
        y = MaxPool2d(2, 1)([[[v.tanh() for v in row] for row in ch] for ch in conv(x)])
        return add_n([g * v for g, v in zip(upstream, pixels(y))])

    assert gradcheck(f, start)


def test_each_output_pixel_is_one_sum_node_and_padding_adds_no_edges():
    conv = Conv2d(2, 3, 3, padding=1, seed=0)
    x = as_values([[[1.0] * 4] * 4] * 2)
    out = conv(x)
    inner, corner = out[0][1][1], out[0][0][0]
    assert inner._op == corner._op == 'Σ'
    assert len(inner._prev) == 2 * (2 * 3 * 3) + 1          # 18 个权重、18 个输入、1 个偏置
    assert len(corner._prev) == 2 * (2 * 2 * 2) + 1         # 角上只有 2×2 落在图里
    assert all(isinstance(p, Parameter) for p in conv.parameters()) and len(conv.parameters()) == 3 * 2 * 9 + 3
    data_out = conv([[[1.0] * 4] * 4] * 2)                  # 输入是数据 (float)：只有权重和偏置有边
    assert len(data_out[0][1][1]._prev) == 2 * 3 * 3 + 1


def test_shared_weights_collect_gradient_from_every_position():
    """同一个权重用在每个位置上，它的梯度是各位置的贡献之和：1×1 卷积、权重 w，∂Σout/∂w = Σ 像素。"""
    conv = Conv2d(1, 1, 1, seed=0)
    image = [[[1.0, 2.0], [3.0, 4.0]]]
    add_n(pixels(conv(image))).backward()
    assert conv.weight[0][0][0][0].grad == 10.0 and conv.bias[0].grad == 4.0


def test_maxpool_routes_gradient_to_the_winner_only():
    x = as_values([[[1.0, 7.0], [3.0, 7.0]]])
    out = MaxPool2d(2)(x)[0][0][0]
    out.backward()
    assert out.data == 7.0 and out._op == 'max' and out._local_grads == (0.0, 1.0, 0.0, 0.0)
    assert [v.grad for v in pixels(x)] == [0.0, 1.0, 0.0, 0.0]


def test_no_grad_builds_no_edges_and_ints_are_accepted():
    conv = Conv2d(1, 1, 2, seed=0)
    with no_grad():
        out = conv([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
        pooled = MaxPool2d(2)(out)
    assert out[0][0][0]._prev == () and pooled[0][0][0]._prev == ()
    w = [[w.data for w in row] for row in conv.weight[0][0]]
    assert out[0][0][0].data == pytest.approx(w[0][0] * 1 + w[0][1] * 2 + w[1][0] * 4 + w[1][1] * 5)


def test_layout_and_repr():
    conv = Conv2d(3, 5, 2, stride=2, padding=1, seed=0)
    assert (len(conv.weight), len(conv.weight[0]), len(conv.weight[0][0]), len(conv.weight[0][0][0])) == (5, 3, 2, 2)
    assert repr(conv) == 'Conv2d(3, 5, kernel_size=2, stride=2, padding=1)'
    assert repr(MaxPool2d(2)) == 'MaxPool2d(kernel_size=2)' and MaxPool2d(3).stride == 3
    assert conv.named_parameters()[0][0] == 'weight.0.0.0.0' and conv.named_parameters()[-1][0] == 'bias.4'
    assert MaxPool2d(2).parameters() == []


def test_same_seed_same_weights():
    a, b, c = Conv2d(2, 2, 3, seed=1), Conv2d(2, 2, 3, seed=1), Conv2d(2, 2, 3, seed=2)
    assert a.state_dict() == b.state_dict() != c.state_dict()


def test_to_torch_copies_weights():
    torch = pytest.importorskip('torch')
    conv = random_conv(random.Random(3), 2, 3, 3, 2, 1)
    tconv = conv.to_torch()
    assert tconv.weight.dtype == torch.float64 and tconv.stride == (2, 2) and tconv.padding == (1, 1)
    assert tconv.weight.flatten().tolist() == [w.data for w in pixels(conv.weight)]
    assert tconv.bias.tolist() == [b.data for b in conv.bias]
    pool = MaxPool2d(3, 2).to_torch()
    assert pool.kernel_size == 3 and pool.stride == 2


def test_image_shape():
    assert image_shape([[[1.0, 2.0, 3.0]] * 2] * 4) == (4, 2, 3)
