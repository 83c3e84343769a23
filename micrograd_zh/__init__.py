"""micrograd_zh：给学习者的纯 Python 标量自动微分引擎 (a pure-Python scalar autograd engine for learners)。"""

from .engine import Value, add_n, dot, gradcheck, is_grad_enabled, no_grad, topological_order
from .engine import detect_anomaly
from .nn import MLP, Layer, Module, Neuron

__version__ = '0.1.0'
__all__ = ['Value', 'no_grad', 'is_grad_enabled', 'gradcheck', 'dot', 'add_n', 'topological_order',
           'Module', 'Neuron', 'Layer', 'MLP']
__all__ += ['detect_anomaly']
