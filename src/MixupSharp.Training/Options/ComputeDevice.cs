namespace MixupSharp.Training.Options;

/// <summary>Where a run's tensors live.</summary>
public enum ComputeDevice
{
    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>The first CUDA GPU (needs a CUDA build of TorchSharp).</summary>
    Cuda,
}
