"""表达式语言 (micrograd_zh/expr.py)：语法、拒绝的输入，以及模糊测试 (fuzz test)。"""

import ast
import builtins
import math
import os
import re
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micrograd_zh import Value
from micrograd_zh.expr import MAX_DEPTH, MAX_LENGTH, ExpressionError, evaluate

NEURON = dict(x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=6.8813735870195432)


def test_lecture_neuron_value_and_gradients():
    o = evaluate('tanh(x1*w1 + x2*w2 + b)', NEURON)
    assert o.data == pytest.approx(math.sqrt(0.5))
    o.backward()
    leaves = {n.label: n for n in _leaves(o)}
    assert leaves['x1'].grad == pytest.approx(-1.5)
    assert leaves['w1'].grad == pytest.approx(1.0)
    assert leaves['x2'].grad == pytest.approx(0.5)
    assert leaves['w2'].grad == pytest.approx(0.0)


def _leaves(root):
    from micrograd_zh import topological_order
    return [n for n in topological_order(root) if not n._prev]


@pytest.mark.parametrize('text, expected', [
    ('1 + 2 * 3', 7.0),
    ('(1 + 2) * 3', 9.0),
    ('2 ** 3 ** 2', 512.0),
    ('-2 ** 2', -4.0),
    ('--3', 3.0),
    ('+a', 2.0),
    ('a / 4 - 1', -0.5),
    ('exp(0) + log(1) + relu(-a) + sigmoid(0)', 1.5),
    ('1e-3 * 1_000', 1.0),
    ('a ** b', 0.125),
])
def test_arithmetic(text, expected):
    assert evaluate(text, {'a': 2, 'b': -3}).data == pytest.approx(expected)


def test_sin_cos_sqrt_abs_and_their_derivatives():
    out = evaluate('sin(x) * cos(x) + sqrt(y) + abs(z)', {'x': 0.5, 'y': 4.0, 'z': -3.0})
    assert out.data == pytest.approx(math.sin(0.5) * math.cos(0.5) + 2.0 + 3.0)
    out.backward()
    grads = {n.label: n.grad for n in _leaves(out)}
    assert grads['x'] == pytest.approx(math.cos(1.0))          # (sin x cos x)' = cos 2x
    assert grads['y'] == pytest.approx(0.25) and grads['z'] == -1.0
    assert math.isnan(evaluate('sqrt(-1)').data) and evaluate('abs(-0)').data == 0.0
    with pytest.raises(ExpressionError, match='function sqrt must be called'):
        evaluate('sqrt + 1')


def test_same_name_is_one_node_and_gradients_add():
    out = evaluate('a * a + a', {'a': 3})
    out.backward()
    (a,) = _leaves(out)
    assert a.label == 'a' and a.grad == 7.0


def test_constant_exponent_makes_a_unary_pow_node_and_results_get_source_labels():
    out = evaluate('(x + 1)**2', {'x': 1})
    assert out._op == '**2' and len(out._prev) == 1
    assert out._prev[0].label == 'x + 1'
    assert evaluate('x * y', {'x': 1, 'y': 2}).label == 'x * y'
    long = evaluate('x + x + x + x + x + x + x', {'x': 1})
    assert long.label == ''                     # 太长就不作 label


def test_values_can_be_passed_in():
    w = Value(4.0, label='w')
    out = evaluate('2 * w', {'w': w})
    out.backward()
    assert w.grad == 2.0


def test_domain_rule_gives_inf_and_nan_instead_of_errors():
    assert evaluate('log(0)').data == -math.inf
    assert math.isnan(evaluate('log(-1)').data)
    assert evaluate('1 / 0').data == math.inf
    assert evaluate('exp(1000)').data == math.inf


@pytest.mark.parametrize('text, fragment', [
    ('foo + 1', "unknown name 'foo'"),
    ('x.real', 'attribute access'),
    ('lambda: 1', 'lambda'),
    ('[i for i in x]', 'comprehension'),
    ('(i for i in x)', 'comprehension'),
    ("__import__('os')", "unknown function '__import__'"),
    ("__import__('os').system('true')", 'attribute access'),
    ('(1)(2)', 'only these functions'),
    ('x[0]', 'subscript'),
    ('x < 1', 'comparison'),
    ('x and 1', 'boolean'),
    ('x if 1 else 2', 'conditional'),
    ('tan(x)', "unknown function 'tan'"),
    ('tanh(x, x)', 'exactly one argument'),
    ('tanh(x=1)', 'exactly one argument'),
    ('tanh(*x)', 'exactly one argument'),
    ('tanh', 'must be called'),
    ("'abc'", 'only numbers'),
    ('True', 'only numbers'),
    ('1j', 'only numbers'),
    ('x // 2', 'unsupported operator'),
    ('~x', 'unsupported operator'),
    ('2 ** 10 ** 10', 'exponent too large'),
    ('x ** 1e4', 'exponent too large'),
    ('9' * 400, 'number too large'),
    ('x' * 5000, 'too long'),
    ('1 +', 'syntax error'),
    ('x = 1', 'syntax error'),
    ('x\n+1', 'newline or control character'),
    ('x\x00', 'control character'),
    ('', 'empty'),
    ('   ', 'empty'),
    ('-' * 200 + 'x', 'nested too deeply'),
    ('f"{x}"', 'not allowed'),
])
def test_refusals_are_one_line_expression_errors(text, fragment):
    with pytest.raises(ExpressionError) as info:
        evaluate(text, {'x': 1.0})
    message = str(info.value)
    assert fragment in message
    assert '\n' not in message
    assert isinstance(info.value, ValueError)


def test_errors_say_where_in_characters():
    with pytest.raises(ExpressionError, match=r'column 6'):
        evaluate('1 +  中文', {})
    with pytest.raises(ExpressionError, match=r'column 3\b'):
        evaluate('  nope', {})
    with pytest.raises(ExpressionError, match=r'syntax error at column 5'):
        evaluate('  x y', {'x': 1, 'y': 2})
    # Python 3.9 的解析器把这个错误指在 '+'（第 3 列），3.10 起报在末尾
    # (Python 3.9's parser points at the '+', 3.10+ reports the end of the input)
    with pytest.raises(ExpressionError, match=r'在末尾.*syntax error at the end|syntax error at column 3'):
        evaluate('x +', {'x': 1})


@pytest.mark.parametrize('variables', [{'1x': 1}, {'x': 'a'}, {'x': None}, {'tanh': 1}, {'x': True}])
def test_bad_variables(variables):
    with pytest.raises(ExpressionError):
        evaluate('1', variables)


def test_not_a_string():
    with pytest.raises(ExpressionError, match='must be a str'):
        evaluate(b'1 + 1')


# ---------------------------------------------------------------- 上限 (limits)：说清楚是哪一个
@pytest.mark.parametrize('terms', [52, 300])
def test_a_flat_sum_of_hundreds_of_terms_is_not_nesting(terms):
    names = [f'x{i}' for i in range(terms)]
    text = ' + '.join(f'{i % 7}*{name}' for i, name in enumerate(names))
    assert len(text) <= MAX_LENGTH
    out = evaluate(text, {name: 1.0 for name in names})
    assert out.data == sum(i % 7 for i in range(terms))
    out.backward()
    assert out.label == '' and out._prev[1].label == f'{(terms - 1) % 7}*x{terms - 1}'
    assert evaluate('-'.join(['x'] * 1500), {'x': 1.0}).data == -1498.0        # 1500 项 (terms)


def test_a_long_chain_still_labels_its_short_prefixes():
    out = evaluate('a*b + c - d / e', {k: 2.0 for k in 'abcde'})
    assert out.label == 'a*b + c - d / e'
    assert [v.label for v in out._prev] == ['a*b + c', 'd / e']
    assert [v.label for v in out._prev[0]._prev] == ['a*b', 'c']


@pytest.mark.parametrize('depth', [51, 201, 1000])
def test_parentheses_beyond_the_limit_say_so(depth):
    with pytest.raises(ExpressionError) as info:
        evaluate('(' * depth + 'x' + ')' * depth, {'x': 1.0})
    assert str(info.value).endswith(f'(parentheses nested too deeply: {depth} levels, at most {MAX_DEPTH}, '
                                    f'at column {MAX_DEPTH + 1})')
    assert evaluate('(' * MAX_DEPTH + 'x' + ')' * MAX_DEPTH, {'x': 1.0}).data == 1.0


@pytest.mark.parametrize('text', ['-' * 60 + 'x', 'relu(-' * 30 + 'x' + ')' * 30, 'x' + ' ** x' * 60])
def test_operations_nested_beyond_the_limit_say_so(text):
    with pytest.raises(ExpressionError, match=f'operations or calls nested too deeply, at most {MAX_DEPTH} levels'):
        evaluate(text, {'x': 1.0})


def test_too_long_says_how_long_and_the_limit():
    with pytest.raises(ExpressionError, match=f'expression too long: {MAX_LENGTH + 1} characters, '
                                              f'at most {MAX_LENGTH}'):
        evaluate('x' * (MAX_LENGTH + 1), {})


def test_what_pythons_own_parser_cannot_take_is_named():
    """Python 3.11/3.12 的解析器在约 3000 层处放弃（RecursionError）；3.9、3.13 能解析，由我们的深度上限拒绝。"""
    with pytest.raises(ExpressionError) as info:
        evaluate('-' * (MAX_LENGTH - 1) + 'x', {'x': 1.0})
    assert re.search(r"too complex for Python's parser: too many terms or nested too deeply\)$"
                     r"|operations or calls nested too deeply", str(info.value)), str(info.value)


def test_variable_names_fold_like_pythons_identifiers():
    """Python 按 NFKC 折叠标识符：表达式里的全角 ｘ 就是 x。变量名也一样折叠。"""
    assert evaluate('ｘ * 2', {'ｘ': 3.0}).data == 6.0
    assert evaluate('x * 2', {'ｘ': 3.0}).data == 6.0
    assert evaluate('ｘ * 2', {'x': 3.0}).data == 6.0
    with pytest.raises(ExpressionError, match="variable x is given twice: 'x' and 'ｘ' are the same name"):
        evaluate('x', {'x': 1.0, 'ｘ': 2.0})


# ---------------------------------------------------------------- 模糊测试 (fuzz)
# 性质 (property)：evaluate 只会返回 Value 或抛出单行的 ExpressionError；不执行任何代码，不卡住。
# 五个测试合计 10^4 个生成的输入。

@contextmanager
def no_code_execution():
    """eval/exec 一被调用就失败；compile 只许用来得到语法树 (ast.PyCF_ONLY_AST)。"""
    real = builtins.eval, builtins.exec, builtins.compile

    def forbidden(*args, **kwargs):
        raise AssertionError('eval/exec was called')

    def only_ast(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, 'compile() was asked for bytecode'
        return real[2](source, filename, mode, flags, *args, **kwargs)

    builtins.eval, builtins.exec, builtins.compile = forbidden, forbidden, only_ast
    try:
        yield
    finally:
        builtins.eval, builtins.exec, builtins.compile = real


VARIABLES = {'x': 0.5, 'y': -2.0, 'z': 3.0}


def check(text):
    try:
        with no_code_execution():
            out = evaluate(text, VARIABLES)
    except ExpressionError as e:
        message = str(e)
        assert message and '\n' not in message and '\r' not in message
        return None
    assert isinstance(out, Value)
    return out


BASE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fuzz(n):
    return settings(BASE, max_examples=n)

TOKENS = st.sampled_from([
    'x', 'y', 'z', 'q', '0', '1', '2.5', '1e308', '1e-308', '9' * 30, '+', '-', '*', '/', '**', '//',
    '%', '(', ')', ',', '.', ' ', 'exp', 'log', 'tanh', 'relu', 'sigmoid', 'sin', '__import__',
    'lambda', ':', 'for', 'in', 'if', 'else', '[', ']', '{', '}', "'", '"', '=', '==', ':=', '@', '~',
    'not', 'and', 'yield', 'await', '\\', '#', 'os', '.system', '__class__', 'True', 'None', '1j', '中'])


@fuzz(3000)
@given(st.text(max_size=60))
def test_fuzz_random_characters(text):
    check(text)


@fuzz(3000)
@given(st.lists(TOKENS, max_size=30).map(''.join))
def test_fuzz_random_tokens(text):
    check(text)


def _expressions():
    leaf = st.sampled_from(['x', 'y', 'z', '0', '1', '2', '0.5', '1e300', '-1'])
    unary = ['exp', 'log', 'tanh', 'relu', 'sigmoid', 'sin', 'cos', 'sqrt', 'abs', '-', '']

    def extend(inner):
        return st.one_of(
            st.tuples(st.sampled_from(unary), inner).map(lambda t: f'{t[0]}({t[1]})'),
            st.tuples(inner, st.sampled_from(['+', '-', '*', '/', '**']), inner)
              .map(lambda t: f'({t[0]} {t[1]} {t[2]})'))
    return st.recursive(leaf, extend, max_leaves=40)


@fuzz(2000)
@given(_expressions())
def test_fuzz_nested_calls_only_valid_grammar(text):
    out = check(text)
    if len(text) <= MAX_LENGTH and out is None:
        # 合乎语法的表达式只可能因为深度或指数而被拒绝 (only depth or exponent refusals)
        with pytest.raises(ExpressionError, match='nested too deeply|exponent too large'):
            evaluate(text, VARIABLES)


@fuzz(1000)
@given(st.integers(1, 3000), st.sampled_from(['(', '-', 'exp(', '(x+', 'x**', '+']))
def test_fuzz_long_and_deeply_nested(depth, opener):
    closer = ')' if opener.endswith('(') else ''
    check(opener * depth + 'x' + closer * depth)
    check('x + ' * depth + 'x')


@fuzz(1000)
@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(0, 6))
def test_fuzz_huge_exponents(exponent, towers):
    text = 'x ** ' + ' ** '.join([repr(exponent)] * (towers + 1))
    out = check(text.replace('inf', '1e999').replace('nan', '(1e999 - 1e999)'))
    if out is not None:
        assert isinstance(out.data, float)


def test_fuzz_never_ran_the_payload(tmp_path):
    marker = tmp_path / 'pwned'
    check(f"__import__('os').system('touch {marker}')")
    check(f"(lambda: __import__('os').system('touch {marker}'))()")
    assert not os.path.exists(marker)


def test_limits_are_sane():
    assert MAX_LENGTH < 5000 and MAX_DEPTH >= 20
