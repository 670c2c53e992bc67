using System;
using System.Collections.Generic;
using MixupSharp.Training.Interop.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Models;

/// <summary>
/// torchvision's <c>CNBlock</c>: depthwise 7×7 conv, LayerNorm (channels last), Linear ×4, GELU, Linear back, scaled by
/// the learned <c>layer_scale</c>, through stochastic depth, plus the input.
/// </summary>
internal sealed class ConvNeXtBlock : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Parameter _layer_scale;
    private readonly Module<Tensor, Tensor> _block;
    private readonly Module<Tensor, Tensor> _stochastic_depth;

    public ConvNeXtBlock(long dim, double dropPath)
        : base(nameof(ConvNeXtBlock))
    {
        _layer_scale = new Parameter(torch.full(new[] { dim, 1L, 1L }, 1e-6));
        _block = Sequential(
            Conv2d(dim, dim, 7, padding: 3, groups: dim),
            new Permute(0, 2, 3, 1),
            LayerNorm(dim, eps: 1e-6),
            Linear(dim, 4 * dim),
            GELU(),
            Linear(4 * dim, dim),
            new Permute(0, 3, 1, 2));
        _stochastic_depth = new StochasticDepth(dropPath);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branch = _stochastic_depth.call(_layer_scale * _block.call(x));
        return (branch + x).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x) =>
        OnnxLayers.Add(g, g.Layer(_stochastic_depth, OnnxLayers.Mul(g, g.Weight(_layer_scale), g.Layer(_block, x))), x);
}

/// <summary>Global average pool, then <c>classifier</c>: LayerNorm2d, flatten, Linear.</summary>
internal sealed class ConvNeXtHead : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _classifier;

    public ConvNeXtHead(long features, int numClasses)
        : base(nameof(ConvNeXtHead))
    {
        _classifier = Sequential(new LayerNorm2d(features), Flatten(), Linear(features, numClasses));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _classifier.call(functional.adaptive_avg_pool2d(x, 1)).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x) => g.Layer(_classifier, OnnxLayers.GlobalAveragePool(g, x));
}

/// <summary>
/// torchvision 0.14's <c>convnext_tiny</c> (Liu et al., CVPR 2022): a 4×4 patchify stem, stages of 3-3-9-3 blocks at
/// 96-192-384-768 channels with LayerNorm + 2×2 conv downsampling between, with torchvision's names
/// (<c>features.N.M.block.K</c>, <c>features.N.M.layer_scale</c>, <c>classifier.2</c>). Stochastic depth is a
/// training-only option: block i of 18 drops its branch with probability <c>dropPath</c>·i/17, as torchvision's.
/// Stages: the stem, then each block stage with the downsampling before it, the head; any input of at least 32 pixels.
/// </summary>
public sealed class ConvNeXtTiny : StagedModel
{
    private static readonly int[] Depths = { 3, 3, 9, 3 };
    private static readonly long[] Dims = { 96, 192, 384, 768 };
    private readonly int _inputChannels;

    /// <summary>Creates the network.</summary>
    /// <param name="inputChannels">Image channels.</param>
    /// <param name="numClasses">Classes.</param>
    /// <param name="dropPath">The stochastic depth rate of the last block (0: off; torchvision trains with 0.1).</param>
    public ConvNeXtTiny(int inputChannels, int numClasses, double dropPath = 0)
        : base(nameof(ConvNeXtTiny))
    {
        if (inputChannels < 1 || numClasses < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"ConvNeXtTiny needs ≥ 1 input channel and ≥ 2 classes; got {inputChannels} and {numClasses}.");
        }

        _inputChannels = inputChannels;
        var stages = new List<Module<Tensor, Tensor>> { Sequential(Conv2d(inputChannels, Dims[0], 4, stride: 4), new LayerNorm2d(Dims[0])) };
        PublishAs("stage0.", "features.0.");
        int total = 0, block = 0;
        Array.ForEach(Depths, d => total += d);
        for (int s = 0; s < Depths.Length; s++)
        {
            var blocks = new List<Module<Tensor, Tensor>>();
            for (int b = 0; b < Depths[s]; b++, block++)
            {
                blocks.Add(new ConvNeXtBlock(Dims[s], dropPath * block / (total - 1.0)));
            }

            int feature = 2 * s + 1;
            if (s == 0)
            {
                stages.Add(Sequential(blocks.ToArray()));
                PublishAs("stage1.", "features.1.");
            }
            else
            {
                // The downsampling (features 2s) and the blocks (features 2s + 1) make one stage.
                stages.Add(Sequential(Sequential(new LayerNorm2d(Dims[s - 1]), Conv2d(Dims[s - 1], Dims[s], 2, stride: 2)), Sequential(blocks.ToArray())));
                PublishAs($"stage{s + 1}.0.", $"features.{feature - 1}.");
                PublishAs($"stage{s + 1}.1.", $"features.{feature}.");
            }
        }

        stages.Add(new ConvNeXtHead(Dims[^1], numClasses));
        PublishAs($"stage{stages.Count - 1}.", string.Empty);
        SetStages(stages.ToArray());
        RegisterComponents();
        Initialize();
    }

    // torchvision: truncated normal (std 0.02, cut at ±2) for convolutions and linear layers, zero biases.
    private void Initialize()
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            var (weight, bias) = module switch
            {
                Conv2d c => (c.weight, c.bias),
                Linear l => (l.weight, l.bias),
                _ => (null, null),
            };
            if (weight is not null)
            {
                TorchvisionInit.TruncatedNormal(weight, 0.02);
                bias?.zero_();
            }
        }
    }

    private protected override void CheckInput(Tensor input) => CheckImages(input, _inputChannels, 32);
}
