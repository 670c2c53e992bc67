"""PyTorch's side of the loader benchmark: torchvision's ImageFolder + DataLoader(num_workers=2), RandomResizedCrop 224,
flip, ToTensor, Normalize, batch 64, shuffled; prints one line "torch EPOCH IMAGES_PER_S" per epoch.
Run with Debian's /usr/bin/python3 (python3-torch 1.13, python3-torchvision 0.14)."""
import sys
import time

import torch
from torchvision import datasets, transforms

root, epochs = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(1)
transform = transforms.Compose([
    transforms.RandomResizedCrop(224),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
])
data = datasets.ImageFolder(root + "/train", transform)
loader = torch.utils.data.DataLoader(data, batch_size=64, shuffle=True, num_workers=2, persistent_workers=True)
for epoch in range(epochs):
    start = time.perf_counter()
    for images, labels in loader:
        pass
    print(f"torch {epoch + 1} {len(data) / (time.perf_counter() - start):.1f}", flush=True)
