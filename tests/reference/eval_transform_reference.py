#!/usr/bin/python3
"""torchvision 0.14's evaluation transform, Resize(floor(S / crop_pct)) then CenterCrop(S) (timm's and torchvision's
classification references), for MixupSharp's tests: run with Debian's /usr/bin/python3 to regenerate
eval-transform-reference.json beside this script. Bilinear, tensors, no antialias (0.14's default for tensors)."""
import json
import math
import os
import sys

import torch
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    cases = []
    for h, w, size, crop_pct in [(20, 24, 8, 0.875), (24, 20, 8, 0.875), (30, 30, 16, 1.0), (17, 40, 10, 0.9)]:
        y = torch.arange(float(h)).view(h, 1)
        x = torch.arange(float(w)).view(1, w)
        image = torch.stack([(x * 3 + y * 7) % 17 / 16, (x * y) % 13 / 12, ((x - y) % 11) / 10])
        resized = F.resize(image, [math.floor(size / crop_pct)], interpolation=InterpolationMode.BILINEAR)
        out = F.center_crop(resized, [size, size])
        cases.append({"shape": [3, h, w], "size": size, "crop_pct": crop_pct, "image": image.flatten().tolist(),
                      "resized_shape": list(resized.shape), "output": out.flatten().tolist()})
    with open(os.path.join(out_dir, "eval-transform-reference.json"), "w") as f:
        json.dump({"cases": cases}, f)


if __name__ == "__main__":
    main()
