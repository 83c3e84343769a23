"""最小的局部导数引擎 (a minimal local-gradient engine)：gpt.py 的对照基线 (baseline)，不是 micrograd_zh 的一部分。

只有 GPT 式模型要用的运算 (+ * ** exp log relu)。每个运算在前向时返回它对每个输入的局部导数
(local gradients)；backward() 用递归的拓扑排序 (recursive topological sort) 排好节点，
再做一遍链式法则。没有类型检查、没有 no_grad、没有画图：一个引擎最少要做的事。
"""

import math


class Value:
    __slots__ = ('data', 'grad', 'children', 'local_grads')

    def __init__(self, data, children=(), local_grads=()):
        self.data = data
        self.grad = 0.0
        self.children = children          # 输入节点 (inputs)
        self.local_grads = local_grads    # ∂self/∂child，与 children 一一对应

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def __pow__(self, k):                 # k 是数 (a number)
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def log(self):
        return Value(math.log(self.data), (self,), (1.0 / self.data,))

    def relu(self):
        x = self.data
        return Value(x if x > 0.0 else 0.0, (self,), (1.0 if x > 0.0 else 0.0,))

    def backward(self):
        order, seen = [], set()

        def visit(node):                  # 先排好所有输入，再排自己 (inputs first)
            if node not in seen:
                seen.add(node)
                for child in node.children:
                    visit(child)
                order.append(node)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node.children, node.local_grads):
                child.grad += local * node.grad
