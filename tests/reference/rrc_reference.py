#!/usr/bin/python3
"""torchvision 0.14's RandomResizedCrop, for MixupSharp's tests: run with Debian's /usr/bin/python3 (python3-torch 1.13,
python3-torchvision 0.14) to regenerate rrc-reference.json beside this script.

- "draws": for each image size, 4,000 crops (top, left, height, width) from RandomResizedCrop.get_params with the
  default scale (0.08, 1) and ratio (3/4, 4/3), seeded; the tests compare the distribution of area fractions and
  aspect ratios with ours by a two-sample Kolmogorov-Smirnov test (the streams differ, the distributions must not).
- "fallback": get_params with a scale no crop can meet (so the 10 tries fail): torchvision's centre-crop fallback.
- "resized": F.resized_crop (bilinear, tensors, no antialias: 0.14's default for tensors) of a fixed image for a few
  boxes, to compare our apply step's pixels.
"""
import json
import os
import sys

import torch
from torchvision.transforms import InterpolationMode, RandomResizedCrop
from torchvision.transforms import functional as F


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    draws = {}
    for h, w in [(32, 32), (256, 320), (40, 28)]:
        img = torch.zeros(3, h, w)
        draws[f"{h}x{w}"] = [list(RandomResizedCrop.get_params(img, [0.08, 1.0], [3 / 4, 4 / 3])) for _ in range(4000)]
    fallback = {}
    for h, w, ratio in [(32, 32, [3 / 4, 4 / 3]), (20, 60, [3 / 4, 4 / 3]), (60, 20, [3 / 4, 4 / 3]), (30, 31, [0.5, 2.0])]:
        img = torch.zeros(3, h, w)
        fallback[f"{h}x{w} {ratio[0]:.6f},{ratio[1]:.6f}"] = list(RandomResizedCrop.get_params(img, [5.0, 6.0], ratio))
    y = torch.arange(20.0).view(20, 1)
    x = torch.arange(24.0).view(1, 24)
    image = torch.stack([(x * 3 + y * 7) % 17 / 16, (x * y) % 13 / 12, ((x - y) % 11) / 10])
    resized = []
    for top, left, height, width in [(0, 0, 20, 24), (2, 3, 10, 15), (5, 1, 13, 7), (11, 19, 9, 5)]:
        out = F.resized_crop(image, top, left, height, width, [8, 8], interpolation=InterpolationMode.BILINEAR)
        resized.append({"box": [top, left, height, width], "output": out.flatten().tolist()})
    with open(os.path.join(out_dir, "rrc-reference.json"), "w") as f:
        json.dump({"torchvision": __import__("torchvision").__version__, "draws": draws, "fallback": fallback,
                   "image": image.flatten().tolist(), "image_shape": list(image.shape), "size": 8, "resized": resized}, f)


if __name__ == "__main__":
    main()
