using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Google.Protobuf;
using MixupSharp.Distortion;
using MixupSharp.Training.Models;
using MixupSharp.Training.Runs;
using Onnx;
using static MixupSharp.Training.Interop.Onnx.OnnxLayers;

namespace MixupSharp.Training.Interop.Onnx;

/// <summary>What an ONNX export writes besides the model's layers.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The image channels the model takes.</summary>
    public required int Channels { get; init; }

    /// <summary>The square image size the model was trained at (the graph's fixed height and width).</summary>
    public required int ImageSize { get; init; }

    /// <summary>The normalization the model trained with; it becomes the graph's first nodes.</summary>
    public required Normalize Normalize { get; init; }

    /// <summary>The class names, in logit order; stored in the model's metadata as a JSON array under <c>class_names</c>.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>The ONNX operator set (13–17; 17, the default, has LayerNormalization).</summary>
    public int Opset { get; init; } = OnnxExport.DefaultOpset;

    /// <summary>A symbolic batch dimension (<c>batch</c>) instead of a batch of 1.</summary>
    public bool DynamicBatch { get; init; }

    /// <summary>
    /// How an image file becomes the model's square input, for the metadata's <c>preprocess</c>: null, the whole image
    /// resized to the square (Mitchell cubic: the in-memory datasets' read); a fraction, the evaluation transform of
    /// streamed runs (the shorter side to floor(size / fraction), then the centre square, resampled linearly).
    /// </summary>
    public double? CropFraction { get; init; }

    /// <summary>The model's name (the CLI's, e.g. <c>resnet18</c>), in the metadata.</summary>
    public string ModelName { get; init; } = "model";
}

/// <summary>
/// Writes a model as an ONNX file (IR version 8, opset 13–17), built from its layers (TorchSharp has no exporter), with
/// the weights embedded under the model's published names. The input is <c>pixels</c>, <c>float32 [N, C, H, W]</c> in
/// [0, 1]; the run's normalization is the graph's first two nodes (Sub mean, Div std), so a caller feeds decoded pixels
/// as they are. The output is <c>logits</c>, <c>[N, classes]</c> (no softmax). The metadata holds <c>class_names</c>
/// (a JSON array), <c>normalization</c>, <c>preprocess</c> (how an image file becomes the input, as <c>mixup predict</c>
/// reads it), <c>model</c> and <c>mixup_sharp_version</c>.
/// </summary>
public static class OnnxExport
{
    /// <summary>The operator set written unless another is asked for.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The oldest operator set the layers can be written in (Softmax over one axis, Squeeze's axes input).</summary>
    public const int MinOpset = 13;

    /// <summary>The newest operator set written: ONNX 1.12's, which Debian 12's python3-onnx checks.</summary>
    public const int MaxOpset = 17;

    /// <summary>The ONNX IR version written (ONNX 1.10–1.12).</summary>
    public const long IrVersion = 8;

    /// <summary>The graph's input name.</summary>
    public const string InputName = "pixels";

    /// <summary>The graph's output name.</summary>
    public const string OutputName = "logits";

    /// <summary>Writes <paramref name="model"/> (in evaluation mode) to <paramref name="path"/>, replacing it atomically.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An opset outside 13–17.</exception>
    /// <exception cref="NotSupportedException">A layer with no ONNX form (named).</exception>
    public static void Save(StagedModel model, OnnxExportOptions options, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var proto = Build(model, options);
        AtomicFile.WriteAllBytes(path, proto.ToByteArray());
    }

    /// <summary>The ONNX model of <paramref name="model"/>.</summary>
    internal static ModelProto Build(StagedModel model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Opset < MinOpset || options.Opset > MaxOpset)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Opset, $"the ONNX opset must be {MinOpset}–{MaxOpset}; got {options.Opset}.");
        }

        if (options.Normalize.Mean.Length != options.Channels || options.ClassNames.Count < 2)
        {
            throw new ArgumentException($"the export needs a normalization of {options.Channels} channels and ≥ 2 class names; got {options.Normalize.Mean.Length} and {options.ClassNames.Count}.", nameof(options));
        }

        bool training = model.training;
        model.eval();
        try
        {
            var names = ModelExport.StateDict(model).ToDictionary(kv => kv.Value.Handle, kv => kv.Key);
            var g = new OnnxGraph(options.Opset, names);
            using var mean = TorchSharp.torch.tensor(options.Normalize.Mean.Select(v => (float)v).ToArray()).view(1, -1, 1, 1);
            using var std = TorchSharp.torch.tensor(options.Normalize.Std.Select(v => (float)v).ToArray()).view(1, -1, 1, 1);
            var normalized = g.Node("Div", new[] { g.Node("Sub", new[] { InputName, g.Constant("normalization.mean", mean) }), g.Constant("normalization.std", std) });
            var logits = g.Layer(model, normalized);
            g.Proto.Node.Add(new NodeProto { OpType = "Identity", Name = OutputName, Input = { logits }, Output = { OutputName } });
            g.Proto.Name = options.ModelName;
            g.Proto.DocString = $"{options.ModelName}: pixels float32 [N, {options.Channels}, {options.ImageSize}, {options.ImageSize}] in [0, 1], normalized by the graph; logits [N, {options.ClassNames.Count}].";
            g.Proto.Input.Add(Value(InputName, options.DynamicBatch, options.Channels, options.ImageSize, options.ImageSize));
            g.Proto.Output.Add(Value(OutputName, options.DynamicBatch, options.ClassNames.Count));
            var proto = new ModelProto
            {
                IrVersion = IrVersion,
                ProducerName = "MixupSharp",
                ProducerVersion = BuildInfo.Version,
                Graph = g.Proto,
                DocString = g.Proto.DocString,
            };
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = options.Opset });
            Metadata(proto, "class_names", JsonSerializer.Serialize(options.ClassNames));
            Metadata(proto, "normalization", JsonSerializer.Serialize(new { mean = options.Normalize.Mean, std = options.Normalize.Std, applied = "in the graph: feed pixels in [0, 1]" }));
            Metadata(proto, "preprocess", options.CropFraction is { } fraction
                ? JsonSerializer.Serialize(new { resize = "center-crop", crop_fraction = fraction, filter = "linear", channels = options.Channels == 1 ? "luma-601" : "rgb" })
                : JsonSerializer.Serialize(new { resize = "squash", filter = "mitchell", channels = options.Channels == 1 ? "luma-601" : "rgb" }));
            Metadata(proto, "model", options.ModelName);
            Metadata(proto, "mixup_sharp_version", $"{BuildInfo.Version}+{BuildInfo.Commit}");
            return proto;
        }
        finally
        {
            model.train(training);
        }
    }

    private static void Metadata(ModelProto proto, string key, string value) => proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    // A float32 tensor value: [batch, dims...], the batch symbolic ("batch") or 1.
    private static ValueInfoProto Value(string name, bool dynamicBatch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dynamicBatch ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = 1 });
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
