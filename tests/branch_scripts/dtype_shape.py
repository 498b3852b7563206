"""Branch scripts for tutor/hints/rules/dtype_shape.py: integer tensors asked for gradients, product shapes,
mixed dtypes (also inside nn.Linear layers)."""

SCRIPTS = [
    # --- int-requires-grad -----------------------------------------------------------------------
    # an nn.Parameter made from torch.arange(3) (ints): made with floats in the learner's line
    "import torch\nfrom torch import nn\nw = nn.Parameter(torch.arange(3))\n",
    # the old Variable API of pre-0.4 tutorials, on a tensor of ints
    "import torch\nfrom torch.autograd import Variable\ndata = torch.tensor([1, 2, 3])\n"
    "x = Variable(data, requires_grad=True)\n",
    # an int tensor made by reshape (not a factory call): x.float()
    "import torch\nx = torch.arange(4).reshape(2, 2)\nx.requires_grad_(True)\n",
    # .requires_grad = True on ints that came from NumPy
    "import torch\nimport numpy as np\nx = torch.from_numpy(np.array([1, 2, 3]))\nx.requires_grad = True\n",
    # --- dot-matmul-shapes -----------------------------------------------------------------------
    # the .mm method with inner sizes that differ
    "import torch\nX = torch.randn(4, 3)\nw = torch.randn(4, 1, requires_grad=True)\ny = X.mm(w)\n",
    # D2L 3.2's linreg with w of the wrong size: the helper's locals
    "import torch\ndef linreg(X, w, b):\n    return torch.matmul(X, w) + b\n"
    "X = torch.randn(10, 2)\nw = torch.normal(0, 0.01, size=(3, 1), requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
    "y_hat = linreg(X, w, b)\n",
    # an operand the tutor does not evaluate (random numbers): shapes not told
    "import torch\nX = torch.randn(4, 3)\ny = X @ torch.normal(0, 1, (4, 1))\n",
    # torch.dot on vectors of different lengths
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = torch.ones(3)\ntorch.dot(x, y)\n",
    # nn.Linear given the wrong number of features
    "import torch\nfrom torch import nn\nnet = nn.Linear(3, 1)\nX = torch.randn(2, 4)\nnet(X)\n",
    # an nn.Sequential whose first layer expects 4 features, in a loss expression
    "import torch\nfrom torch import nn\nnet = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))\n"
    "X = torch.randn(10, 3)\nloss = ((net(X) - 1) ** 2).mean()\n",
    # --- mixed-dtype-op --------------------------------------------------------------------------
    # ints into linreg: the cast in the helper
    "import torch\ndef linreg(X, w, b):\n    return torch.matmul(X, w) + b\n"
    "X = torch.tensor([[1, 2], [3, 4]])\nw = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)\n"
    "b = torch.zeros(1, requires_grad=True)\ny_hat = linreg(X, w, b)\n",
    # ints @ a random operand: the known int side is the odd one
    "import torch\nX = torch.tensor([[1, 2], [3, 4]])\ny = X @ torch.normal(0, 1, (2, 1))\n",
    # float64 NumPy data into nn.Linear (float32 weights)
    "import torch\nimport numpy as np\nfrom torch import nn\nnet = nn.Linear(2, 1)\n"
    "features = torch.from_numpy(np.random.rand(5, 2))\nnet(features)\n",
    # the same through a custom module's forward: self.fc is read from the module's table
    "import torch\nimport numpy as np\nfrom torch import nn\n"
    "class LinearRegression(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.fc = nn.Linear(2, 1)\n    def forward(self, x):\n        return self.fc(x)\n"
    "model = LinearRegression()\nX = torch.tensor(np.random.rand(5, 2))\nmodel(X)\n",
    # a NumPy float64 matrix @ a float32 vector
    "import torch\nimport numpy as np\nA = torch.tensor(np.eye(2))\nx = torch.ones(2, requires_grad=True)\nA @ x\n",
    # the layer's call inside torch.relu(...): the one-argument torch call is not a layer
    "import torch\nfrom torch import nn\nnet = nn.Linear(3, 1)\nX = torch.randn(2, 4)\ny_hat = torch.relu(net(X))\n",
    # the layer given a random input the tutor does not evaluate
    "import torch\nfrom torch import nn\nnet = nn.Linear(3, 1)\nnet(torch.randn(2, 4))\n",
    # random ints @ random floats: neither side known
    "import torch\ny = torch.randint(0, 5, (2, 2)) @ torch.randn(2, 1)\n",
]
