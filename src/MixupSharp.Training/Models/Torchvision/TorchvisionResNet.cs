using System;
using System.Collections.Generic;
using MixupSharp.Training.Interop.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Models;

/// <summary>torchvision's <c>BasicBlock</c> (ResNet-18/34): conv3×3-BN-ReLU-conv3×3-BN plus the shortcut, then ReLU.</summary>
internal sealed class BasicBlock : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Module<Tensor, Tensor>? downsample;

    public BasicBlock(long inPlanes, long planes, long stride)
        : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        downsample = TorchvisionResNet.Downsample(inPlanes, planes, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = functional.relu(bn1.call(conv1.call(x)));
        h = bn2.call(conv2.call(h));
        var identity = downsample is null ? x : downsample.call(x);
        return functional.relu(h + identity).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x)
    {
        var h = OnnxLayers.Relu(g, g.Layer(bn1, g.Layer(conv1, x)));
        h = g.Layer(bn2, g.Layer(conv2, h));
        return OnnxLayers.Relu(g, OnnxLayers.Add(g, h, downsample is null ? x : g.Layer(downsample, x)));
    }
}

/// <summary>
/// torchvision's <c>Bottleneck</c> (ResNet-50 "v1.5": the stride on the 3×3 conv): 1×1 reduce, 3×3, 1×1 expand ×4,
/// each with BN, ReLU between, plus the shortcut, then ReLU.
/// </summary>
internal sealed class Bottleneck : Module<Tensor, Tensor>, IOnnxLayer
{
    public const long Expansion = 4;
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Module<Tensor, Tensor> conv3;
    private readonly Module<Tensor, Tensor> bn3;
    private readonly Module<Tensor, Tensor>? downsample;

    public Bottleneck(long inPlanes, long planes, long stride)
        : base(nameof(Bottleneck))
    {
        conv1 = Conv2d(inPlanes, planes, 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        conv3 = Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = BatchNorm2d(planes * Expansion);
        downsample = TorchvisionResNet.Downsample(inPlanes, planes * Expansion, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = functional.relu(bn1.call(conv1.call(x)));
        h = functional.relu(bn2.call(conv2.call(h)));
        h = bn3.call(conv3.call(h));
        var identity = downsample is null ? x : downsample.call(x);
        return functional.relu(h + identity).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x)
    {
        var h = OnnxLayers.Relu(g, g.Layer(bn1, g.Layer(conv1, x)));
        h = OnnxLayers.Relu(g, g.Layer(bn2, g.Layer(conv2, h)));
        h = g.Layer(bn3, g.Layer(conv3, h));
        return OnnxLayers.Relu(g, OnnxLayers.Add(g, h, downsample is null ? x : g.Layer(downsample, x)));
    }
}

/// <summary>The ImageNet stem: 7×7 conv stride 2, BN, ReLU, 3×3 max-pool stride 2.</summary>
internal sealed class ResNetStem : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;

    public ResNetStem(long inputChannels)
        : base(nameof(ResNetStem))
    {
        conv1 = Conv2d(inputChannels, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = functional.relu(bn1.call(conv1.call(x)));
        return functional.max_pool2d(h, 3, 2, 1).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x) => OnnxLayers.MaxPool(g, 3, 2, 1, OnnxLayers.Relu(g, g.Layer(bn1, g.Layer(conv1, x))));
}

/// <summary>Global average pool, flatten, <c>fc</c>.</summary>
internal sealed class PooledLinearHead : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> fc;

    public PooledLinearHead(long features, int numClasses)
        : base(nameof(PooledLinearHead))
    {
        fc = Linear(features, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc.call(functional.adaptive_avg_pool2d(x, 1).flatten(1)).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x) => g.Layer(fc, OnnxLayers.Flatten(g, OnnxLayers.GlobalAveragePool(g, x)));
}

/// <summary>
/// torchvision 0.14's ResNet-18 and ResNet-50 (He et al., CVPR 2016; torchvision's v1.5 bottleneck), with its parameter
/// and buffer names (<c>conv1</c>, <c>layer1.0.bn1</c>, <c>fc</c>) and forward, so its published weights load with
/// <c>--init-from</c> and our exports load into <c>torchvision.models.resnet18()</c> with <c>strict=True</c>. Stages:
/// the stem, layer1–4, the head; any input size of at least 32 pixels.
/// </summary>
public sealed class TorchvisionResNet : StagedModel
{
    /// <inheritdoc />
    /// <remarks>The stem, then layer1 to layer3: point 4.</remarks>
    public override int? ThirdStagePoint => 4;

    private readonly int _inputChannels;

    private TorchvisionResNet(string name, int inputChannels, int numClasses, int[] blocks, bool bottleneck)
        : base(name)
    {
        if (inputChannels < 1 || numClasses < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"{name} needs ≥ 1 input channel and ≥ 2 classes; got {inputChannels} and {numClasses}.");
        }

        _inputChannels = inputChannels;
        var stages = new List<Module<Tensor, Tensor>> { new ResNetStem(inputChannels) };
        long inPlanes = 64;
        for (int layer = 0; layer < 4; layer++)
        {
            long planes = 64L << layer;
            var modules = new List<Module<Tensor, Tensor>>();
            for (int b = 0; b < blocks[layer]; b++)
            {
                long stride = b == 0 && layer > 0 ? 2 : 1;
                modules.Add(bottleneck ? new Bottleneck(inPlanes, planes, stride) : new BasicBlock(inPlanes, planes, stride));
                inPlanes = bottleneck ? planes * Bottleneck.Expansion : planes;
            }

            stages.Add(Sequential(modules.ToArray()));
            PublishAs($"stage{layer + 1}.", $"layer{layer + 1}.");
        }

        stages.Add(new PooledLinearHead(inPlanes, numClasses));
        PublishAs("stage0.", string.Empty);
        PublishAs("stage5.", string.Empty);
        SetStages(stages.ToArray());
        RegisterComponents();
        TorchvisionInit.ConvNets(this, linearStd: 0);
    }

    /// <summary>torchvision's <c>resnet18</c>: BasicBlocks [2, 2, 2, 2], ≈ 11.7M parameters at 1000 classes.</summary>
    public static TorchvisionResNet ResNet18(int inputChannels, int numClasses) => new("ResNet18", inputChannels, numClasses, new[] { 2, 2, 2, 2 }, bottleneck: false);

    /// <summary>torchvision's <c>resnet50</c>: Bottlenecks [3, 4, 6, 3], ≈ 25.6M parameters at 1000 classes.</summary>
    public static TorchvisionResNet ResNet50(int inputChannels, int numClasses) => new("ResNet50", inputChannels, numClasses, new[] { 3, 4, 6, 3 }, bottleneck: true);

    /// <summary>The 1×1 conv + BN shortcut of a block whose shape changes (torchvision's <c>downsample</c>), else null.</summary>
    internal static Module<Tensor, Tensor>? Downsample(long inPlanes, long outPlanes, long stride) =>
        stride == 1 && inPlanes == outPlanes ? null : Sequential(Conv2d(inPlanes, outPlanes, 1, stride: stride, bias: false), BatchNorm2d(outPlanes));

    private protected override void CheckInput(Tensor input) => CheckImages(input, _inputChannels, 32);
}
