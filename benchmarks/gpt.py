"""gpt：一个小小的字符级 transformer (a tiny character-level transformer)，micrograd_zh 对比最小的局部导数引擎。

    python benchmarks/gpt.py                   # 默认 5 轮；每个进程热身 1 步，计时 10 步
    python benchmarks/gpt.py --quick           # 冒烟测试 (smoke run)

模型只用 + * ** exp log relu 这几个二元/一元运算搭成，同一份代码跑在两个引擎上：
  词嵌入 + 位置嵌入 (token + position embeddings) → RMSNorm → 一个注意力头 (one attention head,
  因果 causal，softmax 由 exp 和求和做成) → 残差 (residual) → RMSNorm → MLP (ReLU) → 残差 → 输出层
  → 交叉熵 (cross-entropy，log-sum-exp)。嵌入维度 16，上下文 8 个字符，MLP 隐藏层 64，
  每步一段 9 个字符的文本（8 次预测），每步约 6 万个节点。
基线 (baseline) 是 benchmarks/localgrad.py（约 40 行：__slots__、每个运算返回局部导数、递归拓扑排序）。
两个引擎用同一组初始权重、同样的文本片段，每步的损失应当一致，脚本打印最大差。
"""

import random
import sys

import _timing as T
import localgrad

TEXT = ('gradients flow backwards through the graph. every edge keeps its local slope, and the chain rule '
        'multiplies them on the way back. a learner can follow each number by hand, then let the loop do it. '
        'small models train in seconds when the engine does little work per node.')
VOCAB = sorted(set(TEXT))
D, CONTEXT, HIDDEN = 16, 8, 64                    # 嵌入维度、上下文长度、MLP 隐藏层宽度
LR = 0.05
BASELINE = 'localgrad baseline'


def init_weights(seed=0):
    """{名字: 矩阵 (list of rows of floats)}：N(0, 0.3²)，由 seed 决定。"""
    rng = random.Random(seed)

    def matrix(rows, cols):
        return [[rng.gauss(0.0, 0.3) for _ in range(cols)] for _ in range(rows)]
    return {'wte': matrix(len(VOCAB), D), 'wpe': matrix(CONTEXT, D),
            'wq': matrix(D, D), 'wk': matrix(D, D), 'wv': matrix(D, D), 'wo': matrix(D, D),
            'w1': matrix(HIDDEN, D), 'w2': matrix(D, HIDDEN), 'head': matrix(len(VOCAB), D)}


def windows(count):
    """第 k 步用的字符片段 (token ids)：CONTEXT + 1 个字符，起点每步后移 7 个字符。"""
    ids = [VOCAB.index(c) for c in TEXT]
    span = len(ids) - CONTEXT - 1
    return [ids[(7 * k) % span:(7 * k) % span + CONTEXT + 1] for k in range(count)]


# ---------------------------------------------------------------- 模型：只用 + * ** exp log relu
def total(xs):
    """xs[0] + xs[1] + …，一串二元加法 (binary additions)，不引入常数 0。"""
    s = xs[0]
    for x in xs[1:]:
        s = s + x
    return s


def linear(W, x):
    return [total([w * xi for w, xi in zip(row, x)]) for row in W]


def rmsnorm(x):
    scale = (total([xi * xi for xi in x]) * (1.0 / len(x)) + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def softmax(scores):
    """exp 和求和做的 softmax；先减去最大值（当作常数）免得 exp 溢出。"""
    m = max(s.data for s in scores)
    exps = [(s + -m).exp() for s in scores]
    inverse = total(exps) ** -1
    return [e * inverse for e in exps]


def sequence_loss(P, tokens):
    """用 tokens[:t+1] 预测 tokens[t+1]，t = 0 … len-2；返回平均交叉熵 (mean cross-entropy)。"""
    keys, values, losses = [], [], []
    for t in range(len(tokens) - 1):
        x = [a + b for a, b in zip(P['wte'][tokens[t]], P['wpe'][t])]
        h = rmsnorm(x)
        q, k, v = linear(P['wq'], h), linear(P['wk'], h), linear(P['wv'], h)
        keys.append(k)
        values.append(v)
        att = softmax([total([qi * ki for qi, ki in zip(q, ks)]) * D ** -0.5 for ks in keys])
        mixed = [total([a * vs[i] for a, vs in zip(att, values)]) for i in range(D)]
        x = [a + b for a, b in zip(x, linear(P['wo'], mixed))]
        h = [u.relu() for u in linear(P['w1'], rmsnorm(x))]
        x = [a + b for a, b in zip(x, linear(P['w2'], h))]
        logits = linear(P['head'], x)
        m = max(z.data for z in logits)
        log_sum_exp = total([(z + -m).exp() for z in logits]).log() + m
        losses.append(log_sum_exp + logits[tokens[t + 1]] * -1.0)
    return total(losses) * (1.0 / len(losses))


def value_class(engine):
    if engine == T.OURS:
        from micrograd_zh import Value
        return Value
    return localgrad.Value


def build(Value, weights):
    """把权重包成引擎的 Value：返回 (P, 参数列表)。"""
    P = {name: [[Value(x) for x in row] for row in rows] for name, rows in weights.items()}
    return P, [p for rows in P.values() for row in rows for p in row]


def make_step(engine, data):
    """step(k)：引擎 engine 在第 k 个文本片段上的一步训练 (SGD)，返回损失。"""
    P, params = build(value_class(engine), data['weights'])
    batches = data['windows']

    def step(k):
        loss = sequence_loss(P, batches[k])
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data
    return step


def payload(steps):
    return {'weights': init_weights(), 'windows': windows(steps)}


def worker(spec, data):
    return T.train(make_step(spec['engine'], data), spec['warmup'], spec['steps'], spec['gc'])


def graph_size(data):
    from micrograd_zh import Value, topological_order
    P, params = build(Value, data['weights'])
    order = topological_order(sequence_loss(P, data['windows'][0]))
    interior = [v for v in order if v._prev]
    return len(order), len(interior), sum(len(v._prev) for v in interior), len(params)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = T.parser('gpt：字符级 transformer 的一步训练 (one training step of a tiny character-level transformer)',
                 rounds=5)
    p.add_argument('--steps', type=int, default=10, help='每个进程计时的步数 (timed steps per process)，默认 10')
    args = p.parse_args(argv)
    warmup = 1
    if args.quick:
        args.rounds, args.steps, warmup = 1, 1, 0
    T.header(f'gpt: 字符级 transformer (character-level transformer), d={D}, context={CONTEXT}, '
             f'mlp={HIDDEN}, vocab={len(VOCAB)}', argv)
    data = payload(warmup + args.steps)
    nodes, interior, edges, n_params = graph_size(data)
    T.say(f'  {n_params} 个参数 (parameters)；一步的图 (graph per step): {nodes} 个节点 (nodes)，其中 {interior} 个'
          f'是运算 (ops)，{edges} 条边 (edges)；每个进程热身 {warmup} 步，计时 {args.steps} 步')
    engines = [(T.OURS, T.OURS), ('localgrad', BASELINE)]
    specs = [{'engine': e, 'gc': g, 'warmup': warmup, 'steps': args.steps}
             for e, _ in engines for g in T.gc_modes(args)]
    results = T.alternate(__file__, specs, args.rounds, data)

    report = T.Report('gpt', args.quick)
    medians = {}
    for spec, rs in zip(specs, results):
        name = dict(engines)[spec['engine']]
        medians[spec['engine'], spec['gc']] = report.step_rows('gpt step', name, spec, rs, 'ms', 1e3)
    losses = [r['losses'] for rs in results for r in rs]
    T.say('  各步的损失 (loss per step): ' + ', '.join(f'{x:.12f}' for x in losses[0]))
    worst = T.max_difference(losses)
    T.say(f'  两个引擎、所有进程的损失最大差 (max loss difference, both engines, all processes): {worst:.2e}')
    report.goal('same losses on both engines (max difference < 1e-9)', f'{worst:.1e}', worst < 1e-9)
    same = [m for m in T.gc_modes(args) if (T.OURS, m) in medians and ('localgrad', m) in medians]
    if same:
        text = '; '.join(f"both {T.gc_label(m)}: {T.ratio_text(medians['localgrad', m], medians[T.OURS, m])}"
                         for m in same)
        first = same[0]
        report.goal(f'gpt step ≥ 1.5x faster than the localgrad baseline (both {T.gc_label(first)})', text,
                    T.ratio(medians['localgrad', first], medians[T.OURS, first]) >= 1.5, timing=True)
    report.print()
    return 0


if __name__ == '__main__':
    if not T.worker_main(worker):
        sys.exit(main())
