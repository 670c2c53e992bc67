using System;
using System.Collections.Generic;
using MixupSharp.Training.Interop.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Models;

/// <summary>
/// A pre-activation residual block (He et al., "Identity Mappings in Deep Residual Networks", 2016): BN-ReLU-conv twice,
/// with a 1×1 projection shortcut when the shape changes, and optional dropout between the convolutions (Wide ResNets).
/// </summary>
internal sealed class PreActBlock : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _bn1;
    private readonly Module<Tensor, Tensor> _conv1;
    private readonly Module<Tensor, Tensor> _bn2;
    private readonly Module<Tensor, Tensor> _conv2;
    private readonly Module<Tensor, Tensor>? _shortcut;
    private readonly Module<Tensor, Tensor>? _dropout;

    public PreActBlock(long inPlanes, long planes, long stride, double dropout = 0)
        : base(nameof(PreActBlock))
    {
        _bn1 = BatchNorm2d(inPlanes);
        _conv1 = Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        _bn2 = BatchNorm2d(planes);
        _conv2 = Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        if (stride != 1 || inPlanes != planes)
        {
            _shortcut = Conv2d(inPlanes, planes, 1, stride: stride, bias: false);
        }

        if (dropout > 0)
        {
            _dropout = Dropout(dropout);
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pre = functional.relu(_bn1.call(x));
        var shortcut = _shortcut is null ? x : _shortcut.call(pre);
        var h = _conv1.call(pre);
        h = functional.relu(_bn2.call(h));
        if (_dropout is not null)
        {
            h = _dropout.call(h);
        }

        return (_conv2.call(h) + shortcut).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x)
    {
        var pre = OnnxLayers.Relu(g, g.Layer(_bn1, x));
        var shortcut = _shortcut is null ? x : g.Layer(_shortcut, pre);
        var h = OnnxLayers.Relu(g, g.Layer(_bn2, g.Layer(_conv1, pre)));
        return OnnxLayers.Add(g, g.Layer(_conv2, h), shortcut);
    }
}

/// <summary>The head of the pre-activation nets: BN, ReLU, global average pool, linear.</summary>
internal sealed class PreActHead : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _bn;
    private readonly Module<Tensor, Tensor> _linear;

    public PreActHead(long channels, int numClasses)
        : base(nameof(PreActHead))
    {
        _bn = BatchNorm2d(channels);
        _linear = Linear(channels, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = functional.relu(_bn.call(x));
        h = functional.adaptive_avg_pool2d(h, 1).flatten(1);
        return _linear.call(h).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x)
    {
        var pooled = OnnxLayers.GlobalAveragePool(g, OnnxLayers.Relu(g, g.Layer(_bn, x)));
        return g.Layer(_linear, OnnxLayers.Flatten(g, pooled));
    }
}

/// <summary>Shared construction of the CIFAR-style pre-activation residual nets.</summary>
public abstract class PreActResidualNet : StagedModel
{
    private readonly int _inputChannels;

    private protected PreActResidualNet(string name, int inputChannels, int numClasses, long stemChannels, (long Planes, int Blocks, long Stride)[] stages, double dropout)
        : base(name)
    {
        if (inputChannels < 1 || numClasses < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"{name} needs ≥ 1 input channel and ≥ 2 classes; got {inputChannels} and {numClasses}.");
        }

        _inputChannels = inputChannels;
        var modules = new List<Module<Tensor, Tensor>> { Conv2d(inputChannels, stemChannels, 3, padding: 1, bias: false) };
        long inPlanes = stemChannels;
        foreach (var (planes, blocks, stride) in stages)
        {
            var layer = new List<Module<Tensor, Tensor>>();
            for (int b = 0; b < blocks; b++)
            {
                layer.Add(new PreActBlock(inPlanes, planes, b == 0 ? stride : 1, dropout));
                inPlanes = planes;
            }

            modules.Add(Sequential(layer.ToArray()));
        }

        modules.Add(new PreActHead(inPlanes, numClasses));
        SetStages(modules.ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    /// <remarks>The stem, then three stages: point 4 (on WRN, OpenMixup's AutoMix config reads stage 2 instead).</remarks>
    public override int? ThirdStagePoint => 4;

    private protected override void CheckInput(Tensor input) => CheckImages(input, _inputChannels, 8);
}

/// <summary>
/// PreAct ResNet-18 as in the mixup paper's CIFAR experiments (CIFAR stem: one 3×3 conv; stages 64-128-256-512 with
/// two blocks each; ≈11.2M parameters).
/// </summary>
public sealed class PreActResNet18 : PreActResidualNet
{
    /// <summary>Creates the network.</summary>
    public PreActResNet18(int inputChannels, int numClasses)
        : base(nameof(PreActResNet18), inputChannels, numClasses, 64, new[] { (64L, 2, 1L), (128L, 2, 2L), (256L, 2, 2L), (512L, 2, 2L) }, 0)
    {
    }
}

/// <summary>Wide ResNet (Zagoruyko and Komodakis 2016), depth 6n + 4 and widen factor k, e.g. WRN-28-10.</summary>
public sealed class WideResNet : PreActResidualNet
{
    /// <summary>Creates the network.</summary>
    /// <param name="inputChannels">Image channels.</param>
    /// <param name="numClasses">Classes.</param>
    /// <param name="depth">Depth 6n + 4 (e.g. 28).</param>
    /// <param name="widen">Widen factor k (e.g. 10).</param>
    /// <param name="dropout">Dropout between the convolutions of a block.</param>
    public WideResNet(int inputChannels, int numClasses, int depth = 28, int widen = 10, double dropout = 0)
        : base($"WideResNet-{depth}-{widen}", inputChannels, numClasses, 16, Stages(depth, widen), dropout)
    {
    }

    private static (long, int, long)[] Stages(int depth, int widen)
    {
        if (depth < 10 || (depth - 4) % 6 != 0 || widen < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), $"WideResNet depth must be 6n + 4 ≥ 10 and widen ≥ 1; got {depth} and {widen}.");
        }

        int n = (depth - 4) / 6;
        return new[] { (16L * widen, n, 1L), (32L * widen, n, 2L), (64L * widen, n, 2L) };
    }
}

/// <summary>
/// A small, fast pre-activation residual net for these CPUs ("ResNet-8": a 16-channel stem and one block per stage at
/// 16-32-64 channels; ≈ 78k parameters).
/// </summary>
public sealed class FastResNet : PreActResidualNet
{
    /// <summary>Creates the network.</summary>
    public FastResNet(int inputChannels, int numClasses)
        : base(nameof(FastResNet), inputChannels, numClasses, 16, new[] { (16L, 1, 1L), (32L, 1, 2L), (64L, 1, 2L) }, 0)
    {
    }
}
