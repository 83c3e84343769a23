"""micrograd_zh：给学习者的纯 Python 标量自动微分引擎 (a pure-Python scalar autograd engine for learners)。"""

from .autograd import grad
from .engine import Parameter, Value
from .conv import Conv2d, MaxPool2d
from .expr import ExpressionError, evaluate
from .graph import topological_order
from .layers import Dense, Flatten, Linear, ReLU, Sequential, Sigmoid, Softmax, Tanh, softmax
from .gradcheck import gradcheck
from .modes import detect_anomaly, is_grad_enabled, no_grad
from .nary import add_n, dot
from .netview import draw_network
from .nn import MLP, Layer, Module, Neuron
from .stepper import backward_steps, explain
from .train import fit, paused_gc
from .viz import draw_dot

__version__ = '0.1.0'
__all__ = ['Value', 'Parameter', 'no_grad', 'is_grad_enabled', 'detect_anomaly', 'grad', 'gradcheck', 'dot',
           'add_n', 'topological_order', 'Module', 'Neuron', 'Layer', 'MLP',
           'Sequential', 'Linear', 'Dense', 'Conv2d', 'MaxPool2d', 'Flatten', 'ReLU', 'Tanh', 'Sigmoid',
           'Softmax', 'softmax',
           'fit', 'paused_gc', 'draw_dot', 'draw_network', 'explain', 'backward_steps', 'evaluate', 'ExpressionError']
