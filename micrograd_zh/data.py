"""数据集 (data sets)：只用标准库，结果是普通的 Python 列表。

每个 make_*(n, ..., seed=None) 返回 (X, y)：同一个 seed 总是给出同样的列表；随机性只来自
random.Random(seed)，不碰全局随机状态。分类数据的标签 (label) 是 0, 1, ...（hinge 损失要 ±1：
[2 * t - 1 for t in y]）。

    make_line(n)      y = w·x + b + 噪声，X 是数字的列表           线性回归 (linear regression)
    make_xor(n)       异或 (XOR)：四个角，对角同类                  线性不可分 (not linearly separable)
    make_moons(n)     两个交错的半月 (two interleaving half moons)   micrograd 的经典示例
    make_circles(n)   大圆套小圆 (a circle inside a circle)
    make_spiral(n)    多条螺旋臂 (spiral arms)，多分类               CS231n 的 softmax 示例
    load_digits()     8×8 的手写数字 (handwritten digits)，1797 张真实的图，随包附带，不用联网
    train_val_split   打乱后分成训练集和验证集 (train / validation split)
"""

import gzip
import math
import os

from .checks import as_list, finite, finite_samples, keywords, positive_int, seeded

__all__ = ['make_line', 'make_xor', 'make_moons', 'make_circles', 'make_spiral', 'load_digits', 'train_val_split',
           'check_data']

DIGITS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'datasets', 'digits.txt.gz')


def _check_noise(noise):
    finite('noise', noise, lambda v: v >= 0, '是 ≥ 0 的有限数', 'a finite number >= 0')


def _shuffle(X, y, rng):
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


@keywords
def make_line(n=1000, w=1.915, b=0.915, noise=0.1, low=-10.0, high=10.0, seed=None):
    """直线加高斯噪声 (line plus Gaussian noise)：x ~ U(low, high)，y = w·x + b + N(0, noise²)。

    返回 (X, y)，X 是 n 个数字（一维输入，不是列表的列表）。
    """
    positive_int('n', n)
    _check_noise(noise)
    finite('w', w)
    finite('b', b)
    finite('low', low)
    finite('high', high, lambda v: v > low, f'是大于 low={low!r} 的有限数', f'a finite number > low={low!r}')
    rng = seeded(seed)
    X = [rng.uniform(low, high) for _ in range(n)]
    y = [w * x + b + rng.gauss(0.0, noise) for x in X]
    return X, y


@keywords
def make_xor(n=4, noise=0.0, seed=None):
    """异或 (XOR)：点依次落在四个角 (0,0) (0,1) (1,0) (1,1) 附近，标签 = x₁ XOR x₂。

    n = 4、noise = 0 时正好是四个角（经典的 XOR 真值表）；否则每个点加 N(0, noise²) 的噪声。
    """
    positive_int('n', n)
    _check_noise(noise)
    rng = seeded(seed)
    corners = [(0, 0), (0, 1), (1, 0), (1, 1)]
    X, y = [], []
    for i in range(n):
        a, b = corners[i % 4]
        X.append([a + rng.gauss(0.0, noise) if noise else float(a),
                  b + rng.gauss(0.0, noise) if noise else float(b)])
        y.append(a ^ b)
    return X, y


@keywords
def make_moons(n=100, noise=0.1, seed=None):
    """两个交错的半月 (two moons)，与 sklearn.datasets.make_moons 的构造相同，打乱顺序。

    外侧的月亮 (cos t, sin t) 标签 0，内侧的 (1 - cos t, 0.5 - sin t) 标签 1，t ∈ [0, π]。
    """
    positive_int('n', n, 2)
    _check_noise(noise)
    rng = seeded(seed)
    n_out = n // 2
    n_in = n - n_out
    X, y = [], []
    for i in range(n_out):
        t = math.pi * i / (n_out - 1) if n_out > 1 else 0.0
        X.append([math.cos(t), math.sin(t)])
        y.append(0)
    for i in range(n_in):
        t = math.pi * i / (n_in - 1) if n_in > 1 else 0.0
        X.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        y.append(1)
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return _shuffle(X, y, rng)


@keywords
def make_circles(n=100, noise=0.05, factor=0.5, seed=None):
    """两个同心圆 (concentric circles)：外圆半径 1 标签 0，内圆半径 factor 标签 1，打乱顺序。"""
    positive_int('n', n, 2)
    _check_noise(noise)
    finite('factor', factor, lambda v: 0.0 < v < 1.0, '在 (0, 1) 中', 'in (0, 1)')
    rng = seeded(seed)
    n_out = n // 2
    n_in = n - n_out
    X, y = [], []
    for count, radius, label in ((n_out, 1.0, 0), (n_in, factor, 1)):
        for i in range(count):
            t = 2.0 * math.pi * i / count
            X.append([radius * math.cos(t) + rng.gauss(0.0, noise),
                      radius * math.sin(t) + rng.gauss(0.0, noise)])
            y.append(label)
    return _shuffle(X, y, rng)


@keywords
def make_spiral(n=300, classes=3, noise=0.2, seed=None):
    """螺旋 (spiral)：classes 条臂，每条约 n/classes 个点，半径从 0 到 1，角度加 N(0, noise²) 噪声。

    与 CS231n 的 softmax 示例相同：第 j 类的角度 t 从 4j 到 4(j+1)，点是 (r·sin t, r·cos t)。
    """
    positive_int('n', n)
    positive_int('classes', classes, 2)
    _check_noise(noise)
    rng = seeded(seed)
    X, y = [], []
    for j in range(classes):
        count = n // classes + (1 if j < n % classes else 0)
        for i in range(count):
            r = i / (count - 1) if count > 1 else 0.0
            t = 4.0 * j + 4.0 * r + rng.gauss(0.0, noise)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(j)
    return _shuffle(X, y, rng)


def load_digits():
    """8×8 的手写数字 (handwritten digits)：返回 (X, y)，1797 个样本，类别 0–9 各约 180 个。

    X[n] 是一张单通道的图 [[8 行 × 8 列]]（[通道][行][列]，可以直接交给 Conv2d(1, ...)），
    像素 = 原始的计数 (0–16) / 16，在 [0, 1] 里；y[n] 是它的数字 0–9 (int)。
    数据是 UCI 的 Optical Recognition of Handwritten Digits 的测试集（E. Alpaydin、C. Kaynak，1998，
    CC BY 4.0 许可），与 sklearn.datasets.load_digits() 的完全相同；文件随包附带，
    来源和许可见 micrograd_zh/datasets/README.md。每张图：32×32 的黑白点阵分成 4×4 的小块，数每块里的黑点。
    """
    with gzip.open(DIGITS_FILE, 'rt', encoding='ascii') as f:
        lines = f.read().split()
    X = [[[[int(ch, 17) / 16.0 for ch in pixels[r * 8:r * 8 + 8]] for r in range(8)]]
         for pixels in lines[1::2]]
    return X, [int(label) for label in lines[0::2]]


@keywords
def train_val_split(X, y, val_fraction=0.2, seed=None):
    """打乱后切成训练集和验证集 (validation set)：返回 (X_train, y_train, X_val, y_val)。

    验证集有 round(len(X)·val_fraction) 个样本，两边都至少留 1 个。
    """
    X, y = check_data(X, y)
    if len(X) < 2:
        raise ValueError(f"X 至少要有 2 个样本才能切分，而不是 {len(X)} 个 (X needs at least 2 samples to split, got {len(X)})")
    finite('val_fraction', val_fraction, lambda v: 0.0 < v < 1.0, '在 (0, 1) 中', 'in (0, 1)')
    X, y = _shuffle(X, y, seeded(seed))
    n_val = min(max(1, round(len(X) * val_fraction)), len(X) - 1)
    return X[n_val:], y[n_val:], X[:n_val], y[:n_val]


def check_data(X, y):
    """检查一个数据集 (X, y)：两边都是列表、一样长、不空，每个样本是数或数的列表，且没有 nan/inf。

    返回 (list(X), list(y))。错误信息写出是哪个样本，例如 X[3]。fit() 和 train_val_split() 都用它。
    """
    X = as_list('X', X, '样本 (sample) ', 'samples')
    y = as_list('y', y, '目标 (target) ', 'targets')
    if len(X) != len(y):
        raise ValueError(f"X 有 {len(X)} 个样本，y 有 {len(y)} 个 (X has {len(X)} samples but y has {len(y)})")
    if not X:
        raise ValueError("X 不能为空 (X must not be empty)")
    finite_samples('X', X)
    finite_samples('y', y)
    return X, y
