using System;
using MixupSharp.Training.Interop.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Models;

/// <summary>LayerNorm over the channels of an NCHW tensor (torchvision's <c>LayerNorm2d</c>: permute, normalize, permute back).</summary>
internal sealed class LayerNorm2d : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _channels;
    private readonly double _eps;

    public LayerNorm2d(long channels, double eps = 1e-6)
        : base(nameof(LayerNorm2d))
    {
        _channels = channels;
        _eps = eps;
        weight = new Parameter(torch.ones(channels));
        bias = new Parameter(torch.zeros(channels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = functional.layer_norm(x.permute(0, 2, 3, 1), new[] { _channels }, weight, bias, _eps);
        return h.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x) =>
        OnnxLayers.Transpose(g, OnnxLayers.LayerNorm(g, weight, bias, _eps, OnnxLayers.Transpose(g, x, 0, 2, 3, 1)), 0, 3, 1, 2);
}

/// <summary>A permutation of dimensions as a layer (it holds an index in torchvision's <c>Sequential</c>s, so ours does too).</summary>
internal sealed class Permute : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly long[] _dims;

    public Permute(params long[] dims)
        : base(nameof(Permute))
    {
        _dims = dims;
    }

    public override Tensor forward(Tensor x) => x.permute(_dims);

    public string ToOnnx(OnnxGraph g, string x) => OnnxLayers.Transpose(g, x, _dims);
}

/// <summary>
/// Stochastic depth (Huang et al., ECCV 2016), "row" mode as torchvision's <c>StochasticDepth</c> and timm's
/// <c>DropPath</c>: in training, each sample's residual branch is dropped with probability p and the kept ones are
/// scaled by 1/(1 − p); in evaluation, and at p = 0, the identity.
/// </summary>
internal sealed class StochasticDepth : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly double _p;

    public StochasticDepth(double p)
        : base(nameof(StochasticDepth))
    {
        if (!(p >= 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"the stochastic depth rate must be in [0, 1); got {p}.");
        }

        _p = p;
    }

    public override Tensor forward(Tensor x)
    {
        if (!training || _p == 0)
        {
            return x.alias();
        }

        using var scope = NewDisposeScope();
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        var keep = torch.empty(shape, x.dtype, x.device).bernoulli_(1 - _p).div_(1 - _p);
        return (x * keep).MoveToOuterDisposeScope();
    }

    // An exported model is in evaluation, where stochastic depth is the identity.
    public string ToOnnx(OnnxGraph g, string x) => x;
}

/// <summary>Conv → BatchNorm → activation, torchvision's <c>Conv2dNormActivation</c> (indices 0, 1, 2 as there).</summary>
internal static class ConvNormActivation
{
    public static Sequential Create(long inChannels, long outChannels, long kernel, long stride = 1, long groups = 1, Func<Module<Tensor, Tensor>>? activation = null, double eps = 1e-5, double momentum = 0.1)
    {
        var conv = Conv2d(inChannels, outChannels, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false);
        var norm = BatchNorm2d(outChannels, eps: eps, momentum: momentum);
        return activation is null ? Sequential(conv, norm) : Sequential(conv, norm, activation());
    }
}

/// <summary>The initializations torchvision's models use, applied module by module.</summary>
internal static class TorchvisionInit
{
    /// <summary>
    /// <c>nn.init.trunc_normal_</c>: N(0, std²) restricted to [a, b], by redrawing the values outside. (TorchSharp 0.107's
    /// <c>init.trunc_normal_</c> leaves an occasional infinite value, so it is not used.)
    /// </summary>
    public static void TruncatedNormal(Tensor weight, double std, double a = -2, double b = 2)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        weight.normal_(0, std);
        for (int round = 0; round < 100; round++)
        {
            var outside = (weight < a) | (weight > b);
            if (!outside.any().item<bool>())
            {
                return;
            }

            weight.masked_scatter_(outside, torch.empty_like(weight).normal_(0, std).masked_select(outside));
        }

        throw new InvalidOperationException($"could not draw a normal with std {std} inside [{a}, {b}]");
    }

    /// <summary>Kaiming-normal (fan out, ReLU) convolutions without bias, BatchNorm at (1, 0): torchvision's ResNet and MobileNet.</summary>
    public static void ConvNets(Module model, double linearStd)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    init.kaiming_normal_(conv.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                    conv.bias?.zero_();
                    break;
                case BatchNorm2d bn:
                    bn.weight!.fill_(1);
                    bn.bias!.zero_();
                    break;
                case Linear linear when linearStd > 0:
                    init.normal_(linear.weight, 0, linearStd);
                    linear.bias?.zero_();
                    break;
            }
        }
    }
}
