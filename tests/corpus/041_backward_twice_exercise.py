# source: https://github.com/web-logs2/ReadNote (D2L 2.5 exercise 2, zh: "如果直接再执行一遍，会报运行时错误")
# expect: double-backward
# where: top
import torch

x = torch.arange(4.0)
x.requires_grad_(True)
y = torch.dot(x, x)
y.backward()
print(x.grad)
y.backward()
