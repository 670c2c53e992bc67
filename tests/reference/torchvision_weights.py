"""torchvision 0.14's models as the oracle for MixupSharp's weight-compatible ones (run with Debian's /usr/bin/python3).

  make  MODEL OUT SIZE...   builds torchvision's MODEL (10 classes), overwrites every parameter and buffer with seeded
                            random values, saves its state dict to OUT/torchvision.pt, and, for each SIZE, a seeded
                            batch and its eval-mode logits to OUT/io.pt ("x_S", "logits_S"). For deit-tiny also
                            OUT/timm.pt: the same weights under timm's names inside a training checkpoint dict; and its
                            SIZEs other than 224 use the 224-px weights with interpolate_embeddings, as torchvision does.
  check MODEL WEIGHTS IO OUT  loads WEIGHTS (our export) into torchvision's MODEL with strict=True and saves its logits
                            on IO's batches to OUT ("logits_S").

Random values, because fresh weights would agree trivially (BatchNorm at (0, 1), ViT heads at zero, ConvNeXt layer
scales at 1e-6): weights N(0, 1/fan_in), norm scales and layer scales U(0.5, 1.5), biases N(0, 0.1²), running means
N(0, 0.1²), running variances U(0.5, 2), tokens and position embeddings N(0, 0.1²).
"""
import argparse
import sys

import torch
import torchvision
from torchvision.models import vision_transformer as vt


def build(name, size):
    if name == "resnet18":
        return torchvision.models.resnet18(num_classes=10)
    if name == "resnet50":
        return torchvision.models.resnet50(num_classes=10)
    if name == "mobilenet-v3-large":
        return torchvision.models.mobilenet_v3_large(num_classes=10)
    if name == "convnext-tiny":
        return torchvision.models.convnext_tiny(num_classes=10)
    if name == "vit-b-16":
        return vt.VisionTransformer(size, 16, 12, 12, 768, 3072, num_classes=10)
    if name == "deit-tiny":
        return vt.VisionTransformer(size, 16, 12, 3, 192, 768, num_classes=10)
    raise SystemExit(f"unknown model {name}")


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for key, t in model.state_dict().items():
            if not t.is_floating_point():
                continue
            leaf = key.rsplit(".", 1)[-1]
            if leaf == "running_var":
                v = torch.rand(t.shape, generator=g) * 1.5 + 0.5
            elif leaf == "running_mean" or leaf == "bias":
                v = torch.randn(t.shape, generator=g) * 0.1
            elif leaf == "layer_scale" or (t.dim() == 1 and leaf == "weight"):
                v = torch.rand(t.shape, generator=g) + 0.5
            elif leaf in ("class_token", "pos_embedding"):
                v = torch.randn(t.shape, generator=g) * 0.1
            else:
                fan_in = t[0].numel()
                v = torch.randn(t.shape, generator=g) / fan_in ** 0.5
            t.copy_(v)


TIMM = [("class_token", "cls_token"), ("encoder.pos_embedding", "pos_embed"), ("conv_proj.", "patch_embed.proj."),
        ("encoder.ln.", "norm."), ("heads.head.", "head.")]
TIMM_BLOCK = [("ln_1.", "norm1."), ("self_attention.in_proj_weight", "attn.qkv.weight"),
              ("self_attention.in_proj_bias", "attn.qkv.bias"), ("self_attention.out_proj.", "attn.proj."),
              ("ln_2.", "norm2."), ("mlp.0.", "mlp.fc1."), ("mlp.3.", "mlp.fc2.")]


def timm_name(key):
    prefix = "encoder.layers.encoder_layer_"
    if key.startswith(prefix):
        index, rest = key[len(prefix):].split(".", 1)
        for ours, theirs in TIMM_BLOCK:
            if rest.startswith(ours):
                return f"blocks.{index}.{theirs}{rest[len(ours):]}"
    for ours, theirs in TIMM:
        if key.startswith(ours):
            return theirs + key[len(ours):]
    raise SystemExit(f"no timm name for {key}")


def make(name, out, sizes):
    torch.manual_seed(0)
    model = build(name, 224)
    randomize(model, 1234)
    model.eval()
    state = model.state_dict()
    torch.save(state, f"{out}/torchvision.pt")
    io = {}
    for size in sizes:
        g = torch.Generator().manual_seed(size)
        x = torch.rand((2, 3, size, size), generator=g)
        net = model
        if size != 224 and name in ("vit-b-16", "deit-tiny"):
            net = build(name, size)
            # interpolate_embeddings writes into the dict it is given: give it a copy.
            net.load_state_dict(vt.interpolate_embeddings(size, 16, dict(state)), strict=True)
            net.eval()
        with torch.no_grad():
            io[f"x_{size}"] = x
            io[f"logits_{size}"] = net(x)
    torch.save(io, f"{out}/io.pt")
    if name == "deit-tiny":
        renamed = {timm_name(k): v for k, v in state.items()}
        torch.save({"model": renamed, "epoch": 300, "args": argparse.Namespace(model="deit_tiny_patch16_224")}, f"{out}/timm.pt")
    print(f"{name}: {len(state)} tensors, {sum(t.numel() for t in state.values())} values")


def check(name, weights, io_path, out):
    io = torch.load(io_path)
    logits = {}
    for key, x in io.items():
        if not key.startswith("x_"):
            continue
        model = build(name, x.shape[-1])
        model.load_state_dict(torch.load(weights), strict=True)
        model.eval()
        with torch.no_grad():
            logits["logits_" + key[2:]] = model(x)
    torch.save(logits, out)
    print(f"{name}: loaded strictly, {len(logits)} batches")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], [int(s) for s in sys.argv[4:]])
    elif sys.argv[1] == "check":
        check(*sys.argv[2:6])
    else:
        raise SystemExit(__doc__)
