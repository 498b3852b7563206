# source: https://github.com/PaddlePaddle/models/issues/1770 ("topk op has no backward, so the network is not updated"; the same in torch with argmax)
# expect: backward-no-grad-fn
# where: top
import torch

scores = torch.tensor([0.2, 0.9, 0.4], requires_grad=True)
choice = scores.argmax()
loss = (choice - 1.0) ** 2
loss.backward()
