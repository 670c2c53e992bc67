using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using MixupSharp.Distortion;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Data;
using MixupSharp.Training.Interop.Onnx;
using MixupSharp.Training.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Interop;

/// <summary>
/// The ONNX export of every built-in model, run by ONNX Runtime in this process against our own forward (weights
/// perturbed so that no layer is near the identity and no head is zero), checked by Debian's python3-onnx.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class OnnxExportTests : IDisposable
{
    // ONNX Runtime and libtorch sum in different orders; 1e-4 on logits is the bound.
    private const float Tolerance = 1e-4f;

    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-onnx-").FullName;
    private readonly ITestOutputHelper _output;

    public OnnxExportTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every model at a size it takes, one batch of 3: the logits agree within 1e-4, at opset 17 and 13.</summary>
    [Theory]
    [InlineData("seednet", 1, 28, 17)]
    [InlineData("fast-resnet", 3, 32, 17)]
    [InlineData("preact-resnet18", 3, 32, 17)]
    [InlineData("wide-resnet", 3, 32, 17)]
    [InlineData("resnet18", 3, 224, 17)]
    [InlineData("resnet50", 3, 224, 17)]
    [InlineData("mobilenet-v3-large", 3, 224, 17)]
    [InlineData("convnext-tiny", 3, 224, 17)]
    [InlineData("convnext-tiny", 3, 64, 13)]
    [InlineData("vit-b-16", 3, 224, 17)]
    [InlineData("deit-tiny", 3, 224, 17)]
    [InlineData("deit-tiny", 3, 64, 13)]
    public void OnnxRuntimeGivesOurLogits(string name, int channels, int size, int opset)
    {
        using var model = Perturbed(name, channels, size, seed: 1);
        string path = Export(model, name, channels, size, opset, dynamicBatch: true);
        using var scope = NewDisposeScope();
        var pixels = torch.rand(new long[] { 3, channels, size, size }, generator: new Generator(7));
        var ours = Logits(model, Normalization(channels), pixels);
        var theirs = OnnxLogits(path, pixels);
        float gap = (ours - theirs).abs().max().item<float>();
        _output.WriteLine($"{name} at {size} px, opset {opset}: max |logit| {ours.abs().max().item<float>():G4}, max gap {gap:G3}");
        Assert.True(gap <= Tolerance, $"{name}: ONNX Runtime's logits differ from ours by up to {gap}");
    }

    /// <summary>The 28-px models on the whole Fashion-MNIST test set: at least 99.9% of argmaxes equal.</summary>
    [Theory]
    [InlineData("seednet")]
    [InlineData("fast-resnet")]
    public void OnTheWholeFashionMnistTestSetTheArgmaxesAgree(string name)
    {
        var test = MnistFormat.Load(DataLocator.Find(DatasetKind.FashionMnist), MnistVariant.FashionMnist, train: false);
        using var model = Perturbed(name, 1, 28, seed: 2);
        string path = Export(model, name, 1, 28, 17, dynamicBatch: true);
        var normalize = StandardAugmentation.Normalization(DatasetKind.FashionMnist);
        long same = 0, total = test.Images.shape[0];
        using var session = Session(path);
        for (long start = 0; start < total; start += 500)
        {
            using var scope = NewDisposeScope();
            var pixels = test.Images.narrow(0, start, Math.Min(500, total - start)).to_type(ScalarType.Float32).div_(255);
            var ours = Logits(model, normalize, pixels).argmax(1);
            var theirs = OnnxLogits(session, pixels).argmax(1);
            same += ours.eq(theirs).sum().item<long>();
        }

        _output.WriteLine($"{name}: {same} of {total} argmaxes equal");
        Assert.True(same >= 0.999 * total, $"{name}: only {same} of {total} argmaxes agree");
    }

    /// <summary>The graph's contract: input and output names and shapes, the metadata, a fixed batch of 1 unless asked.</summary>
    [Fact]
    public void TheGraphTakesPixelsAndCarriesTheClassNames()
    {
        using var model = Perturbed("seednet", 1, 28, seed: 3);
        string fixedBatch = Export(model, "seednet", 1, 28, 17, dynamicBatch: false);
        using var session = Session(fixedBatch);
        Assert.Equal(new[] { "pixels" }, session.InputMetadata.Keys);
        Assert.Equal(new[] { 1, 1, 28, 28 }, session.InputMetadata["pixels"].Dimensions);
        Assert.Equal(new[] { 1, 10 }, session.OutputMetadata["logits"].Dimensions);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(MnistFormat.FashionClassNames), metadata["class_names"]);
        using (var normalization = System.Text.Json.JsonDocument.Parse(metadata["normalization"]))
        {
            Assert.Equal(0.2860, normalization.RootElement.GetProperty("mean")[0].GetDouble());
            Assert.Equal(0.3530, normalization.RootElement.GetProperty("std")[0].GetDouble());
        }

        Assert.Equal("seednet", metadata["model"]);
        Assert.Equal("MixupSharp", session.ModelMetadata.ProducerName);

        string dynamic = Export(model, "seednet", 1, 28, 17, dynamicBatch: true);
        using var dynamicSession = Session(dynamic);
        Assert.Equal(-1, dynamicSession.InputMetadata["pixels"].Dimensions[0]);
    }

    /// <summary>An opset outside 13–17 and a layer with no ONNX form are errors that name them.</summary>
    [Fact]
    public void UnsupportedRequestsAreRefusedByName()
    {
        using var model = Perturbed("seednet", 1, 28, seed: 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Export(model, "seednet", 1, 28, 18, dynamicBatch: false));
        Assert.Contains("the ONNX opset must be 13–17; got 18", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Export(model, "seednet", 1, 28, 12, dynamicBatch: false));
    }

    /// <summary>Debian's python3-onnx 1.12: <c>check_model(full_check=True)</c> and strict shape inference, one model per family.</summary>
    [RequiresPythonOnnxTheory]
    [InlineData("seednet", 1, 28, 17)]              // conv, ReLU, max pool, linear
    [InlineData("preact-resnet18", 3, 32, 17)]      // residual, BatchNorm
    [InlineData("resnet18", 3, 64, 17)]
    [InlineData("mobilenet-v3-large", 3, 64, 17)]   // depthwise, squeeze-excitation, hard swish
    [InlineData("convnext-tiny", 3, 64, 17)]        // LayerNormalization, GELU through Erf
    [InlineData("convnext-tiny", 3, 64, 13)]        // LayerNorm through reductions
    [InlineData("deit-tiny", 3, 64, 17)]            // attention
    public void PythonOnnxChecksTheModelAndInfersItsShapes(string name, int channels, int size, int opset)
    {
        RequiresPythonOnnxTheoryAttribute.Check();
        using var model = Perturbed(name, channels, size, seed: 5);
        string path = Export(model, name, channels, size, opset, dynamicBatch: true);
        string script = Path.Combine(_dir, "check.py");
        File.WriteAllText(script, """
            import sys, onnx
            m = onnx.load(sys.argv[1])
            onnx.checker.check_model(m, full_check=True)
            inferred = onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
            out = inferred.graph.output[0].type.tensor_type.shape.dim
            print("ir", m.ir_version, "opset", m.opset_import[0].version, "output", [d.dim_param or d.dim_value for d in out])
            """);
        var run = ProcessRunner.Run(RequiresPyTorchFactAttribute.Python, $"{script} {path}", _dir, TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"ir 8 opset {opset} output ['batch', 10]", run.Output);
    }

    /// <summary>
    /// The model with its initial weights perturbed (BatchNorm's affine parameters, layer scales, zero heads and tokens all
    /// non-trivial) and BatchNorm's running statistics those of a batch, as training leaves them: without them a deep
    /// random ResNet-50's logits reach the hundreds, where float32 alone differs by more than 1e-4 between summation orders.
    /// </summary>
    internal static StagedModel Perturbed(string name, int channels, int size, int seed)
    {
        var model = name == "wide-resnet" ? new WideResNet(channels, 10, depth: 10, widen: 2) : ModelFactory.Create(name, channels, size, 10);
        var generator = new Generator((ulong)seed);
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in model.state_dict())
        {
            if (!tensor.is_floating_point())
            {
                continue;
            }

            // A constant tensor c (BatchNorm's ones and zeros, running statistics, a 1e-6 layer scale, a zero head)
            // becomes c + U(−½, ½)·max(|c|, 0.2); running variances stay positive.
            using var first = tensor.flatten()[0];
            float c = first.item<float>();
            if (tensor.eq(c).all().item<bool>())
            {
                using var noise = torch.rand(tensor.shape, generator: generator).sub_(0.5).mul_(Math.Max(Math.Abs(c), 0.2));
                tensor.add_(noise);
            }
        }

        var batchNorms = model.modules().OfType<TorchSharp.Modules.BatchNorm2d>().ToArray();
        if (batchNorms.Length > 0)
        {
            foreach (var bn in batchNorms)
            {
                bn.momentum = 1;
            }

            model.train();
            using var scope = NewDisposeScope();
            model.call(Normalization(channels).Transform(torch.rand(new long[] { 8, channels, size, size }, generator: generator)));
        }

        model.eval();
        return model;
    }

    private static Normalize Normalization(int channels) => channels == 1
        ? new Normalize(new[] { 0.2860 }, new[] { 0.3530 })
        : new Normalize(new[] { 0.485, 0.456, 0.406 }, new[] { 0.229, 0.224, 0.225 });

    private string Export(StagedModel model, string name, int channels, int size, int opset, bool dynamicBatch)
    {
        string path = Path.Combine(_dir, $"{name}-{size}-{opset}-{dynamicBatch}.onnx");
        OnnxExport.Save(model, new OnnxExportOptions
        {
            Channels = channels,
            ImageSize = size,
            Normalize = Normalization(channels),
            ClassNames = channels == 1 ? MnistFormat.FashionClassNames : Enumerable.Range(0, 10).Select(i => $"class {i}").ToArray(),
            Opset = opset,
            DynamicBatch = dynamicBatch,
            ModelName = name,
        }, path);
        return path;
    }

    private static Tensor Logits(StagedModel model, Normalize normalize, Tensor pixels)
    {
        using var noGrad = torch.no_grad();
        return model.call(normalize.Transform(pixels));
    }

    internal static InferenceSession Session(string path) =>
        new(path, new SessionOptions { IntraOpNumThreads = Math.Min(2, Environment.ProcessorCount), InterOpNumThreads = 1 });

    private static Tensor OnnxLogits(string path, Tensor pixels)
    {
        using var session = Session(path);
        return OnnxLogits(session, pixels);
    }

    internal static Tensor OnnxLogits(InferenceSession session, Tensor pixels)
    {
        float[] data = pixels.contiguous().data<float>().ToArray();
        var input = new DenseTensor(data, pixels.shape.Select(d => (int)d).ToArray());
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("pixels", input) });
        var logits = results.Single().AsTensor<float>();
        return torch.tensor(logits.ToArray(), logits.Dimensions.ToArray().Select(d => (long)d).ToArray());
    }
}

/// <summary>Skips where Debian's python3-onnx is missing (fails instead under <c>CI=true</c>, which installs it).</summary>
public sealed class RequiresPythonOnnxTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<bool> There = new(() =>
        File.Exists(RequiresPyTorchFactAttribute.Python)
        && ProcessRunner.Run(RequiresPyTorchFactAttribute.Python, "-c \"import onnx\"", Path.GetTempPath(), TimeSpan.FromMinutes(1)).ExitCode == 0);

    public RequiresPythonOnnxTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && !There.Value)
        {
            Skip = $"needs Debian's python3-onnx for {RequiresPyTorchFactAttribute.Python} (apt-get install python3-onnx); .ci/run installs it";
        }
    }

    public static void Check() => Assert.True(There.Value, $"{RequiresPyTorchFactAttribute.Python} cannot import onnx: install python3-onnx (CI=true requires it)");
}
