#!/usr/bin/python3
"""Reference outputs of torchvision 0.14's policy operations, for MixupSharp's tests (issue 16).

Run with Debian 12's interpreter (python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 tests/reference/policy_reference.py [OUTPUT_DIR]

It writes, next to this script by default:
  policy-ops.json      the manifest: the inputs, and for every case (operation, magnitude, interpolation, input
                       type) where its output lies in policy-ops.bin.gz
  policy-ops.bin.gz    float32 little-endian arrays (gzip): the inputs and torchvision's outputs
  policy-tables.json   torchvision's magnitude tables (RandAugment, TrivialAugmentWide, AutoAugment, AugMix) and the
                       AutoAugment policies

The inputs are uint8 images (so torchvision's uint8-only operations, Posterize and Equalize, can run); each case is
computed by torchvision on the uint8 images and, where torchvision accepts floating images, on the same images / 255.
MixupSharp's tests run its float operations on images / 255 and compare. The off-grid cases (appended last) run on
floats between the 8-bit levels.

torchvision's float results of bilinear warps and Sharpness differ in their last bits between processors (the files
were written on an AVX-512 machine; an AMD AVX2 one gives 989 of 250,624 floats one float32 step apart); the tests'
tolerances cover that, and the committed cases were kept as first written when the off-grid ones were appended.
"""
import gzip
import json
import math
import os
import sys

import torch
import torchvision
from torchvision.transforms import InterpolationMode
from torchvision.transforms import autoaugment as aa
from torchvision.transforms import functional as F

UINT8_ONLY = {"Posterize", "Equalize"}

# Operations that act on 8-bit levels; they are also checked on floats off the 8-bit grid (what a blend or a bilinear
# warp earlier in a chain leaves): torchvision's uint8-only ones on round(255 x), the others on the floats as they are.
OFFGRID = [("Posterize", [2.0, 4.0]), ("Equalize", [0.0]), ("Solarize", [64.0, 128.0]), ("AutoContrast", [0.0])]


def offgrid(batch):
    """The uint8 images / 255, each pixel moved by 0.05 to 0.4 of a level up or down (a fixed pattern), kept in [0, 1]."""
    k = torch.arange(batch.numel()).view(batch.shape)
    delta = (0.05 + 0.35 * ((k * 37) % 8) / 7.0) * torch.where(k % 2 == 0, 1.0, -1.0)
    return ((batch.to(torch.float64) + delta) / 255.0).clamp(0, 1).to(torch.float32)


def inputs():
    """Three RGB and two grey 16x16 images with full-range, low-contrast and constant channels."""
    y = torch.arange(16).view(16, 1).expand(16, 16)
    x = torch.arange(16).view(1, 16).expand(16, 16)
    rgb = torch.stack([
        torch.stack([(17 * x + 3 * y) % 256, (7 * x * y + 11) % 256, (255 - 16 * y + x) % 256]),
        torch.stack([90 + (x * y) % 61, 100 + (3 * x + 5 * y) % 41, 120 + (x ^ y) % 16]),
        torch.stack([(29 * x + 31 * y * y) % 256, torch.full_like(x, 77), (13 * x * x + 7 * y) % 256]),
    ]).to(torch.uint8)
    grey = torch.stack([
        ((11 * x + 23 * y + x * y) % 256).unsqueeze(0),
        (60 + (5 * x + 2 * y) % 50).unsqueeze(0),
    ]).to(torch.uint8)
    return rgb, grey


def cases():
    nearest, bilinear = "nearest", "bilinear"
    out = []
    for op, mags in [("ShearX", [0.1, -0.27, 0.3]), ("ShearY", [0.1, -0.27, 0.3]),
                     ("TranslateX", [3.0, -5.0, 7.9]), ("TranslateY", [3.0, -5.0, 7.9]),
                     ("Rotate", [10.0, -25.0, 30.0, 90.0, -135.0])]:
        out += [(op, m, nearest) for m in mags]
    out += [("ShearX", -0.2, bilinear), ("ShearY", 0.25, bilinear), ("Rotate", 17.0, bilinear), ("TranslateX", 4.0, bilinear)]
    for op, mags in [("Brightness", [-0.5, 0.3, 0.99]), ("Color", [-0.6, 0.5, 0.99]), ("Contrast", [-0.6, 0.5, 0.99]),
                     ("Sharpness", [-0.7, 0.5, 0.99]), ("Posterize", [1.0, 2.0, 4.0, 6.0, 8.0]),
                     ("Solarize", [0.0, 64.0, 128.0, 200.0, 255.0]),
                     ("AutoContrast", [0.0]), ("Equalize", [0.0]), ("Invert", [0.0]), ("Identity", [0.0])]:
        out += [(op, m, nearest) for m in mags]
    return out


def apply(img, op, magnitude, interpolation):
    mode = InterpolationMode.NEAREST if interpolation == "nearest" else InterpolationMode.BILINEAR
    if op == "Solarize" and img.is_floating_point():
        magnitude = magnitude / 255.0  # torchvision's table is on the 0..255 scale; a float image needs it scaled
    return aa._apply_op(img, op, magnitude, interpolation=mode, fill=None)


def tables():
    t = {}
    for h, w in [(32, 32), (28, 28), (24, 40)]:
        t[f"randaugment-31-{h}x{w}"] = space(aa.RandAugment()._augmentation_space(31, (h, w)))
        t[f"autoaugment-10-{h}x{w}"] = space(aa.AutoAugment()._augmentation_space(10, (h, w)))
        t[f"augmix-10-{h}x{w}"] = space(aa.AugMix()._augmentation_space(10, (h, w)))
        t[f"augmix-10-{h}x{w}-basic"] = space(aa.AugMix(all_ops=False)._augmentation_space(10, (h, w)))
    t["randaugment-11-32x32"] = space(aa.RandAugment()._augmentation_space(11, (32, 32)))
    t["trivialaugmentwide-31"] = space(aa.TrivialAugmentWide()._augmentation_space(31))
    t["trivialaugmentwide-11"] = space(aa.TrivialAugmentWide()._augmentation_space(11))
    policies = {}
    for p in aa.AutoAugmentPolicy:
        policies[p.value] = [[[name, prob, mag] for name, prob, mag in sub] for sub in aa.AutoAugment(p).policies]
    return {"torchvision": torchvision.__version__, "spaces": t, "autoaugment_policies": policies}


def space(s):
    # Op order is torchvision's (a dict's insertion order): the uniform op draw indexes it.
    return [{"op": name, "signed": bool(signed),
             "magnitudes": [float(v) for v in (mags.tolist() if mags.ndim > 0 else [])]}
            for name, (mags, signed) in s.items()]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rgb, grey = inputs()
    blob = []
    offset = 0

    def put(t):
        nonlocal offset
        a = t.to(torch.float32).contiguous().view(-1)
        blob.append(a)
        start = offset
        offset += a.numel()
        return {"offset": start, "shape": list(t.shape)}

    manifest = {"torchvision": torchvision.__version__, "torch": torch.__version__,
                "inputs": {"rgb": put(rgb), "grey": put(grey)}, "cases": []}
    for op, magnitude, interpolation in cases():
        for kind in ["uint8", "float"]:
            if kind == "float" and op in UINT8_ONLY:
                continue
            case = {"op": op, "magnitude": magnitude, "interpolation": interpolation, "input": kind}
            for name, batch in [("rgb", rgb), ("grey", grey)]:
                x = batch if kind == "uint8" else batch.to(torch.float32) / 255.0
                # The per-image path (torchvision's policies call _apply_op on one image, or a batch sharing one draw).
                y = torch.stack([apply(img, op, magnitude, interpolation) for img in x])
                case[name] = put(y)
            manifest["cases"].append(case)
    # Appended after the cases above, so their offsets (and bytes) stay as they were.
    rgb_off, grey_off = offgrid(rgb), offgrid(grey)
    manifest["inputs"]["rgb_offgrid"] = put(rgb_off)
    manifest["inputs"]["grey_offgrid"] = put(grey_off)
    for op, mags in OFFGRID:
        for magnitude in mags:
            case = {"op": op, "magnitude": magnitude, "interpolation": "nearest", "input": "offgrid"}
            for name, x in [("rgb", rgb_off), ("grey", grey_off)]:
                if op in UINT8_ONLY:
                    levels = (x * 255.0).round().to(torch.uint8)
                    y = torch.stack([apply(img, op, magnitude, "nearest") for img in levels]).to(torch.float32) / 255.0
                else:
                    y = torch.stack([apply(img, op, magnitude, "nearest") for img in x])
                case[name] = put(y)
            manifest["cases"].append(case)
    # mtime=0: the same inputs give the same bytes, so a regeneration shows as a change only when torchvision differs.
    with gzip.GzipFile(os.path.join(out_dir, "policy-ops.bin.gz"), "wb", compresslevel=9, mtime=0) as f:
        f.write(torch.cat(blob).numpy().astype("<f4").tobytes())
    with open(os.path.join(out_dir, "policy-ops.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    with open(os.path.join(out_dir, "policy-tables.json"), "w") as f:
        json.dump(tables(), f, indent=1)
    print(f"{len(manifest['cases'])} cases, {offset} floats -> {out_dir}")


if __name__ == "__main__":
    main()
