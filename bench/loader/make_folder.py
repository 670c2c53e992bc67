"""Writes the loader benchmark's folder: 2,000 JPEGs of 256×256 (quality 90) in 10 class folders, natural-ish content
(smooth gradients with seeded noise, so the JPEGs are neither trivial nor pure noise). Run with /usr/bin/python3."""
import os
import sys

import numpy as np
from PIL import Image

root = sys.argv[1]
rng = np.random.default_rng(0)
y, x = np.mgrid[0:256, 0:256] / 255.0
for i in range(2000):
    folder = os.path.join(root, "train", f"class{i % 10}")
    os.makedirs(folder, exist_ok=True)
    a, b, c = rng.random(3)
    base = np.stack([a * x + (1 - a) * y, b * y + (1 - b) * (1 - x), c * (x * y) + (1 - c) * 0.5], axis=-1)
    noise = rng.normal(0, 0.08, (256, 256, 3))
    pixels = np.clip((base + noise) * 255, 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(os.path.join(folder, f"{i}.jpg"), quality=90)
for c in range(10):
    folder = os.path.join(root, "test", f"class{c}")
    os.makedirs(folder, exist_ok=True)
    Image.fromarray(np.full((256, 256, 3), c * 20, np.uint8)).save(os.path.join(folder, "0.jpg"), quality=90)
print(f"wrote 2000 + 10 JPEGs under {root}")
