using System;
using System.Collections;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Interop;

/// <summary>
/// The six torchvision-compatible models against Debian's torchvision 0.14 (tests/reference/torchvision_weights.py), in
/// both directions. Every parameter and buffer is overwritten with seeded random values on both sides first: fresh
/// weights would agree trivially (BatchNorm at (0, 1), ViT heads at zero). The state dicts are written at test time into
/// a temporary folder (vit_b_16 alone is 346 MB), never committed.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class TorchvisionWeightTests : IDisposable
{
    private static readonly string Script = Path.Combine(RepoPaths.RepoRoot, "tests", "reference", "torchvision_weights.py");
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-torchvision-").FullName;
    private readonly ITestOutputHelper _output;

    public TorchvisionWeightTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [RequiresTorchvisionTheory]
    [InlineData("resnet18", new[] { 224, 64 })]
    [InlineData("resnet50", new[] { 224, 64 })]
    [InlineData("mobilenet-v3-large", new[] { 224, 64 })]
    [InlineData("convnext-tiny", new[] { 224, 64 })]
    [InlineData("vit-b-16", new[] { 224 })]
    [InlineData("deit-tiny", new[] { 224 })]
    public void TorchvisionsWeightsGiveItsLogitsInOursAndOurExportLoadsStrictlyIntoTorchvisions(string name, int[] sizes)
    {
        RequiresTorchvisionTheoryAttribute.Check();
        Python("make", name, _dir, string.Join(' ', sizes));
        var io = PyTorchUnpickler.UnpickleStateDict(Path.Combine(_dir, "io.pt"));

        // torchvision → ours, through the import --init-from uses.
        using (var model = ModelFactory.Create(name, 3, 224, 10))
        {
            Assert.Empty(ModelImport.Load(model, Path.Combine(_dir, "torchvision.pt"), note: _output.WriteLine));
            model.eval();
            foreach (int size in sizes)
            {
                AssertClose($"{name} with torchvision's weights at {size} px", Logits(model, (Tensor)io[$"x_{size}"]!), (Tensor)io[$"logits_{size}"]!);
            }
        }

        // ours → torchvision: our own random weights, exported as .pt, loaded with strict=True.
        using (var ours = ModelFactory.Create(name, 3, 224, 10))
        {
            Randomize(ours, seed: 99);
            ours.eval();
            var batches = new Hashtable();
            var expected = sizes.ToDictionary(s => s, s => Logits(ours, (Tensor)io[$"x_{s}"]!));
            foreach (int size in sizes)
            {
                batches[$"x_{size}"] = io[$"x_{size}"];
            }

            string exported = Path.Combine(_dir, "ours.pt"), batchFile = Path.Combine(_dir, "ours-io.pt"), back = Path.Combine(_dir, "back.pt");
            ModelExport.Save(ours, ExportFormat.Pt, exported);
            PyTorchPickler.PickleStateDict(batchFile, batches);
            Python("check", name, exported, batchFile, back);
            var theirs = PyTorchUnpickler.UnpickleStateDict(back);
            foreach (int size in sizes)
            {
                AssertClose($"torchvision's {name} with our export at {size} px", (Tensor)theirs[$"logits_{size}"]!, expected[size]);
            }
        }
    }

    [RequiresTorchvisionFact]
    public void DeitWeightsUnderTimmsNamesLoadAndOtherSizesInterpolateThePositionEmbeddingsAsTorchvision()
    {
        RequiresTorchvisionTheoryAttribute.Check();
        Python("make", "deit-tiny", _dir, "224 64");
        var io = PyTorchUnpickler.UnpickleStateDict(Path.Combine(_dir, "io.pt"));
        var notes = new System.Collections.Generic.List<string>();

        using var timm = ModelFactory.Create("deit-tiny", 3, 224, 10);
        Assert.Empty(ModelImport.Load(timm, Path.Combine(_dir, "timm.pt"), note: notes.Add));
        Assert.Contains(notes, n => n.Contains("is a training checkpoint: using its state dict under 'model' (skipped: args, epoch)", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains("timm's names", StringComparison.Ordinal));
        timm.eval();
        AssertClose("deit-tiny from timm's names", Logits(timm, (Tensor)io["x_224"]!), (Tensor)io["logits_224"]!);

        using var small = ModelFactory.Create("deit-tiny", 3, 64, 10);
        Assert.Empty(ModelImport.Load(small, Path.Combine(_dir, "torchvision.pt"), note: notes.Add));
        Assert.Contains(notes, n => n.Contains("interpolated encoder.pos_embedding from 14×14 to 4×4 patches", StringComparison.Ordinal));
        small.eval();
        AssertClose("deit-tiny at 64 px from 224-px weights", Logits(small, (Tensor)io["x_64"]!), (Tensor)io["logits_64"]!);
    }

    /// <summary>Within atol 1e-5 + rtol 1e-4 of the largest |logit|.</summary>
    private void AssertClose(string what, Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double diff = (actual - expected).abs().max().item<float>();
        _output.WriteLine($"{what}: max |Δ| {diff:G3}, max |logit| {scale:G3}");
        Assert.True(scale > 1e-3, $"{what}: the logits are all near zero ({scale}); the comparison would be trivial");
        Assert.True(diff <= 1e-5 + 1e-4 * scale, $"{what}: logits differ by {diff} (max |logit| {scale})");
    }

    private static Tensor Logits(StagedModel model, Tensor x)
    {
        using var noGrad = torch.no_grad();
        return model.call(x);
    }

    /// <summary>The script's rules, from our side, on our published names.</summary>
    private static void Randomize(StagedModel model, int seed)
    {
        using var g = new Generator((ulong)seed);
        using var noGrad = torch.no_grad();
        foreach (var (key, t) in ModelExport.StateDict(model).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!torch.is_floating_point(t))
            {
                continue;
            }

            string leaf = key[(key.LastIndexOf('.') + 1)..];
            using var v = leaf switch
            {
                "running_var" => torch.rand(t.shape, generator: g) * 1.5 + 0.5,
                "running_mean" or "bias" => torch.randn(t.shape, generator: g) * 0.1,
                "layer_scale" => torch.rand(t.shape, generator: g) + 0.5,
                "weight" when t.dim() == 1 => torch.rand(t.shape, generator: g) + 0.5,
                "class_token" or "pos_embedding" => torch.randn(t.shape, generator: g) * 0.1,
                _ => torch.randn(t.shape, generator: g) / Math.Sqrt(t[0].numel()),
            };
            t.copy_(v);
        }
    }

    private void Python(params string[] arguments)
    {
        var run = ProcessRunner.Run(RequiresPyTorchFactAttribute.Python, $"{Script} {string.Join(' ', arguments)}", _dir, TimeSpan.FromMinutes(5));
        _output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, run.Output);
    }
}

/// <summary>
/// A theory that needs Debian's python3-torchvision (with python3-torch, run as /usr/bin/python3): skipped with the
/// reason where it is missing, except under CI=true, where .ci/run installs it and a missing one fails.
/// </summary>
public sealed class RequiresTorchvisionTheoryAttribute : TheoryAttribute
{
    public RequiresTorchvisionTheoryAttribute()
    {
        Skip = RequiresTorchvisionFactAttribute.SkipReason();
    }

    public static void Check() =>
        Assert.True(RequiresTorchvisionFactAttribute.TorchvisionIsThere(), $"{RequiresPyTorchFactAttribute.Python} cannot import torchvision: install python3-torchvision (CI=true requires it)");
}

/// <summary>The fact form of <see cref="RequiresTorchvisionTheoryAttribute"/>.</summary>
public sealed class RequiresTorchvisionFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> There = new(() =>
        File.Exists(RequiresPyTorchFactAttribute.Python)
        && ProcessRunner.Run(RequiresPyTorchFactAttribute.Python, "-c \"import torchvision\"", Path.GetTempPath(), TimeSpan.FromMinutes(1)).ExitCode == 0);

    public RequiresTorchvisionFactAttribute()
    {
        Skip = SkipReason();
    }

    public static bool TorchvisionIsThere() => There.Value;

    public static string? SkipReason() =>
        Environment.GetEnvironmentVariable("CI") != "true" && !TorchvisionIsThere()
            ? $"needs Debian's python3-torchvision for {RequiresPyTorchFactAttribute.Python} (apt-get install python3-torchvision libopenblas0-pthread); .ci/run installs it"
            : null;
}
