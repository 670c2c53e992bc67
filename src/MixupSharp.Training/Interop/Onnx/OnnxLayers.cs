using System;
using System.Linq;
using TorchSharp.Modules;
using static MixupSharp.Training.Interop.Onnx.OnnxGraph;
using static TorchSharp.torch;

namespace MixupSharp.Training.Interop.Onnx;

/// <summary>A layer of ours that writes its own evaluation-mode forward as ONNX nodes, next to the forward it mirrors.</summary>
internal interface IOnnxLayer
{
    /// <summary>Adds this layer's nodes on <paramref name="input"/>; the name of its output.</summary>
    string ToOnnx(OnnxGraph graph, string input);
}

/// <summary>
/// TorchSharp's layers in ONNX (evaluation mode: BatchNorm with its running statistics, dropout and stochastic depth
/// the identity), and the functions our layers call. GELU is written through Erf and LayerNorm below opset 17 through
/// reductions, so every node is an opset-13 to 17 operator.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>The nodes of <paramref name="module"/> on <paramref name="input"/>; throws naming a layer with no ONNX form.</summary>
    public static string Emit(OnnxGraph g, nn.Module module, string input) => module switch
    {
        IOnnxLayer ours => ours.ToOnnx(g, input),
        Sequential sequential => sequential.children().Aggregate(input, (h, child) => Emit(g, child, h)),
        Conv2d conv => Conv(g, conv, input),
        BatchNorm2d bn => BatchNorm(g, bn, input),
        Linear linear => Linear(g, linear, input),
        LayerNorm norm => LayerNorm(g, norm.weight!, norm.bias!, norm.eps, input),
        ReLU => g.Node("Relu", new[] { input }),
        Hardswish => HardSwish(g, input),
        GELU gelu when gelu.approximate == GELU.Approximate.none => Gelu(g, input),
        MaxPool2d pool => MaxPool(g, pool, input),
        Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1 => Flatten(g, input),
        Dropout => input,
        _ => throw new NotSupportedException($"the layer {module.GetName()} ({module.GetType().Name}) has no ONNX form"),
    };

    /// <summary>A 2-D convolution with its padding, stride, dilation and groups.</summary>
    public static string Conv(OnnxGraph g, Conv2d conv, string input)
    {
        if (conv.padding_type is not null || conv.padding_mode != TorchSharp.PaddingModes.Zeros)
        {
            throw new NotSupportedException($"the convolution {conv.GetName()} pads by '{conv.padding_type}' / {conv.padding_mode}; only explicit zero padding has an ONNX form here");
        }

        var inputs = conv.bias is null ? new[] { input, g.Weight(conv.weight) } : new[] { input, g.Weight(conv.weight), g.Weight(conv.bias) };
        long[] pad = Pair(conv.padding ?? new long[] { 0 });
        return g.Node("Conv", inputs,
            Ints("kernel_shape", Pair(conv.kernel_size)),
            Ints("strides", Pair(conv.stride)),
            Ints("dilations", Pair(conv.dilation)),
            Ints("pads", pad[0], pad[1], pad[0], pad[1]),
            Int("group", conv.groups));
    }

    /// <summary>BatchNorm in inference: (x − running mean) / √(running var + ε) · γ + β.</summary>
    public static string BatchNorm(OnnxGraph g, BatchNorm2d bn, string input) =>
        g.Node("BatchNormalization", new[] { input, g.Weight(bn.weight!), g.Weight(bn.bias!), g.Weight(bn.running_mean!), g.Weight(bn.running_var!) }, Float("epsilon", bn.eps));

    /// <summary>x·Wᵀ + b on the last dimension, for inputs of any rank (the transpose is folded by the runtime).</summary>
    public static string Linear(OnnxGraph g, Linear linear, string input) => Linear(g, linear.weight, linear.bias, input);

    /// <summary>x·Wᵀ + b with the given weight and bias.</summary>
    public static string Linear(OnnxGraph g, Tensor weight, Tensor? bias, string input)
    {
        var transposed = g.Node("Transpose", new[] { g.Weight(weight) }, Ints("perm", 1, 0));
        var product = g.Node("MatMul", new[] { input, transposed });
        return bias is null ? product : g.Node("Add", new[] { product, g.Weight(bias) });
    }

    /// <summary>LayerNorm over the last dimension: LayerNormalization at opset 17, mean and variance reductions below.</summary>
    public static string LayerNorm(OnnxGraph g, Tensor weight, Tensor bias, double eps, string input)
    {
        if (weight.dim() != 1)
        {
            throw new NotSupportedException("only a LayerNorm over the last dimension has an ONNX form here");
        }

        if (g.Opset >= 17)
        {
            return g.Node("LayerNormalization", new[] { input, g.Weight(weight), g.Weight(bias) }, Int("axis", -1), Float("epsilon", eps));
        }

        var mean = g.Node("ReduceMean", new[] { input }, Ints("axes", -1), Int("keepdims", 1));
        var centred = g.Node("Sub", new[] { input, mean });
        var variance = g.Node("ReduceMean", new[] { g.Node("Mul", new[] { centred, centred }) }, Ints("axes", -1), Int("keepdims", 1));
        var deviation = g.Node("Sqrt", new[] { g.Node("Add", new[] { variance, g.Scalar((float)eps) }) });
        var normalized = g.Node("Div", new[] { centred, deviation });
        return g.Node("Add", new[] { g.Node("Mul", new[] { normalized, g.Weight(weight) }), g.Weight(bias) });
    }

    /// <summary>The exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)): ONNX has no Gelu before opset 20.</summary>
    public static string Gelu(OnnxGraph g, string input)
    {
        var erf = g.Node("Erf", new[] { g.Node("Div", new[] { input, g.Scalar(MathF.Sqrt(2)) }) });
        var onePlus = g.Node("Add", new[] { erf, g.Scalar(1) });
        return g.Node("Mul", new[] { g.Node("Mul", new[] { input, onePlus }), g.Scalar(0.5f) });
    }

    /// <summary>PyTorch's hard sigmoid, relu6(x + 3)/6: ONNX's HardSigmoid with α = 1/6, β = 1/2.</summary>
    public static string HardSigmoid(OnnxGraph g, string input) => g.Node("HardSigmoid", new[] { input }, Float("alpha", 1.0 / 6), Float("beta", 0.5));

    /// <summary>Hard swish, x·hardsigmoid(x) (ONNX's HardSwish needs opset 14; this form works from 13).</summary>
    public static string HardSwish(OnnxGraph g, string input) => g.Node("Mul", new[] { input, HardSigmoid(g, input) });

    /// <summary>Global average pooling to 1×1 (adaptive_avg_pool2d(x, 1)).</summary>
    public static string GlobalAveragePool(OnnxGraph g, string input) => g.Node("GlobalAveragePool", new[] { input });

    /// <summary>Max pooling with kernel, stride and padding.</summary>
    public static string MaxPool(OnnxGraph g, long kernel, long stride, long padding, string input) =>
        g.Node("MaxPool", new[] { input }, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding));

    /// <summary>Flattens every dimension after the first (flatten(1)).</summary>
    public static string Flatten(OnnxGraph g, string input) => g.Node("Flatten", new[] { input }, Int("axis", 1));

    /// <summary>A reshape to <paramref name="shape"/> (0 keeps the input's size there, −1 is inferred).</summary>
    public static string Reshape(OnnxGraph g, string input, params long[] shape) => g.Node("Reshape", new[] { input, g.Int64s(shape) });

    /// <summary>The slice at <paramref name="index"/> of dimension <paramref name="axis"/>, which disappears.</summary>
    public static string Select(OnnxGraph g, string input, long axis, long index) => g.Node("Gather", new[] { input, g.Int64s(new[] { index }, scalar: true) }, Int("axis", axis));

    /// <summary>A permutation of dimensions.</summary>
    public static string Transpose(OnnxGraph g, string input, params long[] perm) => g.Node("Transpose", new[] { input }, Ints("perm", perm));

    /// <summary>The element-wise sum of two values.</summary>
    public static string Add(OnnxGraph g, string a, string b) => g.Node("Add", new[] { a, b });

    /// <summary>The element-wise product of two values.</summary>
    public static string Mul(OnnxGraph g, string a, string b) => g.Node("Mul", new[] { a, b });

    /// <summary>ReLU.</summary>
    public static string Relu(OnnxGraph g, string input) => g.Node("Relu", new[] { input });

    private static string MaxPool(OnnxGraph g, MaxPool2d pool, string input)
    {
        if (pool.ceil_mode || (pool.dilation is { } d && d.Any(x => x != 1)))
        {
            throw new NotSupportedException($"the max pool {pool.GetName()} uses ceil mode or dilation, which has no ONNX form here");
        }

        long[] kernel = Pair(pool.kernel_size);
        long[] stride = pool.stride is { Length: > 0 } s ? Pair(s) : kernel;
        long[] pad = pool.padding is { Length: > 0 } p ? Pair(p) : new long[] { 0, 0 };
        return g.Node("MaxPool", new[] { input }, Ints("kernel_shape", kernel), Ints("strides", stride), Ints("pads", pad[0], pad[1], pad[0], pad[1]));
    }

    // TorchSharp keeps a square size as one value or two.
    private static long[] Pair(long[] values) => values.Length == 1 ? new[] { values[0], values[0] } : values;
}
