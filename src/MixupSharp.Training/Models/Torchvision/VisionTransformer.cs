using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Training.Interop.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Models;

/// <summary>
/// Multi-head self-attention with <c>torch.nn.MultiheadAttention</c>'s parameters (<c>in_proj_weight</c> [3D, D] holding
/// the query, key and value projections in that order, <c>in_proj_bias</c>, <c>out_proj</c>) and its result:
/// softmax(QKᵀ/√d)V per head, then the output projection.
/// </summary>
internal sealed class SelfAttention : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Parameter _in_proj_weight;
    private readonly Parameter _in_proj_bias;
    private readonly Module<Tensor, Tensor> _out_proj;
    private readonly long _heads;

    public SelfAttention(long dim, long heads)
        : base(nameof(SelfAttention))
    {
        _heads = heads;
        _in_proj_weight = new Parameter(torch.empty(3 * dim, dim));
        _in_proj_bias = new Parameter(torch.zeros(3 * dim));
        _out_proj = Linear(dim, dim);
        using (torch.no_grad())
        {
            // torch.nn.MultiheadAttention's initialization: Xavier-uniform input projection, zero biases.
            init.xavier_uniform_(_in_proj_weight);
            ((Linear)_out_proj).bias!.zero_();
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], length = x.shape[1], dim = x.shape[2], head = dim / _heads;
        var qkv = functional.linear(x, _in_proj_weight, _in_proj_bias).view(n, length, 3, _heads, head).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        var attention = functional.softmax(q.matmul(k.transpose(-2, -1)) / Math.Sqrt(head), -1);
        var h = attention.matmul(v).transpose(1, 2).reshape(n, length, dim);
        return _out_proj.call(h).MoveToOuterDisposeScope();
    }

    // The same steps in ONNX: [N, L, 3D] → [3, N, heads, L, d], the scaled scores' softmax, the heads joined again.
    public string ToOnnx(OnnxGraph g, string x)
    {
        long dim = _in_proj_weight.shape[1], head = dim / _heads;
        var qkv = OnnxLayers.Linear(g, _in_proj_weight, _in_proj_bias, x);
        qkv = OnnxLayers.Transpose(g, OnnxLayers.Reshape(g, qkv, 0, 0, 3, _heads, head), 2, 0, 3, 1, 4);
        var (q, k, v) = (OnnxLayers.Select(g, qkv, 0, 0), OnnxLayers.Select(g, qkv, 0, 1), OnnxLayers.Select(g, qkv, 0, 2));
        var scores = g.Node("Div", new[] { g.Node("MatMul", new[] { q, OnnxLayers.Transpose(g, k, 0, 1, 3, 2) }), g.Scalar((float)Math.Sqrt(head)) });
        var attention = g.Node("Softmax", new[] { scores }, OnnxGraph.Int("axis", -1));
        var h = OnnxLayers.Transpose(g, g.Node("MatMul", new[] { attention, v }), 0, 2, 1, 3);
        return g.Layer(_out_proj, OnnxLayers.Reshape(g, h, 0, 0, dim));
    }
}

/// <summary>torchvision's <c>EncoderBlock</c>: x + attention(ln_1(x)), then + mlp(ln_2(x)), with stochastic depth on both branches.</summary>
internal sealed class EncoderBlock : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _ln_1;
    private readonly Module<Tensor, Tensor> _self_attention;
    private readonly Module<Tensor, Tensor> _ln_2;
    private readonly Module<Tensor, Tensor> _mlp;
    private readonly Module<Tensor, Tensor> _drop_path;

    public EncoderBlock(long dim, long heads, long mlpDim, double dropPath)
        : base(nameof(EncoderBlock))
    {
        _ln_1 = LayerNorm(dim, eps: 1e-6);
        _self_attention = new SelfAttention(dim, heads);
        _ln_2 = LayerNorm(dim, eps: 1e-6);
        var fc1 = Linear(dim, mlpDim);
        var fc2 = Linear(mlpDim, dim);
        using (torch.no_grad())
        {
            // torchvision's MLPBlock: Xavier-uniform weights, biases N(0, 1e-6).
            foreach (var fc in new[] { fc1, fc2 })
            {
                init.xavier_uniform_(fc.weight);
                init.normal_(fc.bias!, 0, 1e-6);
            }
        }

        _mlp = Sequential(fc1, GELU(), Dropout(0), fc2, Dropout(0));
        _drop_path = new StochasticDepth(dropPath);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x + _drop_path.call(_self_attention.call(_ln_1.call(x)));
        return (h + _drop_path.call(_mlp.call(_ln_2.call(h)))).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x)
    {
        var h = OnnxLayers.Add(g, x, g.Layer(_drop_path, g.Layer(_self_attention, g.Layer(_ln_1, x))));
        return OnnxLayers.Add(g, h, g.Layer(_drop_path, g.Layer(_mlp, g.Layer(_ln_2, h))));
    }
}

/// <summary>The patch embedding: a stride-p conv, flattened to tokens, the class token first, plus the position embeddings.</summary>
internal sealed class PatchEmbedding : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _conv_proj;
    private readonly Parameter _class_token;
    private readonly Parameter _pos_embedding;

    public PatchEmbedding(long channels, long patch, long dim, long tokens)
        : base(nameof(PatchEmbedding))
    {
        var conv = Conv2d(channels, dim, patch, stride: patch);
        _conv_proj = conv;
        _class_token = new Parameter(torch.zeros(1, 1, dim));
        _pos_embedding = new Parameter(torch.empty(1, tokens, dim));
        using (torch.no_grad())
        {
            // torchvision: conv_proj truncated normal with std √(1/fan in), position embeddings N(0, 0.02²).
            TorchvisionInit.TruncatedNormal(conv.weight, Math.Sqrt(1.0 / (channels * patch * patch)));
            conv.bias!.zero_();
            init.normal_(_pos_embedding, 0, 0.02);
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var patches = _conv_proj.call(x).flatten(2).transpose(1, 2);
        var tokens = torch.cat(new[] { _class_token.expand(x.shape[0], -1, -1), patches }, 1);
        return (tokens + _pos_embedding).MoveToOuterDisposeScope();
    }

    // The class token is expanded to the batch the graph is given: its shape is [batch of x, 1, D].
    public string ToOnnx(OnnxGraph g, string x)
    {
        long dim = _class_token.shape[2];
        var patches = OnnxLayers.Transpose(g, OnnxLayers.Reshape(g, g.Layer(_conv_proj, x), 0, dim, -1), 0, 2, 1);
        var batch = g.Node("Slice", new[] { g.Node("Shape", new[] { x }), g.Int64s(new[] { 0L }), g.Int64s(new[] { 1L }) });
        var shape = g.Node("Concat", new[] { batch, g.Int64s(new[] { 1L, dim }) }, OnnxGraph.Int("axis", 0));
        var classTokens = g.Node("Expand", new[] { g.Weight(_class_token), shape });
        var tokens = g.Node("Concat", new[] { classTokens, patches }, OnnxGraph.Int("axis", 1));
        return OnnxLayers.Add(g, tokens, g.Weight(_pos_embedding));
    }
}

/// <summary>The final LayerNorm, the class token, <c>heads.head</c>.</summary>
internal sealed class ClassTokenHead : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> _ln;
    private readonly Module<Tensor, Tensor> _head;

    public ClassTokenHead(long dim, int numClasses)
        : base(nameof(ClassTokenHead))
    {
        _ln = LayerNorm(dim, eps: 1e-6);
        var head = Linear(dim, numClasses);
        using (torch.no_grad())
        {
            // torchvision zero-initializes the head.
            head.weight.zero_();
            head.bias!.zero_();
        }

        _head = head;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _head.call(_ln.call(x)[.., 0]).MoveToOuterDisposeScope();
    }

    public string ToOnnx(OnnxGraph g, string x) => g.Layer(_head, OnnxLayers.Select(g, g.Layer(_ln, x), 1, 0));
}

/// <summary>
/// torchvision 0.14's <c>VisionTransformer</c> (Dosovitskiy et al., ICLR 2021) with its names (<c>conv_proj</c>,
/// <c>class_token</c>, <c>encoder.pos_embedding</c>, <c>encoder.layers.encoder_layer_N</c>, <c>heads.head</c>) and
/// forward: <c>vit-b-16</c> (ViT-B/16) and <c>deit-tiny</c> (DeiT-Ti, Touvron et al., ICML 2021: the same architecture
/// with 3 heads, hidden 192, MLP 768). Built for one square image size, divisible by the patch size; weights of another
/// size load with their position embeddings interpolated (bicubic, as torchvision's <c>interpolate_embeddings</c>),
/// and DeiT weights under timm's names load too. Stochastic depth (training only; torchvision's ViT has none): block i
/// of L drops its branches with probability <c>dropPath</c>·i/(L − 1), as timm's DeiT. Stages: the embedding, each
/// encoder block, the head.
/// </summary>
public sealed class VisionTransformer : StagedModel
{
    private readonly int _inputChannels;

    private VisionTransformer(string name, int inputChannels, int imageSize, int numClasses, int layers, long heads, long dim, long mlpDim, double dropPath)
        : base(name)
    {
        if (inputChannels < 1 || numClasses < 2 || imageSize < Patch || imageSize % Patch != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"{name} needs an image size divisible by its patch size {Patch}, ≥ 1 channel and ≥ 2 classes; got {imageSize}, {inputChannels} and {numClasses}.");
        }

        _inputChannels = inputChannels;
        ImageSize = imageSize;
        long grid = imageSize / Patch;
        var stages = new List<Module<Tensor, Tensor>> { new PatchEmbedding(inputChannels, Patch, dim, grid * grid + 1) };
        PublishAs("stage0.pos_embedding", "encoder.pos_embedding");
        PublishAs("stage0.", string.Empty);
        for (int i = 0; i < layers; i++)
        {
            stages.Add(new EncoderBlock(dim, heads, mlpDim, layers == 1 ? dropPath : dropPath * i / (layers - 1.0)));
            PublishAs($"stage{i + 1}.", $"encoder.layers.encoder_layer_{i}.");
        }

        stages.Add(new ClassTokenHead(dim, numClasses));
        PublishAs($"stage{layers + 1}.ln.", "encoder.ln.");
        PublishAs($"stage{layers + 1}.head.", "heads.head.");
        SetStages(stages.ToArray());
        RegisterComponents();
    }

    /// <summary>The patch size (16).</summary>
    public const int Patch = 16;

    /// <summary>The square image size the model was built for.</summary>
    public int ImageSize { get; }

    /// <summary>ViT-B/16: 12 layers, 12 heads, hidden 768, MLP 3072 (≈ 86M parameters).</summary>
    public static VisionTransformer VitB16(int inputChannels, int imageSize, int numClasses, double dropPath = 0) =>
        new("VitB16", inputChannels, imageSize, numClasses, 12, 12, 768, 3072, dropPath);

    /// <summary>DeiT-Tiny: 12 layers, 3 heads, hidden 192, MLP 768 (≈ 5.7M parameters).</summary>
    public static VisionTransformer DeitTiny(int inputChannels, int imageSize, int numClasses, double dropPath = 0) =>
        new("DeitTiny", inputChannels, imageSize, numClasses, 12, 3, 192, 768, dropPath);

    /// <inheritdoc />
    internal override Dictionary<string, Tensor> FromOtherConventions(Dictionary<string, Tensor> file, IReadOnlyDictionary<string, long[]> ours, Action<string>? note)
    {
        if (TimmNames.AreTimms(file))
        {
            file = TimmNames.ToTorchvision(file);
            note?.Invoke("the weights use timm's names (cls_token, pos_embed, blocks.N): mapped to torchvision's");
        }

        const string position = "encoder.pos_embedding";
        if (file.TryGetValue(position, out var loaded) && ours.TryGetValue(position, out var shape) && loaded.dim() == 3
            && loaded.shape[2] == shape[2] && loaded.shape[1] != shape[1])
        {
            file[position] = InterpolatePositions(loaded, shape[1], out long from, out long to);
            loaded.Dispose();
            note?.Invoke($"interpolated {position} from {from}×{from} to {to}×{to} patches (bicubic), for {ImageSize}-px images");
        }

        return file;
    }

    /// <summary>
    /// torchvision's <c>interpolate_embeddings</c>: the class token's embedding kept, the patch grid's resized bicubically
    /// (corners aligned) to the new grid.
    /// </summary>
    private static Tensor InterpolatePositions(Tensor positions, long tokens, out long from, out long to)
    {
        long dim = positions.shape[2];
        from = (long)Math.Round(Math.Sqrt(positions.shape[1] - 1));
        to = (long)Math.Round(Math.Sqrt(tokens - 1));
        if (from * from != positions.shape[1] - 1)
        {
            throw new ArgumentException($"encoder.pos_embedding holds {positions.shape[1]} positions, not a class token and a square grid.");
        }

        using var scope = NewDisposeScope();
        var grid = positions[.., 1..].permute(0, 2, 1).reshape(1, dim, from, from).to_type(ScalarType.Float32);
        var resized = functional.interpolate(grid, new[] { to, to }, mode: InterpolationMode.Bicubic, align_corners: true);
        var patches = resized.reshape(1, dim, to * to).permute(0, 2, 1).to_type(positions.dtype);
        return torch.cat(new[] { positions[.., ..1], patches }, 1).MoveToOuterDisposeScope();
    }

    private protected override void CheckInput(Tensor input)
    {
        if (input.shape.Length != 4 || input.shape[1] != _inputChannels || input.shape[2] != ImageSize || input.shape[3] != ImageSize)
        {
            throw new ArgumentException($"{GetName()} expects images [N, {_inputChannels}, {ImageSize}, {ImageSize}] (the size it was built for); got [{string.Join(", ", input.shape)}].", nameof(input));
        }
    }
}
