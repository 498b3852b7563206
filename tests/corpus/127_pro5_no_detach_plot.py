# source: public learner script (code search: "def pro_5(): x=tf.linspace(0,20.0,500); x.requires_grad_(True); y=tf.sin(x); y.sum().backward(); plt.plot(x.detach(),y.detach()"; adapted: the derivative curve passes x itself)
# expect: numpy-on-requires-grad
# where: function
import numpy as np
import torch as tf

def pro_5():
    x = tf.linspace(0, 20.0, 500)
    x.requires_grad_(True)
    y = tf.sin(x)
    y.sum().backward()
    return np.array(x), np.array(x.grad)

pro_5()
