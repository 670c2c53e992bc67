// Classifies image files with a model exported by `mixup export --format onnx`, using ONNX Runtime and SkiaSharp
// alone (no TorchSharp, no MixupSharp). The model says how to read an image (its "preprocess" metadata), takes pixels
// in [0, 1] (the normalization is inside the graph) and names its classes ("class_names").
// Usage: MixupSharp.OnnxInference MODEL.onnx IMAGE...      prints "IMAGE: Class 93.1%, Class 4.2%, Class 0.9%" per image
using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: MixupSharp.OnnxInference MODEL.onnx IMAGE...");
    return 2;
}

using var session = new InferenceSession(args[0]);
var metadata = session.ModelMetadata.CustomMetadataMap;
string[] classes = JsonSerializer.Deserialize<string[]>(metadata["class_names"])!;
using var preprocess = JsonDocument.Parse(metadata["preprocess"]);
int[] inputShape = session.InputMetadata["pixels"].Dimensions;   // [N, C, S, S]
int channels = inputShape[1], size = inputShape[2];
int failed = 0;
foreach (string file in args.Skip(1))
{
    float[]? pixels = Read(file, channels, size, preprocess.RootElement, out string? problem);
    if (pixels is null)
    {
        Console.Error.WriteLine($"{file}: {problem}");
        failed++;
        continue;
    }

    var input = new DenseTensor<float>(pixels, new[] { 1, channels, size, size });
    using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("pixels", input) });
    float[] logits = results.Single().AsTensor<float>().ToArray();
    float max = logits.Max();
    double[] p = logits.Select(l => Math.Exp(l - max)).ToArray();
    double sum = p.Sum();
    var top = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).Take(Math.Min(3, p.Length));
    Console.WriteLine($"{file}: " + string.Join(", ", top.Select(i => string.Create(CultureInfo.InvariantCulture, $"{classes[i]} {p[i] / sum:P1}"))));
}

return failed == 0 ? 0 : 1;

// The image as the model's input, [C, S, S] in [0, 1], read as `mixup predict` reads it for this model.
static float[]? Read(string file, int channels, int size, JsonElement preprocess, out string? problem)
{
    problem = null;
    using var codec = SKCodec.Create(file);
    if (codec is null)
    {
        problem = "not a readable PNG or JPEG image";
        return null;
    }

    var info = codec.Info.WithColorType(SKColorType.Rgba8888);
    info.AlphaType = info.AlphaType == SKAlphaType.Unpremul ? SKAlphaType.Premul : info.AlphaType;
    using var image = new SKBitmap(info);
    if (codec.GetPixels(info, image.GetPixels()) != SKCodecResult.Success)
    {
        problem = "the image could not be decoded completely";
        return null;
    }

    byte[] rgba = new byte[size * size * 4];
    if (preprocess.GetProperty("resize").GetString() == "center-crop")
    {
        // The shorter side to floor(size / fraction), then the centre square: one linear resampling of that region.
        double fraction = preprocess.GetProperty("crop_fraction").GetDouble();
        double scale = Math.Floor(size / fraction) / Math.Min(image.Width, image.Height);
        int side = (int)Math.Min(Math.Round(size / scale), Math.Min(image.Width, image.Height));
        int left = (image.Width - side) / 2, top = (image.Height - side) / 2;
        using var region = new SKBitmap();
        image.ExtractSubset(region, new SKRectI(left, top, left + side, top + side));
        using var source = region.PeekPixels();
        var alpha = region.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul;
        using var target = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, alpha));
        using var targetPixels = target.PeekPixels();
        source.ScalePixels(targetPixels, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        target.Bytes.CopyTo(rgba, 0);
    }
    else
    {
        // The whole image squashed to the square (Mitchell cubic).
        using var resized = image.Resize(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKCubicResampler.Mitchell));
        resized.Bytes.CopyTo(rgba, 0);
    }

    // Planar [C, S, S] in [0, 1]; one channel is ITU-R 601 luma rounded to a byte, as training read it.
    var pixels = new float[channels * size * size];
    for (int i = 0; i < size * size; i++)
    {
        byte r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
        if (channels == 1)
        {
            pixels[i] = Math.Clamp(MathF.Round(0.299f * r + 0.587f * g + 0.114f * b), 0, 255) / 255f;
        }
        else
        {
            pixels[i] = r / 255f;
            pixels[size * size + i] = g / 255f;
            pixels[2 * size * size + i] = b / 255f;
        }
    }

    return pixels;
}
