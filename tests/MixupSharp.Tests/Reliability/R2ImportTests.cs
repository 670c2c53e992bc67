using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Reliability;

/// <summary>
/// Reliability, second pass, item 20 (import): every file that is not a state dict we can load is refused in one line
/// naming it and what is wrong, and seeded mutations of valid .pt and safetensors files are refused so or load
/// consistently. Fixtures in tests/fixtures/import were written by Debian's PyTorch (make.py there).
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class R2ImportTests : IDisposable
{
    private const int CasesPerFormat = 160;
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-r2-import-").FullName;
    private readonly ITestOutputHelper _log;

    public R2ImportTests(ITestOutputHelper log) => _log = log;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures", "import", name);

    private static string Refused(string path)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => ModelImport.Read(path).Values.ToList().ForEach(t => t.Dispose()));
        Assert.StartsWith(path, e.Message);
        Assert.Single(e.Message.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("frame #", e.Message);
        Assert.DoesNotContain("Parameter '", e.Message);
        return e.Message;
    }

    [Fact]
    public void R2_Item20_FilesThatAreNotStateDictsAreNamedInOneLine()
    {
        string text = Path.Combine(_dir, "notes.pt");
        File.WriteAllText(text, "hello");
        Assert.Contains("neither a zip archive (.pt) nor a safetensors header", Refused(text));
        Assert.Contains("the file is empty", Refused("/dev/null"));
        string checkpoint = Path.Combine(_dir, "checkpoint.bin");
        File.WriteAllBytes(checkpoint, "MXSCKPT1"u8.ToArray().Concat(new byte[64]).ToArray());
        Assert.Contains("it is a MixupSharp checkpoint.bin", Refused(checkpoint));
        Assert.Contains("PyTorch's legacy format", Refused(Fixture("legacy.pt")));
        Assert.Contains("is a folder", Assert.ThrowsAny<ArgumentException>(() => ModelImport.Read(_dir)).Message);
        Assert.Contains("it holds a list, not a state dict", Refused(Fixture("list.pt")));
        Assert.Contains("it holds a single tensor, not a state dict", Refused(Fixture("tensor.pt")));
    }

    [Fact]
    public void R2_Item20_ASafetensorsFileLoadsWhateverItsNameAndABadHeaderIsRefusedBeforeAllocating()
    {
        var state = new Dictionary<string, Tensor> { ["w"] = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3) };
        string named = Path.Combine(_dir, "weights.pt");
        Safetensors.SaveStateDict(named, state);
        using (var loaded = ModelImport.Read(named)["w"])
        {
            T.SameBytes(state["w"], loaded);
        }

        byte[] file = File.ReadAllBytes(named);
        void Case(string name, byte[] bytes, string expected)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllBytes(path, bytes);
            Assert.Contains(expected, Refused(path));
        }

        Case("huge-length.safetensors", BitConverter.GetBytes(ulong.MaxValue - 5).Concat(file.Skip(8)).ToArray(), "its header claims");
        string header = Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToUInt64(file, 0));
        Case("huge-shape.safetensors", WithHeader(file, header.Replace("[2,3]", "[99999,99999]", StringComparison.Ordinal)), "has shape [99999,99999] of F32, which does not match its 24 bytes");
        Case("bad-dtype.safetensors", WithHeader(file, header.Replace("F32", "X9", StringComparison.Ordinal)), "has dtype X9");
        Case("bad-offsets.safetensors", WithHeader(file, header.Replace("[0,24]", "[0,2400]", StringComparison.Ordinal)), "outside the 24 bytes of data");
    }

    /// <summary>The file with its JSON header replaced (padded with spaces, as safetensors allows, to keep the data aligned).</summary>
    private static byte[] WithHeader(byte[] file, string header)
    {
        int old = (int)BitConverter.ToUInt64(file, 0);
        byte[] json = Encoding.UTF8.GetBytes(header.PadRight(Math.Max(old, header.Length)));
        return BitConverter.GetBytes((ulong)json.Length).Concat(json).Concat(file.Skip(8 + old)).ToArray();
    }

    [Fact]
    public void R2_Item20_AStateDictWithANonContiguousTensorIsRefusedSayingHowToSaveIt()
    {
        // TorchSharp.PyBridge 1.4.4 cannot read a strided storage; the line says how to write the file so it can.
        Assert.Contains("it holds a non-contiguous tensor, which TorchSharp.PyBridge cannot read; save it from PyTorch as {k: v.contiguous()", Refused(Fixture("nc.pt")));
    }

    [Fact]
    public void R2_Item20_FuzzedPtAndSafetensorsFilesAreRefusedInOneLineOrLoadConsistently()
    {
        using var model = ModelFactory.Create("seednet", 1, 28, 10);
        var state = ModelExport.StateDict(model);
        var expected = state.ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        string pt = Path.Combine(_dir, "valid.pt"), st = Path.Combine(_dir, "valid.safetensors");
        PyTorchPickler.PickleStateDict(pt, state);
        Safetensors.SaveStateDict(st, state);
        var outcomes = new Dictionary<string, int>();
        foreach (var (source, headerLength) in new[] { (pt, 400), (st, 8 + (int)BitConverter.ToUInt64(File.ReadAllBytes(st), 0)) })
        {
            byte[] valid = File.ReadAllBytes(source);
            var random = new Random(source.EndsWith(".pt", StringComparison.Ordinal) ? 11 : 12);
            for (int c = 0; c < CasesPerFormat; c++)
            {
                byte[] bytes = valid.ToArray();
                int kind = c % 4;
                if (kind == 0)
                {
                    bytes = bytes.Take(random.Next(bytes.Length)).ToArray();
                }
                else if (kind == 1)
                {
                    bytes[random.Next(Math.Min(headerLength, bytes.Length))] = (byte)random.Next(256);
                }
                else if (kind == 2)
                {
                    for (int k = 0, flips = 1 + random.Next(8); k < flips; k++)
                    {
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    }
                }
                else
                {
                    bytes = bytes.Concat(Enumerable.Range(0, 1 + random.Next(500)).Select(_ => (byte)random.Next(256))).ToArray();
                }

                string path = Path.Combine(_dir, $"case{c}{Path.GetExtension(source)}");
                File.WriteAllBytes(path, bytes);
                string outcome;
                try
                {
                    var loaded = ModelImport.Read(path);
                    foreach (var (name, tensor) in loaded)
                    {
                        if (expected.TryGetValue(name, out var shape))
                        {
                            Assert.Equal(shape, tensor.shape);
                        }

                        tensor.Dispose();
                    }

                    outcome = "loaded";
                }
                catch (ArgumentException e)
                {
                    Assert.StartsWith(path, e.Message);
                    Assert.Single(e.Message.TrimEnd('\n').Split('\n'));
                    outcome = "refused";
                }

                string key = $"{Path.GetExtension(source)} {outcome}";
                outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            }
        }

        _log.WriteLine(string.Join(", ", outcomes.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.Equal(2 * CasesPerFormat, outcomes.Values.Sum());
    }
}
