"""IEEE 754 的安全算术 (safe arithmetic)：越界时给出 inf 或 nan，而不是抛出异常。

Python 的 float 在除以零、溢出 (overflow) 和定义域错误 (domain error) 时抛异常；PyTorch 的 float64
按 IEEE 754 给出 inf/nan。这里的函数把 Python 的行为改成 IEEE 的行为，引擎的运算和局部导数都用它们。
例如 _div(1.0, 0.0) = inf，_log(0.0) = -inf，_log(-1.0) = nan，_pow(0.0, -1.0) = inf，_sin(inf) = nan。

参数是 Value 时（只在 backward(create_graph=True) 把局部导数写成计算图时发生），每个函数就是对应的运算，
如 _log(x) 就是 x.log()：同一个导数公式因此既能算数，也能建图。对 float 不多花时间。
"""

import math

_INF = math.inf
_NAN = math.nan


def _div(a, b):
    """a / b；除以 ±0 时得 ±inf，0/0 和 nan/0 得 nan。"""
    try:
        return a / b                               # Value 的除法从不抛 ZeroDivisionError
    except ZeroDivisionError:                      # b 是 ±0
        if a == 0.0 or a != a:                     # 0/0 和 nan/0 是 nan
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def _pow(a, b):
    """a ** b；0 的负数次幂得 inf，负数的非整数次幂得 nan，溢出得 ±inf。"""
    try:
        return math.pow(a, b)
    except ValueError:                             # 0 的负数次幂，或负数的非整数次幂
        if a == 0.0:
            odd = b.is_integer() and b % 2 == 1
            return math.copysign(_INF, a) if odd else _INF
        return _NAN
    except OverflowError:
        odd = b.is_integer() and b % 2 == 1
        return -_INF if (a < 0.0 and odd) else _INF
    except TypeError:                              # a 或 b 是 Value
        return a ** b


def _exp(x):
    """eˣ；溢出得 inf。"""
    try:
        return math.exp(x)
    except OverflowError:
        return _INF
    except TypeError:                              # x 是 Value
        return x.exp()


def _log(x):
    """ln x；x = ±0 得 -inf，x < 0 得 nan。"""
    try:
        return math.log(x)                         # 正数、inf 和 nan
    except ValueError:                             # x ≤ 0
        return -_INF if x == 0.0 else _NAN
    except TypeError:                              # x 是 Value
        return x.log()


def _trig(fn, method):
    """sin、cos 的安全版本：x = ±inf 得 nan（math 会抛 ValueError）；x 是 Value 时调用它的方法 method。"""
    def safe(x):
        try:
            return fn(x)
        except ValueError:                         # ±inf
            return _NAN
        except TypeError:                          # x 是 Value
            return getattr(x, method)()
    return safe


_sin = _trig(math.sin, 'sin')
_cos = _trig(math.cos, 'cos')


def _sqrt(x):
    """√x；x < 0 得 nan（√-0.0 = -0.0，与 IEEE 和 PyTorch 相同）。"""
    try:
        return math.sqrt(x)
    except ValueError:                             # x < 0 或 -inf
        return _NAN


def _not_finite(x):
    """x 是 inf 或 nan：inf - inf 和 nan - nan 都是 nan，nan != 0；有限数得 0。"""
    return x - x != 0.0
