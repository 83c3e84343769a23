"""参数检查 (argument checks)：把学习者常犯的错误变成一行中英双语的信息。

规则 (rule)：类型不对 (wrong type) → TypeError；类型对、取值不对 (wrong value) → ValueError。
每条信息只有一行，先中文后英文，写出参数名 (argument name) 和期望的是什么 (what was expected)。
完整的列表见 docs/errors.md。
"""

import difflib
import functools
import inspect
import math
import numbers
import os
import random

from .engine import Value

__all__ = ['is_real', 'show', 'real', 'finite', 'positive_int', 'as_list', 'numbers_in', 'finite_samples',
           'seeded', 'keywords', 'unknown_keyword']


def is_real(x):
    """x 是实数 (real number)：int、float 或 numpy 标量这类 numbers.Real，但不是 bool。"""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def show(x, limit=40):
    """一行、不太长的 repr，放进错误信息里。"""
    text = ' '.join(repr(x).split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


def _type(x):
    return f"{type(x).__name__} {show(x)}"


def real(name, x, ok=None, zh='', en=''):
    """x 必须是实数；给了 ok 时还要 ok(x) 为真（zh、en 说明期望的范围）。返回 float(x)。"""
    if not is_real(x):
        raise TypeError(f"{name} 必须是实数 (int/float)，而不是 {_type(x)} "
                        f"({name} must be a real number, got {_type(x)})")
    if ok is not None and not ok(x):
        raise ValueError(f"{name} 必须{zh}，而不是 {show(x)} ({name} must be {en}, got {show(x)})")
    return float(x)


def finite(name, x, ok=lambda v: True, zh='是有限的数', en='a finite number'):
    """有限 (finite) 的实数：nan、inf 都不行。"""
    return real(name, x, lambda v: math.isfinite(v) and ok(v), zh, en)


def positive_int(name, x, least=1):
    """≥ least 的整数 (int)，例如层宽 (layer width) 或样本数。"""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} 必须是 ≥ {least} 的整数，而不是 {_type(x)} "
                        f"({name} must be an int >= {least}, got {_type(x)})")
    if x < least:
        raise ValueError(f"{name} 必须是 ≥ {least} 的整数，而不是 {x!r} ({name} must be an int >= {least}, got {x!r})")
    return int(x)


def as_list(name, x, what_zh, what_en):
    """把一列东西 (a sequence) 变成 list；字符串、字典、None 和不可迭代的对象是 TypeError。"""
    if isinstance(x, (str, bytes, dict, Value)) or x is None or is_real(x) or isinstance(x, bool):
        raise TypeError(f"{name} 必须是{what_zh}的列表，而不是 {_type(x)} "
                        f"({name} must be a list of {what_en}, got {_type(x)})")
    try:
        return list(x)
    except TypeError:
        raise TypeError(f"{name} 必须是{what_zh}的列表，而不是 {_type(x)} "
                        f"({name} must be a list of {what_en}, got {_type(x)})") from None


def numbers_in(name, x):
    """一个或一列数字/Value → list；每个元素都必须是实数或 Value，错误信息写出是第几个 (name[i])。"""
    items = [x] if isinstance(x, Value) or is_real(x) else as_list(name, x, '数字或 Value ', 'numbers or Values')
    if not items:
        raise ValueError(f"{name} 不能为空 ({name} must not be empty)")
    for i, v in enumerate(items):
        if not (isinstance(v, Value) or is_real(v)):
            raise TypeError(f"{name}[{i}] 必须是数字或 Value，而不是 {_type(v)} "
                            f"({name}[{i}] must be a number or a Value, got {_type(v)})")
    return items


def _leaves(sample):
    """样本里的每个数 (every number in a sample)：列表可以嵌套，例如 [通道][行][列] 的图像。"""
    if isinstance(sample, Value) or is_real(sample):
        return [sample]
    if isinstance(sample, (str, bytes, dict)) or sample is None or isinstance(sample, bool):
        return [sample]
    try:
        items = list(sample)
    except TypeError:
        return [sample]
    return [v for item in items for v in (_leaves(item) if isinstance(item, (list, tuple)) else [item])]


def finite_samples(name, data):
    """数据集 (data set) 的每个样本：一个数，或一列数（可以嵌套，例如一张图；Value 也行），都必须是有限的 (finite)。

    nan/inf 会让损失和梯度都变成 nan，而且不会报错；所以在训练开始前就指出是哪个样本 (sample index)。
    """
    for i, sample in enumerate(data):
        for v in _leaves(sample):
            d = v.data if isinstance(v, Value) else v
            if not is_real(d):
                raise TypeError(f"{name}[{i}] 必须是数字或数字的列表，而不是 {_type(sample)} "
                                f"({name}[{i}] must be a number or a list of numbers, got {_type(sample)})")
            if not math.isfinite(d):
                raise ValueError(f"{name}[{i}] 含有 {d!r}：数据里不能有 nan 或 inf "
                                 f"({name}[{i}] contains {d!r}: data must be finite)")


def seeded(seed):
    """random.Random(seed)，seed 必须是整数或 None（numpy 的整数也行）。None 时每次都不同。"""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"seed 必须是整数或 None，而不是 {_type(seed)} (seed must be an int or None, got {_type(seed)})")
    return random.Random(None if seed is None else int(seed))


def unknown_keyword(where, name, allowed):
    """“没有这个参数”的一行信息；名字很像某个参数时猜一下 (did you mean)，否则列出全部参数。"""
    close = difflib.get_close_matches(name, allowed, n=1)
    if close:
        zh, en = f'，是不是想写 {close[0]!r}？', f'; did you mean {close[0]!r}?'
    else:
        zh, en = f'；可用的有 {", ".join(allowed)}', f'; its arguments are {", ".join(allowed)}'
    return TypeError(f"{where} 没有叫 {name!r} 的参数{zh} ({where} has no argument {name!r}{en})")


def keywords(fn):
    """装饰器 (decorator)：调用的参数不对（参数名拼错、少了必需的参数、位置参数太多）时，给一行中英双语的
    TypeError，而不是 Python 自己的英文信息。只在调用已经出错时才去核对，所以正确的调用没有额外开销。"""
    signature = inspect.signature(fn)
    where = fn.__qualname__.replace('.__init__', '')
    named = [name for name, p in signature.parameters.items()
             if name != 'self' and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError:
            try:
                signature.bind(*args, **kwargs)
            except TypeError as e:               # 调用本身就不对，fn 根本没有开始运行
                for name in kwargs:
                    if name not in named:
                        raise unknown_keyword(where, name, named) from None
                raise TypeError(f"{where} 的参数不对：{e} ({where} got wrong arguments: {e})") from None
            raise
    return checked


def output_file(name, path, example):
    """要写的文件名 (a file path to write)：空的、以 / 结尾的、已经是文件夹的都不行
    （否则会悄悄写出一个隐藏的 .svg 这样的文件）。返回 os.fspath(path)。"""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} 必须是文件路径 (str 或 pathlib.Path)，而不是 {_type(path)} "
                        f"({name} must be a file path, str or pathlib.Path, got {_type(path)})")
    path = os.fspath(path)
    if not path.strip():
        raise ValueError(f'{name} 不能是空的，要给文件名，例如 {example} '
                         f'({name} must not be empty: give a file name such as {example})')
    if path.endswith(('/', os.sep)) or os.path.isdir(path):
        raise ValueError(f'{name} 是一个文件夹，要给文件名，例如 {os.path.join(path, example)} '
                         f'({name} is a folder, give a file name such as {os.path.join(path, example)})')
    return path
