# source: https://github.com/ngocdaobao/Butterflies-Classification/blob/main/test.py (acc = (pred == label).sum().item(): exact == on integer labels is right)
# expect: none
# where: function
import torch

def accuracy(logits, labels):
    pred = logits.argmax(1)
    return (pred == labels).sum().item() / len(labels)

logits = torch.tensor([[2.0, 0.1], [0.3, 0.9], [1.0, 1.5]], requires_grad=True)
labels = torch.tensor([0, 1, 0])
accuracy(logits, labels)
