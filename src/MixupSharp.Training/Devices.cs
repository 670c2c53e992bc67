using System;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>TorchSharp devices for <see cref="ComputeDevice"/>.</summary>
public static class Devices
{
    /// <summary>The device; a clear error when TorchSharp sees no GPU.</summary>
    public static Device Resolve(ComputeDevice device)
    {
        if (device == ComputeDevice.Cuda)
        {
            if (!torch.cuda.is_available())
            {
                throw new ArgumentException("--device cuda: TorchSharp sees no GPU here. This build uses the TorchSharp-cpu package; build with -p:MixupSharpTorchBackend=cuda on a machine with CUDA (see README).");
            }

            return CUDA;
        }

        return CPU;
    }
}
