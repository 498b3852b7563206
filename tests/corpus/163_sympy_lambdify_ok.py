# source: https://discuss.d2l.ai/t/calculus/197 (sympy for the formula, torch for the numbers: lambdify with the torch functions)
# expect: none
# where: top
import sympy
import torch

s = sympy.symbols('x')
df = sympy.diff(s ** 3 - 1 / s, s)
df_t = sympy.lambdify(s, df, modules=[{'sin': torch.sin}, 'math'])
x = torch.tensor(1.0, requires_grad=True)
y = x ** 3 - 1 / x
y.backward()
abs(x.grad.item() - float(df.subs(s, 1))) < 1e-6
