# source: https://github.com/DeepReinforcementLearning/DeepReinforcementLearningInAction/issues/42 (Appendix A.4; adapted: the update without torch.no_grad())
# expect: inplace-on-leaf
# where: loop
import torch

def nn(x, w1, w2):
    l1 = torch.relu(x @ w1)
    return l1 @ w2

torch.manual_seed(0)
w1 = torch.randn(16, 8, requires_grad=True)
w2 = torch.randn(8, 3, requires_grad=True)
lossfn = torch.nn.CrossEntropyLoss()
lr = 1e-4
for i in range(3):
    x = torch.randn(5, 16)
    target = torch.randint(0, 3, (5,))
    loss = lossfn(nn(x, w1, w2), target)
    loss.backward()
    w1 -= lr * w1.grad
    w2 -= lr * w2.grad
