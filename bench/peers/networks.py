"""The benchmark's networks in PyTorch, one per case of `GraphGen.Bench quick` and of the .NET peers
(bench/peers/GraphGen.Peers/PeerCases.cs builds the same ones in TorchSharp): the PyTorch peer
(mlp_torch.py) trains and runs them, and export_onnx.py writes them as ONNX for ONNX Runtime.

Each case: name (as GraphGen's quick table spells it), the file stem of its ONNX model, batch,
the shape of one sample, the number of classes, and a constructor. The shapes and layers mirror
bench/GraphGen.Bench/Networks (and examples/LeNet, examples/FashionResNet, examples/CharTransformer).
"""
import math
from collections import namedtuple

import torch

Case = namedtuple("Case", "name stem batch sample_shape classes build")


def mlp(widths):
    """Dense layers with ReLU between them, logits out (GraphGen.Bench's Mlp* networks)."""
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def lenet5():
    """LeNet-5 as GraphGen's examples/LeNet: conv 1→6 5×5 pad 2, max pool 2, conv 6→16 5×5, max pool 2, dense 400→120→84→10, ReLU."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))


class Block(torch.nn.Module):
    """conv-BN-ReLU-conv-BN added to the input, then ReLU (examples/FashionResNet's block)."""

    def __init__(self, channels):
        super().__init__()
        self.f = torch.nn.Sequential(
            torch.nn.Conv2d(channels, channels, 3, padding=1, bias=False), torch.nn.BatchNorm2d(channels), torch.nn.ReLU(),
            torch.nn.Conv2d(channels, channels, 3, padding=1, bias=False), torch.nn.BatchNorm2d(channels))

    def forward(self, h):
        return torch.relu(h + self.f(h))


def residual_net(in_channels, width):
    """Stem (in → width, 3×3, BN, ReLU), max pool, a width-channel block, a stride-2 conv to 2·width (BN, ReLU),
    a 2·width block, GAP, linear to 10: GraphGen's examples/FashionResNet (1, 16) and BenchResNet64 (3, 64)."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(in_channels, width, 3, padding=1, bias=False), torch.nn.BatchNorm2d(width), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        Block(width),
        torch.nn.Conv2d(width, 2 * width, 3, stride=2, padding=1, bias=False), torch.nn.BatchNorm2d(2 * width), torch.nn.ReLU(),
        Block(2 * width),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(2 * width, 10))


# examples/CharTransformer's TinyGpt: context 64, width 128, 4 heads, 2 layers, 96 symbols.
GPT_CONTEXT, GPT_WIDTH, GPT_HEADS, GPT_LAYERS, GPT_VOCABULARY = 64, 128, 4, 2, 96


class GptBlock(torch.nn.Module):
    """Pre-norm block: x + proj(causal attention(LN(x))), then x + down(GELU(up(LN(x)))) (exact GELU, as GraphGen's)."""

    def __init__(self):
        super().__init__()
        w = GPT_WIDTH
        self.ln1, self.ln2 = torch.nn.LayerNorm(w), torch.nn.LayerNorm(w)
        self.query, self.key, self.value, self.proj = (torch.nn.Linear(w, w) for _ in range(4))
        self.up, self.down = torch.nn.Linear(w, 4 * w), torch.nn.Linear(4 * w, w)
        self.register_buffer("mask", torch.full((GPT_CONTEXT, GPT_CONTEXT), float("-inf")).triu(1), persistent=False)

    def split(self, h):
        b, t, _ = h.shape
        return h.view(b, t, GPT_HEADS, GPT_WIDTH // GPT_HEADS).transpose(1, 2)  # [b, heads, t, head size]

    def forward(self, x):
        n = self.ln1(x)
        q, k, v = self.split(self.query(n)), self.split(self.key(n)), self.split(self.value(n))
        scores = q @ k.transpose(-2, -1) * (1 / math.sqrt(GPT_WIDTH // GPT_HEADS)) + self.mask
        attended = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(x.shape)
        x = x + self.proj(attended)
        return x + self.down(torch.nn.functional.gelu(self.up(self.ln2(x))))


class TinyGpt(torch.nn.Module):
    """Token and learned position embeddings, GPT_LAYERS blocks, final LayerNorm, a linear head: logits [b, t, vocabulary]."""

    def __init__(self):
        super().__init__()
        self.tokens = torch.nn.Embedding(GPT_VOCABULARY, GPT_WIDTH)
        self.positions = torch.nn.Parameter(torch.randn(GPT_CONTEXT, GPT_WIDTH) * 0.02)
        self.blocks = torch.nn.Sequential(*(GptBlock() for _ in range(GPT_LAYERS)))
        self.final = torch.nn.LayerNorm(GPT_WIDTH)
        self.head = torch.nn.Linear(GPT_WIDTH, GPT_VOCABULARY)

    def forward(self, ids):
        return self.head(self.final(self.blocks(self.tokens(ids) + self.positions)))


CASES = [
    Case("64-32-10 b32", "mlp-64-32-10", 32, (64,), 10, lambda: mlp([64, 32, 10])),
    Case("784-128-10 b64", "mlp-784-128-10", 64, (784,), 10, lambda: mlp([784, 128, 10])),
    Case("784-256-128-10 b128", "mlp-784-256-128-10", 128, (784,), 10, lambda: mlp([784, 256, 128, 10])),
    Case("1024-1024-1024-10 b256", "mlp-1024-1024-1024-10", 256, (1024,), 10, lambda: mlp([1024, 1024, 1024, 10])),
    Case("lenet-5 b64", "lenet-5", 64, (1, 28, 28), 10, lenet5),
    Case("resnet-fashion b64", "resnet-fashion", 64, (1, 28, 28), 10, lambda: residual_net(1, 16)),
    Case("resnet64 b32", "resnet64", 32, (3, 32, 32), 10, lambda: residual_net(3, 64)),
    # Sequence case: integer token ids in, logits per position out, labels per position.
    Case("tiny-gpt b32", "tiny-gpt", 32, (GPT_CONTEXT,), GPT_VOCABULARY, TinyGpt),
]


def is_sequence(case):
    """True for the token-id cases (input int64 ids, one label per position)."""
    return case.stem == "tiny-gpt"


def sample_batch(case, batch=None, seed=0):
    """Inputs and labels for timing: uniform in [-0.5, 0.5) (GraphGen's quick table), or token ids for the sequence case."""
    generator = torch.Generator().manual_seed(seed)
    batch = batch or case.batch
    if is_sequence(case):
        x = torch.randint(0, case.classes, (batch, *case.sample_shape), generator=generator)
        y = torch.randint(0, case.classes, (batch, *case.sample_shape), generator=generator)
    else:
        x = torch.rand(batch, *case.sample_shape, generator=generator) - 0.5
        y = torch.randint(0, case.classes, (batch,), generator=generator)
    return x, y


def loss(case, logits, y):
    """Mean softmax cross-entropy, over every position for the sequence case."""
    return torch.nn.functional.cross_entropy(logits.reshape(-1, case.classes), y.reshape(-1))
