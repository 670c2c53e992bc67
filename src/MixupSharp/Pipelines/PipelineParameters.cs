using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Masking;
using MixupSharp.Mixing;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Pipelines;

/// <summary>
/// Every parameter a pipeline drew, as one value: replay it, inspect it, or write it to JSON and read it back
/// (tensors are stored exactly: dtype, shape and little-endian bytes in base64). Owns its records.
/// </summary>
public sealed class PipelineParameters : IDisposable
{
    /// <summary>The JSON format version written by <see cref="ToJson"/>.</summary>
    public const int FormatVersion = 1;

    /// <summary>Wraps the record of the pipeline's root sequence.</summary>
    public PipelineParameters(StepParameters root) => Root = root ?? throw new ArgumentNullException(nameof(root));

    /// <summary>The record of the pipeline's root sequence; its children are the pipeline's steps.</summary>
    public StepParameters Root { get; }

    /// <summary>The records of the pipeline's top-level steps, in order.</summary>
    public IReadOnlyList<StepParameters> Steps => Root.Children;

    /// <summary>Writes these parameters as JSON.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format", FormatVersion);
            writer.WritePropertyName("root");
            ParameterJson.WriteStep(writer, Root);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads parameters written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not such JSON; the message says what is wrong and where.</exception>
    public static PipelineParameters FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            int format = root.GetProperty("format").GetInt32();
            if (format != FormatVersion)
            {
                throw new FormatException($"pipeline parameters have format {format}; this version reads format {FormatVersion}.");
            }

            return new PipelineParameters(ParameterJson.ReadStep(root.GetProperty("root"), "root"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"not valid pipeline parameters JSON: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Root.Dispose();
}

/// <summary>JSON for step records and the typed parameters of every MixupSharp op.</summary>
internal static class ParameterJson
{
    public static void WriteStep(Utf8JsonWriter w, StepParameters step)
    {
        w.WriteStartObject();
        w.WriteString("step", step.Step);
        w.WriteBoolean("applied", step.Applied);
        w.WriteNumber("choice", step.Choice);
        if (step.Values is not null)
        {
            w.WritePropertyName("values");
            WriteValues(w, step.Values);
        }

        w.WriteStartArray("children");
        foreach (var child in step.Children)
        {
            WriteStep(w, child);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static StepParameters ReadStep(JsonElement e, string path)
    {
        var children = new List<StepParameters>();
        IDisposable? values = null;
        try
        {
            int i = 0;
            foreach (var child in e.GetProperty("children").EnumerateArray())
            {
                children.Add(ReadStep(child, $"{path}.children[{i++}]"));
            }

            if (e.TryGetProperty("values", out var v))
            {
                values = ReadValues(v, $"{path}.values");
            }

            return new StepParameters(e.GetProperty("step").GetString()!, values, e.GetProperty("applied").GetBoolean(), e.GetProperty("choice").GetInt32(), children);
        }
        catch
        {
            values?.Dispose();
            children.ForEach(c => c.Dispose());
            throw;
        }
    }

    private static void WriteValues(Utf8JsonWriter w, IDisposable values)
    {
        w.WriteStartObject();
        switch (values)
        {
            case MixParameters p:
                w.WriteString("type", nameof(MixParameters));
                Tensors(w, ("lambda", p.Lambda), ("partner", p.Partner), ("boxes", p.Boxes), ("usesCutMix", p.UsesCutMix));
                break;
            case MaskParameters p:
                w.WriteString("type", nameof(MaskParameters));
                Tensors(w, ("mask", p.Mask), ("fill", p.Fill), ("applied", p.Applied), ("regions", p.Regions));
                break;
            case AffineParameters p:
                w.WriteString("type", nameof(AffineParameters));
                Tensors(w, ("matrices", p.Matrices), ("applied", p.Applied));
                break;
            case CropParameters p:
                w.WriteString("type", nameof(CropParameters));
                w.WriteNumber("padding", p.Padding);
                w.WriteNumber("height", p.Height);
                w.WriteNumber("width", p.Width);
                Tensors(w, ("offsets", p.Offsets));
                break;
            case FlipParameters p:
                w.WriteString("type", nameof(FlipParameters));
                Tensors(w, ("flipped", p.Flipped));
                break;
            case MaskMixParameters p:
                w.WriteString("type", nameof(MaskMixParameters));
                Tensors(w, ("masks", p.Masks), ("partner", p.Partner), ("lambda", p.Lambda), ("boxes", p.Boxes));
                break;
            case ResizeMixParameters p:
                w.WriteString("type", nameof(ResizeMixParameters));
                w.WriteNumber("scale", p.Scale);
                Tensors(w, ("boxes", p.Boxes), ("partner", p.Partner), ("lambda", p.Lambda));
                break;
            case Policies.PolicyParameters p:
                w.WriteString("type", nameof(Policies.PolicyParameters));
                Tensors(w, ("ops", p.Ops), ("magnitudes", p.Magnitudes));
                break;
            case Policies.AugMixParameters p:
                w.WriteString("type", nameof(Policies.AugMixParameters));
                Tensors(w, ("originalWeights", p.OriginalWeights), ("chainWeights", p.ChainWeights), ("ops", p.Ops), ("magnitudes", p.Magnitudes));
                break;
            case IMaskDistortMixParameters p:
                w.WriteString("type", "MaskDistortMixParameters");
                Tensors(w, ("lambda", p.Lambda), ("partner", p.Partner), ("selected", p.Selected));
                w.WritePropertyName("masking");
                WriteValues(w, p.Masking);
                w.WritePropertyName("distortion");
                WriteValues(w, p.Distortion);
                break;
            default:
                throw new NotSupportedException($"parameters of type {values.GetType().Name} cannot be written to JSON.");
        }

        w.WriteEndObject();
    }

    private static IDisposable ReadValues(JsonElement e, string path)
    {
        string type = e.GetProperty("type").GetString()!;
        var tensors = e.GetProperty("tensors");
        Tensor T(string name) => ReadTensor(tensors.GetProperty(name), $"{path}.tensors.{name}");
        Tensor? Optional(string name) => tensors.TryGetProperty(name, out var t) && t.ValueKind != JsonValueKind.Null ? ReadTensor(t, $"{path}.tensors.{name}") : null;
        switch (type)
        {
            case nameof(MixParameters):
                return new MixParameters(T("lambda"), T("partner"), Optional("boxes"), Optional("usesCutMix"));
            case nameof(MaskParameters):
                return new MaskParameters(T("mask"), T("fill"), T("applied"), Optional("regions"));
            case nameof(AffineParameters):
                return new AffineParameters(T("matrices"), T("applied"));
            case nameof(CropParameters):
                return new CropParameters(T("offsets"), e.GetProperty("padding").GetInt64(), e.GetProperty("height").GetInt64(), e.GetProperty("width").GetInt64());
            case nameof(FlipParameters):
                return new FlipParameters(T("flipped"));
            case nameof(MaskMixParameters):
                return new MaskMixParameters(T("masks"), T("partner"), T("lambda"), Optional("boxes"));
            case nameof(ResizeMixParameters):
                return new ResizeMixParameters(e.GetProperty("scale").GetDouble(), T("boxes"), T("partner"), T("lambda"));
            case nameof(Policies.PolicyParameters):
                return new Policies.PolicyParameters(T("ops"), T("magnitudes"));
            case nameof(Policies.AugMixParameters):
                return new Policies.AugMixParameters(T("originalWeights"), T("chainWeights"), T("ops"), T("magnitudes"));
            case "MaskDistortMixParameters":
                var masking = (MaskParameters)ReadValues(e.GetProperty("masking"), $"{path}.masking");
                var distortion = ReadValues(e.GetProperty("distortion"), $"{path}.distortion");
                var generic = typeof(MaskDistortMixParameters<>).MakeGenericType(distortion.GetType());
                return (IDisposable)Activator.CreateInstance(generic, T("lambda"), T("partner"), T("selected"), masking, distortion)!;
            default:
                throw new FormatException($"{path}: unknown parameter type '{type}'.");
        }
    }

    private static void Tensors(Utf8JsonWriter w, params (string Name, Tensor? Tensor)[] tensors)
    {
        w.WriteStartObject("tensors");
        foreach (var (name, tensor) in tensors)
        {
            w.WritePropertyName(name);
            if (tensor is null)
            {
                w.WriteNullValue();
                continue;
            }

            using var contiguous = tensor.cpu().contiguous();
            w.WriteStartObject();
            w.WriteString("dtype", tensor.dtype.ToString());
            w.WriteStartArray("shape");
            foreach (long d in tensor.shape)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteBase64String("data", contiguous.bytes);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static Tensor ReadTensor(JsonElement e, string path)
    {
        if (!Enum.TryParse<ScalarType>(e.GetProperty("dtype").GetString(), out var dtype))
        {
            throw new FormatException($"{path}: unknown dtype '{e.GetProperty("dtype").GetString()}'.");
        }

        long[] shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        byte[] data = e.GetProperty("data").GetBytesFromBase64();
        var tensor = torch.empty(shape, dtype: dtype);
        if (tensor.bytes.Length != data.Length)
        {
            long expected = tensor.bytes.Length;
            tensor.Dispose();
            throw new FormatException($"{path}: a {dtype} tensor {MixupSharp.Internal.Guard.Shape(shape)} needs {expected} bytes; the JSON holds {data.Length}.");
        }

        tensor.bytes = data;
        return tensor;
    }
}
