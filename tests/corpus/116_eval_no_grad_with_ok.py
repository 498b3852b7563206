# source: https://github.com/inst-mmismin/Wanted10AIChallenge/blob/main/2nd/구조화/utils/tools.py (evaluate with torch.no_grad(), correct += ... .item())
# expect: none
# where: function
import torch

def evaluate(w, batches):
    correct = 0
    total = 0
    with torch.no_grad():
        for x, labels in batches:
            outputs = x @ w
            predicted = outputs.argmax(1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total

torch.manual_seed(0)
w = torch.randn(4, 3, requires_grad=True)
batches = [(torch.randn(5, 4), torch.randint(0, 3, (5,))) for _ in range(2)]
evaluate(w, batches)
