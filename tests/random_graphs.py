"""随机表达式图 (random expression graphs) for the higher-order tests: every op, shared sub-expressions, Value exponents.

A plan is a list of (op, argument indices); indices point at the inputs or at earlier results, so results are
shared (used more than once). The same plan is built on micrograd_zh Values or on torch tensors. Arguments are
wrapped so every op stays inside its domain (log(a² + 0.5), a / (b² + 0.5), ...); the wrappers are ops too.
Seeded with random.Random(seed): the same seed gives the same graph on every run.
"""

import random

from micrograd_zh import add_n, dot

ARITY = {'neg': 1, 'exp': 1, 'log': 1, 'tanh': 1, 'sigmoid': 1, 'relu': 1, 'sin': 1, 'cos': 1, 'sqrt': 1,
         'abs': 1, 'pow2': 1, 'pow3': 1, 'pow_half': 1, 'pow_neg': 1, 'pow0': 1, 'rsub': 1, 'rtruediv': 1,
         'rpow': 1, 'mul_const': 1, '+': 2, '-': 2, '*': 2, '/': 2, '**': 2, 'add_n': 3, 'dot': 5}
KINKED = ('relu', 'abs')          # not smooth at 0: finite differences need their argument away from 0


def plan(seed, n_inputs=3, n_ops=10):
    rng = random.Random(seed)
    steps, n = [], n_inputs
    for _ in range(n_ops):
        op = rng.choice(sorted(ARITY))
        steps.append((op, [rng.randrange(n) for _ in range(ARITY[op])]))
        n += 1
    steps.append(('add_n', [n - 1, n - 2, n - 3]))          # the output uses the last three results
    return steps


def inputs(seed, n_inputs=3):
    rng = random.Random(seed + 10 ** 6)
    return [rng.uniform(-1.5, 1.5) for _ in range(n_inputs)]


def build(steps, leaves, torch=None):
    """Run the plan on leaves (Values, or torch tensors when torch is given); return (output, kink arguments)."""
    def call(name, v):
        return getattr(torch, name)(v) if torch else getattr(v, name)()

    nodes, kinks = list(leaves), []
    for op, args in steps:
        a = [nodes[i] for i in args]
        if op in KINKED:
            kinks.append(a[0])
        nodes.append(_apply(op, a, call, torch))
    return nodes[-1], kinks


def _apply(op, a, call, torch):
    x = a[0]
    table = {
        'neg': lambda: -x,
        'exp': lambda: call('exp', x * 0.5),
        'log': lambda: call('log', x * x + 0.5),
        'tanh': lambda: call('tanh', x),
        'sigmoid': lambda: call('sigmoid', x),
        'relu': lambda: call('relu', x),
        'sin': lambda: call('sin', x),
        'cos': lambda: call('cos', x),
        'sqrt': lambda: call('sqrt', x * x + 0.25),
        'abs': lambda: call('abs', x),
        'pow2': lambda: x ** 2,
        'pow3': lambda: x ** 3,
        'pow_half': lambda: (x * x + 0.5) ** 0.5,
        'pow_neg': lambda: (x * x + 0.5) ** -1.5,
        'pow0': lambda: x ** 0 + x,
        'rsub': lambda: 1.0 - x,
        'rtruediv': lambda: 2.0 / (x * x + 1.0),
        'rpow': lambda: 1.5 ** call('tanh', x),
        'mul_const': lambda: x * 0.7,
        '+': lambda: x + a[1],
        '-': lambda: x - a[1],
        '*': lambda: x * a[1],
        '/': lambda: x / (a[1] * a[1] + 0.5),
        '**': lambda: (x * x + 0.5) ** call('tanh', a[1]),                  # a Value exponent
        'add_n': lambda: (a[0] + a[1] + a[2]) if torch else add_n(a),
        'dot': lambda: (a[0] * a[2] + a[1] * a[3] + a[4]) if torch else dot(a[:2], a[2:4], a[4]),
    }
    return table[op]()
