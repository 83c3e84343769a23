"""玩具数据集测试：同一个 seed 给出同样的普通列表，形状和标签正确，不碰全局随机状态。"""

import math
import random
from collections import Counter

import pytest

from micrograd_zh.data import make_circles, make_line, make_moons, make_spiral, make_xor, train_val_split

MAKERS = {
    'line': lambda seed: make_line(50, seed=seed),
    'xor': lambda seed: make_xor(40, noise=0.1, seed=seed),
    'moons': lambda seed: make_moons(51, seed=seed),
    'circles': lambda seed: make_circles(51, seed=seed),
    'spiral': lambda seed: make_spiral(61, classes=4, seed=seed),
}


@pytest.mark.parametrize('name', sorted(MAKERS))
def test_seeded_plain_lists(name):
    make = MAKERS[name]
    random.seed(5)
    expected = random.random()
    random.seed(5)
    X, y = make(3)
    assert random.random() == expected                  # 全局随机状态没被动过
    assert (X, y) == make(3) and (X, y) != make(4)
    assert type(X) is list and type(y) is list and len(X) == len(y)
    row = X[0]
    assert type(row) is float or (type(row) is list and all(type(v) is float for v in row))


def test_line_follows_its_formula():
    X, y = make_line(2000, w=2.0, b=-1.0, noise=0.0, low=-3, high=5, seed=0)
    assert all(-3 <= x <= 5 for x in X)
    assert all(t == pytest.approx(2 * x - 1) for x, t in zip(X, y))
    X, y = make_line(4000, noise=0.1, seed=1)
    residual = [t - (1.915 * x + 0.915) for x, t in zip(X, y)]
    assert math.sqrt(sum(r * r for r in residual) / len(residual)) == pytest.approx(0.1, rel=0.05)


def test_xor_truth_table():
    assert make_xor() == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])


def test_moons_and_circles_shapes():
    X, y = make_moons(101, noise=0.0, seed=0)
    assert Counter(y) == {0: 50, 1: 51}
    for (a, b), label in zip(X, y):
        if label == 0:
            assert a * a + b * b == pytest.approx(1.0) and b >= -1e-12
        else:
            assert (a - 1) ** 2 + (b - 0.5) ** 2 == pytest.approx(1.0) and b <= 0.5 + 1e-12
    X, y = make_circles(100, noise=0.0, factor=0.3, seed=0)
    for (a, b), label in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(1.0 if label == 0 else 0.3)


def test_spiral_classes_and_radius():
    X, y = make_spiral(300, classes=3, seed=0)
    assert Counter(y) == {0: 100, 1: 100, 2: 100}
    assert max(math.hypot(a, b) for a, b in X) == pytest.approx(1.0)


def test_train_val_split_is_a_seeded_partition():
    X, y = make_moons(50, seed=0)
    Xt, yt, Xv, yv = train_val_split(X, y, 0.2, seed=1)
    assert len(Xv) == 10 and len(Xt) == 40
    assert sorted(map(tuple, Xt + Xv)) == sorted(map(tuple, X))
    pairs = dict(zip(map(tuple, X), y))
    assert all(pairs[tuple(x)] == t for x, t in zip(Xt + Xv, yt + yv))
    assert train_val_split(X, y, 0.2, seed=1) == (Xt, yt, Xv, yv)
    assert train_val_split([1, 2], [3, 4], 0.01)[2] != []          # 两边都至少 1 个


@pytest.mark.parametrize('call, match', [
    (lambda: make_line(0), 'n must be an int >= 1, got 0'),
    (lambda: make_moons(1), 'n must be an int >= 2'),
    (lambda: make_spiral(10, classes=1), 'classes must be an int >= 2'),
    (lambda: make_circles(10, factor=1.5), 'factor'),
    (lambda: train_val_split([1, 2, 3], [1, 2]), 'X has 3 samples but y has 2'),
    (lambda: train_val_split([1, 2, 3], [1, 2, 3], 1.0), 'val_fraction'),
    (lambda: train_val_split([1], [1]), 'at least 2'),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match) as info:
        call()
    assert '\n' not in str(info.value)


# ---------------------------------------------------------------- 手写数字 (load_digits)
DIGITS_SHA256 = '129eef24fe845dfb9ee752501689a6be3cb8afde16fdb4118c6ad9635b5545be'   # 解压后的文本
DIGITS_PER_CLASS = {0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182, 6: 181, 7: 179, 8: 174, 9: 180}


def test_shipped_digits_file_is_intact():
    """随包的文件没有损坏或被改过：解压后的 SHA-256、每行的格式、每类的个数（UCI 测试集公布的数字）。"""
    import gzip
    import hashlib
    from micrograd_zh.data import DIGITS_FILE
    with gzip.open(DIGITS_FILE, 'rb') as f:
        raw = f.read()
    assert hashlib.sha256(raw).hexdigest() == DIGITS_SHA256
    lines = raw.decode('ascii').splitlines()
    assert len(lines) == 1797
    assert all(len(line) == 66 and line[0] in '0123456789' and line[1] == ' ' and
               set(line[2:]) <= set('0123456789abcdefg') for line in lines)
    assert Counter(int(line[0]) for line in lines) == DIGITS_PER_CLASS


def test_load_digits_gives_images_for_conv2d():
    from micrograd_zh.data import load_digits
    X, y = load_digits()
    assert len(X) == len(y) == 1797 and Counter(y) == DIGITS_PER_CLASS
    assert all(len(x) == 1 and len(x[0]) == 8 and all(len(row) == 8 for row in x[0]) for x in X)
    values = {v for x in X for row in x[0] for v in row}
    assert values == {k / 16 for k in range(17)}                 # 原始的 0..16 除以 16，每个值都出现
    assert X[0][0][0][:4] == [0.0, 0.0, 5 / 16, 13 / 16]          # 第一张是 0，与 UCI 文件的第一行相同
    assert load_digits() == (X, y)


def test_load_digits_equals_scikit_learn():
    datasets = pytest.importorskip('sklearn.datasets')
    from micrograd_zh.data import load_digits
    X, y = load_digits()
    ref = datasets.load_digits()
    assert y == ref.target.tolist()
    assert [[[16 * v for v in row] for row in x[0]] for x in X] == ref.images.tolist()


def test_package_data_lists_every_shipped_file():
    """setup.cfg 的 package_data 要列出 datasets/ 里的每个文件，否则 pip install 之后 load_digits() 找不到文件。"""
    import configparser
    import os
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(root, 'setup.cfg'), encoding='utf-8')
    listed = {p.strip() for p in cfg['options.package_data']['micrograd_zh'].split(',')}
    shipped = {'datasets/' + name for name in os.listdir(os.path.join(root, 'micrograd_zh', 'datasets'))}
    assert listed == shipped
