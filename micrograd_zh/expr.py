"""命令行用的小表达式语言 (a tiny expression language for the command line).

    evaluate("tanh(x1*w1 + x2*w2 + b)", {"x1": 2, "w1": -3, ...})  ->  Value

语法 (grammar)：数字、由 variables 给出的名字、`+ - * / **`、一元负号 (unary minus)、括号，
以及函数 exp、log、tanh、relu、sigmoid、sin、cos、sqrt、abs（各取一个参数）。其他一切都抛出 ExpressionError。

安全 (safety)：用 `ast.parse` 只得到语法树 (syntax tree)，然后按白名单 (whitelist) 逐个节点
解释；从不调用 eval/exec，也从不编译成字节码 (bytecode)。输入长度、嵌套深度和指数大小都有上限，
所以再怪的输入也很快得到答案，不会卡住 (hang)。数值运算遵循引擎的定义域规则 (domain rule)：
越界得到 inf 或 nan，而不是报错。
"""

import ast
import warnings

from .checks import is_real
from .engine import Value

__all__ = ['evaluate', 'ExpressionError', 'FUNCTIONS', 'MAX_LENGTH', 'MAX_DEPTH', 'MAX_EXPONENT']

MAX_LENGTH = 1000      # 最多字符数 (characters)
MAX_DEPTH = 50         # 语法树最大嵌套深度 (nesting depth of the syntax tree)
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
    values = {}
    for name, value in dict(variables or {}).items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ExpressionError(f'变量名必须是标识符，而不是 {_snippet(str(name))} '
                                  f'(variable name must be an identifier, got {_snippet(str(name))})')
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
    except (ValueError, RecursionError, MemoryError) as e:    # 空字节 (null byte)、嵌套过深
        kind = type(e).__name__
        raise ExpressionError(f'无法解析表达式 (cannot parse expression: {kind})') from None
    return _Evaluator(values, source, lead).visit(tree.body, 0)


class _Evaluator:
    """递归解释语法树；深度受 MAX_DEPTH 限制 (recursive interpreter, depth-limited)。"""

    def __init__(self, values, source, lead):
        self.values = values
        self.source = source
        self.lead = lead

    def fail(self, node, zh, en):
        """抛出带位置的 ExpressionError；ast 的列号按 UTF-8 字节计，这里换算成字符 (characters)。"""
        col = len(self.source.encode('utf-8')[:node.col_offset].decode('utf-8', 'ignore')) + self.lead + 1
        raise ExpressionError(f'{zh}（第 {col} 列）({en} at column {col})')

    def visit(self, node, depth):
        value = self.compute(node, depth)
        if value._prev and not value.label:
            text = ast.get_source_segment(self.source, node) or ''
            if len(text) <= MAX_LABEL:
                value.label = text
        return value

    def compute(self, node, depth):
        if depth > MAX_DEPTH:
            self.fail(node, f'嵌套太深，最多 {MAX_DEPTH} 层', f'nested too deeply, at most {MAX_DEPTH} levels')
        depth += 1
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            symbol, apply = _BINARY[type(node.op)]
            left = self.visit(node.left, depth)
            right = self.visit(node.right, depth)
            if symbol == '**' and abs(right.data) > MAX_EXPONENT:
                self.fail(node, f'指数太大：{right.data:g}，绝对值最多 {MAX_EXPONENT}',
                      f'exponent too large: {right.data:g}, |exponent| at most {MAX_EXPONENT}')
            if symbol == '**' and not right._prev and not right.label:
                return apply(left, right.data)      # 常数指数：一元的 x**n 节点
            return apply(left, right)
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
