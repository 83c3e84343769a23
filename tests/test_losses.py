"""损失函数测试：值和梯度与 PyTorch 的 functional 损失相同；错误输入给出一行双语的错误。"""

import math
import random

import pytest

from micrograd_zh import Value
from micrograd_zh.losses import binary_cross_entropy, cross_entropy, hinge, l2_penalty, mse, sse


def values(xs):
    return [Value(x) for x in xs]


def test_mse_and_sse_by_hand_and_floats_accepted():
    p = values([1.0, 2.0, 4.0])
    loss = mse(p, [0.0, 2.0, 1.0])
    assert loss.data == pytest.approx((1 + 0 + 9) / 3)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([2 / 3, 0.0, 2.0])
    assert sse([1.0, 2.0], [0, 0]).data == 5.0                  # 纯数字也行，结果仍是 Value
    assert isinstance(sse([1.0, 2.0], [0, 0]), Value)
    assert mse(Value(3.0), 1.0).data == 4.0                      # 单个预测
    assert mse(values([1.0, 2.0]), values([0.0, 0.0])).data == 2.5   # 目标也可以是 Value


def test_sums_are_one_node():
    p = values([1.0, 2.0, 3.0])
    assert sse(p, [0, 0, 0])._op == 'Σ' and len(sse(p, [0, 0, 0])._prev) == 3


def test_bce_hinge_cross_entropy_by_hand():
    p = Value(0.8)
    assert binary_cross_entropy([p, 0.4], [1, 0]).data == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)
    assert hinge([Value(0.5), Value(-2.0), Value(0.3)], [1, -1, -1]).data == pytest.approx((0.5 + 0 + 1.3) / 3)
    logits = values([1.0, 2.0, 3.0])
    loss = cross_entropy(logits, 2)
    z = sum(math.exp(v) for v in (1.0, 2.0, 3.0))
    assert loss.data == pytest.approx(math.log(z) - 3.0)
    loss.backward()
    assert [v.grad for v in logits] == pytest.approx([math.exp(1) / z, math.exp(2) / z, math.exp(3) / z - 1])


def test_cross_entropy_is_stable_for_huge_logits():
    logits = values([1000.0, 0.0, -1000.0])
    loss = cross_entropy(logits, 1)
    loss.backward()
    assert loss.data == pytest.approx(1000.0)
    assert [v.grad for v in logits] == pytest.approx([1.0, -1.0, 0.0])
    assert cross_entropy(values([800.0, 800.0]), 0).data == pytest.approx(math.log(2))


def test_bce_at_zero_and_one_is_finite_like_pytorch():
    assert binary_cross_entropy([0.0, 1.0], [1, 0]).data == 100.0
    assert binary_cross_entropy([0.0, 1.0], [0, 1]).data == 0.0


def test_l2_penalty():
    ps = values([1.0, -2.0, 3.0])
    reg = l2_penalty(ps, 1e-2)
    assert reg.data == pytest.approx(0.14)
    reg.backward()
    assert [p.grad for p in ps] == pytest.approx([0.02, -0.04, 0.06])


@pytest.mark.parametrize('call, match', [
    (lambda: mse([], []), 'pred'),
    (lambda: mse([1.0, 2.0], [1.0]), r'pred has 2 items but target has 1'),
    (lambda: binary_cross_entropy([0.5], [2]), r'y\[0\] must be in \{0, 1\}, got 2'),
    (lambda: binary_cross_entropy([1.5], [1]), r'probability in \[0, 1\], got 1.5'),
    (lambda: hinge([0.5, 0.1], [1, 0]), r'labels\[1\] must be in \{-1, 1\}, got 0'),
    (lambda: hinge([0.5], [1, -1]), 'scores has 1 items'),
    (lambda: cross_entropy([1.0, 2.0], 2), r'class index must be an int in 0..1, got 2'),
    (lambda: cross_entropy([1.0, 2.0], -1), 'got -1'),
    (lambda: cross_entropy([[1.0, 2.0], [1.0, 0.0]], [0, 5]), r'target\[1\]: class index'),
    (lambda: cross_entropy([[1.0, 2.0]], [0, 1]), 'logits has 1 items but target has 2'),
    (lambda: cross_entropy([], []), 'target must not be empty'),
    (lambda: cross_entropy([], 0), 'logits must not be empty'),
    (lambda: l2_penalty([]), 'params must not be empty'),
])
def test_bad_inputs_are_one_line_bilingual_errors(call, match):
    with pytest.raises(ValueError, match=match) as info:
        call()
    message = str(info.value)
    assert '\n' not in message and any('\u4e00' <= ch <= '\u9fff' for ch in message)


# ---------------------------------------------------------------- 与 PyTorch 对比
def close(a, b):
    return a == pytest.approx(b, rel=1e-12, abs=1e-14)


def check_against_torch(ours_fn, torch_fn, *arrays):
    """ours_fn 接收 Value 的列表（或列表的列表），torch_fn 接收张量；比较损失值和对每个输入的梯度。"""
    torch = pytest.importorskip('torch')
    flat = [x for arr in arrays for x in (arr if not isinstance(arr[0], list) else sum(arr, []))]
    ours = []
    for arr in arrays:
        if isinstance(arr[0], list):
            ours.append([values(row) for row in arr])
        else:
            ours.append(values(arr))
    loss = ours_fn(*ours)
    loss.backward()
    tensors = [torch.tensor(arr, dtype=torch.float64, requires_grad=True) for arr in arrays]
    tloss = torch_fn(*tensors)
    tloss.backward()
    assert close(loss.data, tloss.item())
    grads = [v.grad for arr in ours for v in (arr if not isinstance(arr[0], list) else sum(arr, []))]
    tgrads = [g for t in tensors for g in t.grad.flatten().tolist()]
    assert len(grads) == len(flat) and close(grads, tgrads)


@pytest.mark.parametrize('seed', range(5))
def test_regression_losses_match_pytorch(seed):
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    rng = random.Random(seed)
    n = rng.randint(1, 8)
    p = [rng.uniform(-3, 3) for _ in range(n)]
    t = [rng.uniform(-3, 3) for _ in range(n)]
    check_against_torch(lambda a, b: mse(a, b), lambda a, b: F.mse_loss(a, b), p, t)
    check_against_torch(lambda a, b: sse(a, b), lambda a, b: F.mse_loss(a, b, reduction='sum'), p, t)


@pytest.mark.parametrize('seed', range(5))
def test_classification_losses_match_pytorch(seed):
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    rng = random.Random(seed)
    n, c = rng.randint(1, 6), rng.randint(2, 5)
    probs = [rng.uniform(0.01, 0.99) for _ in range(n)]
    y01 = [rng.randint(0, 1) for _ in range(n)]
    check_against_torch(lambda p: binary_cross_entropy(p, y01),
                        lambda p: F.binary_cross_entropy(p, torch.tensor(y01, dtype=torch.float64)), probs)
    scores = [rng.uniform(-3, 3) for _ in range(n)]
    ypm = [2 * y - 1 for y in y01]
    check_against_torch(lambda s: hinge(s, ypm),
                        lambda s: torch.relu(1 - torch.tensor(ypm, dtype=torch.float64) * s).mean(), scores)
    logits = [[rng.uniform(-20, 20) for _ in range(c)] for _ in range(n)]
    classes = [rng.randrange(c) for _ in range(n)]
    check_against_torch(lambda z: cross_entropy(z, classes),
                        lambda z: F.cross_entropy(z, torch.tensor(classes)), logits)
    check_against_torch(lambda z: cross_entropy(z, classes[0]),
                        lambda z: F.cross_entropy(z, torch.tensor(classes[0])), logits[0])


def test_bce_clamp_matches_pytorch_value():
    torch = pytest.importorskip('torch')
    p = torch.tensor([0.0, 1.0, 1e-60], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    expected = torch.nn.functional.binary_cross_entropy(p, y).item()
    assert binary_cross_entropy([0.0, 1.0, 1e-60], [1, 0, 1]).data == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- 性质测试 (property-based)
from hypothesis import given, settings, strategies as st  # noqa: E402

from micrograd_zh import gradcheck  # noqa: E402

logit_lists = st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=2, max_size=6)


@settings(max_examples=80, deadline=None)
@given(logit_lists, st.data())
def test_cross_entropy_gradient_is_softmax_minus_one_hot(xs, data):
    target = data.draw(st.integers(0, len(xs) - 1))
    logits = values(xs)
    loss = cross_entropy(logits, target)
    loss.backward()
    m = max(xs)
    z = sum(math.exp(x - m) for x in xs)
    assert math.isfinite(loss.data) and loss.data >= -1e-9
    expected = [math.exp(x - m) / z - (i == target) for i, x in enumerate(xs)]
    assert [v.grad for v in logits] == pytest.approx(expected, abs=1e-9)
    assert abs(sum(v.grad for v in logits)) < 1e-9


small = st.floats(-3, 3, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(small, min_size=1, max_size=5), st.data())
def test_losses_pass_gradcheck(xs, data):
    n = len(xs)
    targets = data.draw(st.lists(small, min_size=n, max_size=n))
    classes = data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    assert gradcheck(lambda v: mse(v, targets), xs)
    assert gradcheck(lambda v: sse(v, targets), xs)
    assert gradcheck(lambda v: binary_cross_entropy([p.sigmoid() for p in v], classes), xs)
    assert gradcheck(lambda v: l2_penalty(v, 0.5), xs)
