using System;
using System.Collections.Generic;
using MixupSharp.Training.Interop.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Models;

/// <summary>
/// Squeeze-and-excitation as MobileNetV3 uses it (torchvision's <c>SqueezeExcitation</c>): average pool, 1×1 conv
/// <c>fc1</c>, ReLU, 1×1 conv <c>fc2</c>, hard sigmoid, and the input scaled by the result.
/// </summary>
internal sealed class SqueezeExcitation : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _fc1;
    private readonly Module<Tensor, Tensor> _fc2;

    public SqueezeExcitation(long channels, long squeezed)
        : base(nameof(SqueezeExcitation))
    {
        _fc1 = Conv2d(channels, squeezed, 1);
        _fc2 = Conv2d(squeezed, channels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var s = functional.adaptive_avg_pool2d(x, 1);
        s = functional.hardsigmoid(_fc2.call(functional.relu(_fc1.call(s))));
        return (x * s).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x)
    {
        var s = OnnxLayers.Relu(g, g.Layer(_fc1, OnnxLayers.GlobalAveragePool(g, x)));
        return OnnxLayers.Mul(g, x, OnnxLayers.HardSigmoid(g, g.Layer(_fc2, s)));
    }
}

/// <summary>MobileNetV3's inverted residual: 1×1 expand (when it widens), depthwise k×k, SE (some blocks), 1×1 project.</summary>
internal sealed class InvertedResidual : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _block;
    private readonly bool _residual;

    public InvertedResidual(long input, long kernel, long expanded, long output, bool squeeze, bool hardswish, long stride)
        : base(nameof(InvertedResidual))
    {
        Func<Module<Tensor, Tensor>> activation = hardswish ? () => Hardswish() : () => ReLU();
        var layers = new List<Module<Tensor, Tensor>>();
        if (expanded != input)
        {
            layers.Add(MobileNetV3Large.ConvBN(input, expanded, 1, 1, 1, activation));
        }

        layers.Add(MobileNetV3Large.ConvBN(expanded, expanded, kernel, stride, expanded, activation));
        if (squeeze)
        {
            layers.Add(new SqueezeExcitation(expanded, MobileNetV3Large.MakeDivisible(expanded / 4)));
        }

        layers.Add(MobileNetV3Large.ConvBN(expanded, output, 1, 1, 1, null));
        _block = Sequential(layers.ToArray());
        _residual = stride == 1 && input == output;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (!_residual)
        {
            return _block.call(x);
        }

        using var scope = NewDisposeScope();
        return (_block.call(x) + x).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x) => _residual ? OnnxLayers.Add(g, g.Layer(_block, x), x) : g.Layer(_block, x);
}

/// <summary>Global average pool, then <c>classifier</c>: Linear → 1280, hard swish, dropout 0.2, Linear → classes.</summary>
internal sealed class MobileNetV3Head : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _classifier;

    public MobileNetV3Head(long features, int numClasses)
        : base(nameof(MobileNetV3Head))
    {
        _classifier = Sequential(Linear(features, 1280), Hardswish(), Dropout(0.2), Linear(1280, numClasses));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _classifier.call(functional.adaptive_avg_pool2d(x, 1).flatten(1)).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x) => g.Layer(_classifier, OnnxLayers.Flatten(g, OnnxLayers.GlobalAveragePool(g, x)));
}

/// <summary>
/// torchvision 0.14's <c>mobilenet_v3_large</c> (Howard et al., ICCV 2019), width 1.0, with its names
/// (<c>features.N.block.K</c>, <c>classifier.3</c>) and forward: BatchNorm eps 0.001 and momentum 0.01, hard swish and
/// hard sigmoid. Stages: features 0–1, 2–3, 4–6, 7–12, 13–16 (strides 2, 4, 8, 16, 32), the head; any input of at
/// least 32 pixels.
/// </summary>
public sealed class MobileNetV3Large : StagedModel
{
    // torchvision's table: input, kernel, expanded, output, SE, hard swish, stride.
    private static readonly (long In, long K, long Exp, long Out, bool Se, bool Hs, long Stride)[] Blocks =
    {
        (16, 3, 16, 16, false, false, 1), (16, 3, 64, 24, false, false, 2), (24, 3, 72, 24, false, false, 1),
        (24, 5, 72, 40, true, false, 2), (40, 5, 120, 40, true, false, 1), (40, 5, 120, 40, true, false, 1),
        (40, 3, 240, 80, false, true, 2), (80, 3, 200, 80, false, true, 1), (80, 3, 184, 80, false, true, 1),
        (80, 3, 184, 80, false, true, 1), (80, 3, 480, 112, true, true, 1), (112, 3, 672, 112, true, true, 1),
        (112, 5, 672, 160, true, true, 2), (160, 5, 960, 160, true, true, 1), (160, 5, 960, 160, true, true, 1),
    };

    // The last feature index of each stage.
    private static readonly int[] StageEnds = { 1, 3, 6, 12, 16 };

    private readonly int _inputChannels;

    /// <summary>Creates the network.</summary>
    public MobileNetV3Large(int inputChannels, int numClasses)
        : base(nameof(MobileNetV3Large))
    {
        if (inputChannels < 1 || numClasses < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"MobileNetV3Large needs ≥ 1 input channel and ≥ 2 classes; got {inputChannels} and {numClasses}.");
        }

        _inputChannels = inputChannels;
        var features = new List<Module<Tensor, Tensor>> { ConvBN(inputChannels, 16, 3, 2, 1, () => Hardswish()) };
        foreach (var b in Blocks)
        {
            features.Add(new InvertedResidual(b.In, b.K, b.Exp, b.Out, b.Se, b.Hs, b.Stride));
        }

        features.Add(ConvBN(160, 960, 1, 1, 1, () => Hardswish()));
        var stages = new List<Module<Tensor, Tensor>>();
        int first = 0;
        foreach (int end in StageEnds)
        {
            int stage = stages.Count;
            stages.Add(Sequential(features.GetRange(first, end - first + 1).ToArray()));
            for (int i = first; i <= end; i++)
            {
                PublishAs($"stage{stage}.{i - first}.", $"features.{i}.");
            }

            first = end + 1;
        }

        stages.Add(new MobileNetV3Head(960, numClasses));
        PublishAs($"stage{stages.Count - 1}.", string.Empty);
        SetStages(stages.ToArray());
        RegisterComponents();
        TorchvisionInit.ConvNets(this, linearStd: 0.01);
    }

    /// <summary>torchvision's <c>_make_divisible(v, 8)</c>: the nearest multiple of 8, never more than 10% below v.</summary>
    internal static long MakeDivisible(long v)
    {
        long rounded = Math.Max(8, (v + 4) / 8 * 8);
        return rounded < 0.9 * v ? rounded + 8 : rounded;
    }

    internal static Sequential ConvBN(long input, long output, long kernel, long stride, long groups, Func<Module<Tensor, Tensor>>? activation) =>
        ConvNormActivation.Create(input, output, kernel, stride, groups, activation, eps: 0.001, momentum: 0.01);

    private protected override void CheckInput(Tensor input) => CheckImages(input, _inputChannels, 32);
}
