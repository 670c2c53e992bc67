"""Checks `./mixup export` against real PyTorch, both ways (used by PyTorchInteropTests; runnable by hand).

    /usr/bin/python3 interop/check_export.py MODEL CHANNELS SIZE CLASSES EXPORT.pt EXPORT.safetensors BATCH.pt OUT_DIR

BATCH.pt holds {"x": inputs, "logits": MixupSharp's logits}. Loads both exports into the equivalent module
(strict), prints the largest logit difference of each, then writes a PyTorch-initialized model's state dict
(OUT_DIR/from-pytorch.pt) and its logits on x (OUT_DIR/from-pytorch-logits.pt) for the way back.
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mixupsharp_models import build, load_safetensors  # noqa: E402


def main():
    name, channels, size, classes, pt, safetensors, batch, out = sys.argv[1:9]
    channels, size, classes = int(channels), int(size), int(classes)
    data = torch.load(batch)
    x, expected = data["x"], data["logits"]
    for label, state in (("pt", torch.load(pt)), ("safetensors", load_safetensors(safetensors))):
        model = build(name, channels, size, classes)
        model.load_state_dict(state, strict=True)
        model.eval()
        with torch.no_grad():
            logits = model(x)
        diff = (logits - expected).abs().max().item()
        same = (logits.argmax(1) == expected.argmax(1)).float().mean().item()
        print(f"{label} max-abs-diff {diff:.3e} same-argmax {same:.4f}")

    torch.manual_seed(0)
    theirs = build(name, channels, size, classes)
    theirs.eval()
    torch.save(theirs.state_dict(), os.path.join(out, "from-pytorch.pt"))
    with torch.no_grad():
        torch.save({"logits": theirs(x)}, os.path.join(out, "from-pytorch-logits.pt"))
    print("wrote from-pytorch.pt")


if __name__ == "__main__":
    main()
