"""命令行用的小表达式语言 (a tiny expression language for the command line).

    evaluate("tanh(x1*w1 + x2*w2 + b)", {"x1": 2, "w1": -3, ...})  ->  Value

语法 (grammar)：数字、由 variables 给出的名字、`+ - * / **`、一元负号 (unary minus)、括号，
以及函数 exp、log、tanh、relu、sigmoid、sin、cos、sqrt、abs（各取一个参数）。其他一切都抛出 ExpressionError。

安全 (safety)：用 `ast.parse` 只得到语法树 (syntax tree)，然后按白名单 (whitelist) 逐个节点
解释；从不调用 eval/exec，也从不编译成字节码 (bytecode)。输入长度、嵌套深度和指数大小都有上限，
所以再怪的输入也很快得到答案，不会卡住 (hang)。超过上限时，信息说出是哪一个上限：
    MAX_LENGTH  字符数；平铺的长式子 (a flat chain) 如 x1 + x2 + ... + x500 只受它限制
    MAX_DEPTH   嵌套的层数：括号 ( [ { 的层数，以及运算、函数调用一层套一层的深度（如 exp(exp(...))、
                -(-(-x))、x ** x ** x）；同一条链上并列的 + - * / 不算嵌套数值运算遵循引擎的定义域规则 (domain rule)：
越界得到 inf 或 nan，而不是报错。
"""

import ast
import unicodedata
import warnings

from .checks import is_real
from .engine import Value

__all__ = ['evaluate', 'ExpressionError', 'FUNCTIONS', 'MAX_LENGTH', 'MAX_DEPTH', 'MAX_EXPONENT']

MAX_LENGTH = 4000      # 最多字符数 (characters)：够写几百项的和
MAX_DEPTH = 50         # 最大嵌套深度 (nesting depth)：括号的层数，以及运算、调用一层套一层的深度
MAX_EXPONENT = 1000    # ** 的指数绝对值上限 (largest |exponent|)
MAX_LABEL = 20         # 运算结果用不超过这么长的源文本作 label (label results with short source text)

FUNCTIONS = {
    'exp': Value.exp,
    'log': Value.log,
    'tanh': Value.tanh,
    'relu': Value.relu,
    'sigmoid': Value.sigmoid,
    'sin': Value.sin,
    'cos': Value.cos,
    'sqrt': Value.sqrt,
    'abs': Value.abs,
}

_BINARY = {
    ast.Add: ('+', lambda a, b: a + b),
    ast.Sub: ('-', lambda a, b: a - b),
    ast.Mult: ('*', lambda a, b: a * b),
    ast.Div: ('/', lambda a, b: a / b),
    ast.Pow: ('**', lambda a, b: a ** b),
}

# 不在白名单里的常见语法，给出更好懂的名字 (friendlier names for common non-whitelisted syntax)
_SYNTAX_NAMES = {
    ast.Attribute: ('属性访问', 'attribute access'),
    ast.Lambda: ('lambda', 'lambda'),
    ast.ListComp: ('推导式', 'comprehension'),
    ast.SetComp: ('推导式', 'comprehension'),
    ast.DictComp: ('推导式', 'comprehension'),
    ast.GeneratorExp: ('推导式', 'comprehension'),
    ast.Subscript: ('下标', 'subscript'),
    ast.Compare: ('比较', 'comparison'),
    ast.BoolOp: ('逻辑运算', 'boolean operator'),
    ast.IfExp: ('条件表达式', 'conditional expression'),
}


class ExpressionError(ValueError):
    """表达式有误 (invalid expression)；消息只有一行，说明是什么、在第几列。"""


def _snippet(text, limit=20):
    """把用户输入的一段安全地放进单行消息里 (quote user text on one line)。"""
    text = text if len(text) <= limit else text[:limit] + '…'
    return repr(text)


def _check_variables(variables):
    values, given = {}, {}
    for name, value in dict(variables or {}).items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ExpressionError(f'变量名必须是标识符，而不是 {_snippet(str(name))} '
                                  f'(variable name must be an identifier, got {_snippet(str(name))})')
        folded = unicodedata.normalize('NFKC', name)       # 和 Python 一样折叠名字 (NFKC)：全角的 ｘ 就是 x
        if folded in given:
            raise ExpressionError(f'变量 {folded} 给了两次：{given[folded]!r} 和 {name!r} 折叠 (NFKC) 之后是同一个名字 '
                                  f'(variable {folded} is given twice: {given[folded]!r} and {name!r} are the same '
                                  f'name after NFKC folding)')
        given[folded] = name
        name = folded
        if name in FUNCTIONS:
            raise ExpressionError(f'变量名 {name!r} 与函数同名 (variable name {name!r} is a function name)')
        if isinstance(value, Value):
            values[name] = value
        elif is_real(value):
            values[name] = Value(float(value), label=name)
        else:
            kind = type(value).__name__
            raise ExpressionError(f'变量 {name} 的值必须是数字或 Value，而不是 {kind} '
                                  f'(variable {name} must be a number or Value, not {kind})')
    return values


def evaluate(text, variables=None):
    """把表达式 text 算成一个 Value（计算图的根 root），名字的值取自 variables。

    variables 把名字映射到数字或 Value；数字会变成带 label 的叶子节点 (leaf)，同一个名字
    出现多次时用的是同一个节点，所以它的梯度会把各条路径加起来。运算的结果以它的源文本
    为 label（不超过 MAX_LABEL 个字符时），如 'x1*w1'，画图时好认。
    任何不合规则的输入都抛出 ExpressionError（一种 ValueError），消息一行，指明位置。
    """
    if not isinstance(text, str):
        raise ExpressionError(f'表达式必须是字符串，而不是 {type(text).__name__} '
                              f'(expression must be a str, not {type(text).__name__})')
    values = _check_variables(variables)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f'表达式太长：{len(text)} 个字符，最多 {MAX_LENGTH} '
                              f'(expression too long: {len(text)} characters, at most {MAX_LENGTH})')
    for i, ch in enumerate(text):
        if not ch.isprintable():
            raise ExpressionError(f'第 {i + 1} 列有换行或控制字符 {ch!r} '
                                  f'(newline or control character {ch!r} at column {i + 1})')
    source = text.strip()
    if not source:
        raise ExpressionError('表达式是空的 (expression is empty)')
    lead = len(text) - len(text.lstrip())
    _check_brackets(source, lead)
    try:
        with warnings.catch_warnings():               # 如 '1x' 的 SyntaxWarning：我们自己报错
            warnings.simplefilter('ignore')
            tree = ast.parse(source, mode='eval')
    except SyntaxError as e:
        at_end = not e.offset or e.offset > len(source)     # 输入意外结束 (unexpected end of input)
        col = '（在末尾）' if at_end else f'（第 {e.offset + lead} 列）'
        col_en = ' at the end' if at_end else f' at column {e.offset + lead}'
        msg = str(e.msg).splitlines()[0] if e.msg else 'invalid syntax'
        raise ExpressionError(f'语法错误{col} (syntax error{col_en}: {msg})') from None
    except (RecursionError, MemoryError):                      # Python 自己的解析器 (parser) 的上限
        raise ExpressionError('表达式对 Python 的解析器来说太复杂：项太多或嵌套太深 '
                              '(expression too complex for Python\'s parser: too many terms or nested too deeply)'
                              ) from None
    except ValueError as e:                                     # 例如空字节 (null byte)
        kind = type(e).__name__
        raise ExpressionError(f'无法解析表达式 (cannot parse expression: {kind})') from None
    return _Evaluator(values, source, lead).visit(tree.body, 0)


def _check_brackets(source, lead):
    """括号 ( [ { 最多嵌套 MAX_DEPTH 层。Python 的词法分析器 (tokenizer) 到 200 层才报错，而且说法含糊。"""
    depth = deepest = 0
    first = None
    for i, ch in enumerate(source):
        if ch in '([{':
            depth += 1
            if depth > MAX_DEPTH and first is None:
                first = i
            deepest = max(deepest, depth)
        elif ch in ')]}':
            depth = max(depth - 1, 0)
    if first is not None:
        col = first + lead + 1
        raise ExpressionError(f'括号嵌套太深：{deepest} 层，最多 {MAX_DEPTH} 层（第 {col} 列） '
                              f'(parentheses nested too deeply: {deepest} levels, at most {MAX_DEPTH}, '
                              f'at column {col})')


class _Evaluator:
    """递归解释语法树；深度受 MAX_DEPTH 限制 (recursive interpreter, depth-limited)。"""

    def __init__(self, values, source, lead):
        self.values = values
        self.source = source
        self.encoded = source.encode('utf-8')      # ast 的列号 (col_offset) 按 UTF-8 字节计
        self.lead = lead

    def fail(self, node, zh, en):
        """抛出带位置的 ExpressionError；ast 的列号按 UTF-8 字节计，这里换算成字符 (characters)。"""
        col = len(self.encoded[:node.col_offset].decode('utf-8', 'ignore')) + self.lead + 1
        raise ExpressionError(f'{zh}（第 {col} 列） ({en} at column {col})')

    def visit(self, node, depth):
        return self.label(self.compute(node, depth), node)

    def label(self, value, node):
        """运算的结果以它的源文本作 label（不太长时）。表达式只有一行，所以按字节切出来就是源文本。"""
        if value._prev and not value.label:
            text = self.encoded[node.col_offset:node.end_col_offset].decode('utf-8')
            if len(text) <= MAX_LABEL:
                value.label = text
        return value

    def compute(self, node, depth):
        if depth > MAX_DEPTH:
            self.fail(node, f'运算或函数调用嵌套太深，最多 {MAX_DEPTH} 层',
                      f'operations or calls nested too deeply, at most {MAX_DEPTH} levels')
        depth += 1
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return self.chain(node, depth)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.visit(node.operand, depth)
            if isinstance(node.op, ast.UAdd):
                return operand
            if not operand._prev and not operand.label:     # 常数：-3 是一个数，不是 neg 节点
                return Value(-operand.data)
            return -operand
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            op = type(node.op).__name__
            self.fail(node, f'不支持的运算符 {op}', f'unsupported operator {op}')
        self.unsupported(node)

    def chain(self, node, depth):
        """a + b - c + ...：Python 把它解析成向左长的树 (((a + b) - c) + ...)。沿左边走到底，再从左往右
        迭代地算回来：平铺的长式子不算嵌套，也不会递归很深；只有每个右边的运算数 (right operand) 深一层。"""
        spine = []
        while isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            spine.append(node)
            node = node.left
        value = self.visit(node, depth)
        for parent in reversed(spine):
            value = self.label(self.binary(parent, value, self.visit(parent.right, depth)), parent)
        return value

    def binary(self, node, left, right):
        symbol, apply = _BINARY[type(node.op)]
        if symbol == '**' and abs(right.data) > MAX_EXPONENT:
            self.fail(node, f'指数太大：{right.data:g}，绝对值最多 {MAX_EXPONENT}',
                      f'exponent too large: {right.data:g}, |exponent| at most {MAX_EXPONENT}')
        if symbol == '**' and not right._prev and not right.label:
            return apply(left, right.data)      # 常数指数：一元的 x**n 节点
        return apply(left, right)

    def unsupported(self, node):
        zh, en = _SYNTAX_NAMES.get(type(node), ('不支持的语法', 'unsupported syntax'))
        kind = type(node).__name__
        self.fail(node, f'{zh} ({kind}) 不允许', f'{en} ({kind}) is not allowed')

    def constant(self, node):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(node, f'只能用数字，而不是 {type(value).__name__}',
                  f'only numbers are allowed, not {type(value).__name__}')
        try:
            return Value(float(value))
        except OverflowError:
            self.fail(node, '数字太大', 'number too large')

    def name(self, node):
        if node.id in FUNCTIONS:
            self.fail(node, f'函数 {node.id} 要带括号调用，如 {node.id}(x)',
                  f'function {node.id} must be called, e.g. {node.id}(x)')
        if node.id not in self.values:
            self.fail(node, f'未知的名字 {_snippet(node.id)}，请给出它的值',
                  f'unknown name {_snippet(node.id)}: give its value')
        return self.values[node.id]

    def call(self, node, depth):
        func = node.func
        names = ', '.join(FUNCTIONS)
        if not isinstance(func, ast.Name):
            if type(func) in _SYNTAX_NAMES:
                self.unsupported(func)
            self.fail(node, f'只能调用这些函数：{names}', f'only these functions can be called: {names}')
        if func.id not in FUNCTIONS:
            self.fail(node, f'未知的函数 {_snippet(func.id)}，可用的有 {names}',
                      f'unknown function {_snippet(func.id)}; known: {names}')
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            self.fail(node, f'函数 {func.id} 只取一个参数', f'function {func.id} takes exactly one argument')
        return FUNCTIONS[func.id](self.visit(node.args[0], depth))
