"""重新生成文档里的图 (regenerate the pictures in docs/)：python docs/make_pictures.py

用命令行画出 micrograd 课程里的那个神经元 (the lecture's neuron)，写到 docs/neuron.svg。
需要一个渲染器：pip install -e ".[viz]"（graphviz-pure）或系统的 Graphviz。
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

NEURON = ['draw', 'tanh(x1*w1 + x2*w2 + b)',
          '--set', 'x1=2', 'x2=0', 'w1=-3', 'w2=1', 'b=6.8813735870195432',
          '-o', os.path.join(HERE, 'neuron.svg')]


def main():
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    return subprocess.call([sys.executable, '-m', 'micrograd_zh'] + NEURON, env=env)


if __name__ == '__main__':
    sys.exit(main())
