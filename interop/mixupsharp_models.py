"""PyTorch equivalents of MixupSharp's built-in models, for weights exported with `./mixup export`.

Usage:

    import torch
    from mixupsharp_models import build
    model = build("seednet", channels=1, size=28, classes=10)
    model.load_state_dict(torch.load("runs/my-run/model.pt"))
    model.eval()

Inputs are normalized as the run was (config.json's "normalization": mean and std per channel). The module structure
and names match MixupSharp's exactly (stages stage0, stage1, ...), so `load_state_dict(..., strict=True)` checks every
tensor. Runs on Debian 12's python3-torch (1.13) and on newer PyTorch.
"""

import json
import struct

import torch
from torch import nn
import torch.nn.functional as F


class SeedNet(nn.Module):
    """conv32-pool, conv64-pool, fc1024, fc512, fc-classes (MixupSharp.Training.Models.SeedNet)."""

    def __init__(self, channels, size, classes):
        super().__init__()
        flat = 64 * (size // 4) * (size // 4)
        self.stage0 = nn.Sequential(nn.Conv2d(channels, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.stage1 = nn.Sequential(nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        self.stage2 = nn.Sequential(nn.Linear(flat, 1024), nn.ReLU(), nn.Linear(1024, 512), nn.ReLU(), nn.Linear(512, classes))

    def forward(self, x):
        return self.stage2(self.stage1(self.stage0(x)))


class PreActBlock(nn.Module):
    """Pre-activation residual block: BN-ReLU-conv3x3, BN-ReLU(-dropout)-conv3x3, plus a 1x1 shortcut when shapes change."""

    def __init__(self, in_planes, planes, stride, dropout=0.0):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.shortcut = nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False) if stride != 1 or in_planes != planes else None
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None

    def forward(self, x):
        pre = F.relu(self.bn1(x))
        shortcut = x if self.shortcut is None else self.shortcut(pre)
        h = F.relu(self.bn2(self.conv1(pre)))
        if self.dropout is not None:
            h = self.dropout(h)
        return self.conv2(h) + shortcut


class PreActHead(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels)
        self.linear = nn.Linear(channels, classes)

    def forward(self, x):
        return self.linear(F.adaptive_avg_pool2d(F.relu(self.bn(x)), 1).flatten(1))


class PreActResidualNet(nn.Module):
    """A stem conv, stages of PreActBlocks, a BN-ReLU-pool-linear head; each a stage as in MixupSharp."""

    def __init__(self, channels, classes, stem, stages, dropout=0.0):
        super().__init__()
        modules = [nn.Conv2d(channels, stem, 3, padding=1, bias=False)]
        in_planes = stem
        for planes, blocks, stride in stages:
            layer = []
            for b in range(blocks):
                layer.append(PreActBlock(in_planes, planes, stride if b == 0 else 1, dropout))
                in_planes = planes
            modules.append(nn.Sequential(*layer))
        modules.append(PreActHead(in_planes, classes))
        for i, module in enumerate(modules):
            self.add_module(f"stage{i}", module)
        self.count = len(modules)

    def forward(self, x):
        for i in range(self.count):
            x = getattr(self, f"stage{i}")(x)
        return x


def build(name, channels, size, classes, wide_depth=28, wide_widen=10):
    """The model named as in `./mixup train --model NAME`."""
    if name == "seednet":
        return SeedNet(channels, size, classes)
    if name == "preact-resnet18":
        return PreActResidualNet(channels, classes, 64, [(64, 2, 1), (128, 2, 2), (256, 2, 2), (512, 2, 2)])
    if name == "wide-resnet":
        n = (wide_depth - 4) // 6
        return PreActResidualNet(channels, classes, 16, [(16 * wide_widen, n, 1), (32 * wide_widen, n, 2), (64 * wide_widen, n, 2)])
    if name == "fast-resnet":
        return PreActResidualNet(channels, classes, 16, [(16, 1, 1), (32, 1, 2), (64, 1, 2)])
    raise ValueError(f"unknown model '{name}'; expected seednet, preact-resnet18, wide-resnet or fast-resnet")


_DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}


def load_safetensors(path):
    """A safetensors file as a state dict, without the `safetensors` package (Debian 12 has none): an 8-byte
    little-endian header length, a JSON header of dtype/shape/data_offsets per tensor, then the raw bytes."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = bytearray(data[8 + length:])
    state = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        if end > start:
            tensor = torch.frombuffer(body[start:end], dtype=dtype).clone()
        else:
            tensor = torch.empty(0, dtype=dtype)
        state[name] = tensor.reshape(info["shape"])
    return state
