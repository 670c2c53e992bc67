using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Data;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Reliability;

/// <summary>Reliability, second pass: stratified draws never empty a class (item 6), truncated images (7), predict's odd files (24).</summary>
[Collection(TorchGlobalState.Name)]
public sealed class R2DataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-r2-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static InMemoryDataset Classes(params long[] counts)
    {
        long n = counts.Sum();
        var labels = torch.tensor(counts.SelectMany((c, k) => Enumerable.Repeat((long)k, (int)c)).ToArray());
        return new InMemoryDataset("two", torch.zeros(new[] { n, 1L, 2, 2 }, dtype: ScalarType.Byte), labels, counts.Select((_, k) => $"c{k}").ToArray());
    }

    [Fact]
    public void R2_Item6_AValidationSplitLeavesEveryClassATrainingImage()
    {
        using var data = Classes(2, 40);
        var (held, rest) = DatasetTransforms.StratifiedSplit(data, 40, new Generator(1));
        using (held)
        using (rest)
        {
            Assert.Equal(new long[] { 1, 1 }, rest.ClassCounts());   // before: both class-a images went to validation
            Assert.Equal(new long[] { 1, 39 }, held.ClassCounts());
        }
    }

    [Fact]
    public void R2_Item6_ASubsetKeepsOneImagePerClassAndBalancedDataDrawsAsBefore()
    {
        using var skewed = Classes(1, 99);
        using (var subset = DatasetTransforms.StratifiedSubset(skewed, 10, new Generator(1)))
        {
            Assert.Equal(new long[] { 1, 9 }, subset.ClassCounts());   // before: 0 and 10
        }

        // Where no bound bites, the draw is plain largest-remainder rounding, as committed experiments were drawn.
        using var balanced = Classes(7, 7, 7);
        using var ten = DatasetTransforms.StratifiedSubset(balanced, 10, new Generator(1));
        Assert.Equal(new long[] { 4, 3, 3 }, ten.ClassCounts());
    }

    private string WritePng(string name, int size = 16)
    {
        using var bitmap = new SKBitmap(size, size);
        bitmap.Erase(new SKColor(200, 30, 30));
        using var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    [Fact]
    public void R2_Item7_ATruncatedPngIsUnreadableNotHalfDecoded()
    {
        string whole = WritePng("whole.png", 64);
        using (var ok = ImageFolder.ReadImage(whole, 16, grayscale: false))
        {
            Assert.Equal(new long[] { 3, 16, 16 }, ok.shape);
        }

        byte[] bytes = File.ReadAllBytes(whole);
        string half = Path.Combine(_dir, "half.png");
        File.WriteAllBytes(half, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DatasetFormatException>(() => ImageFolder.ReadImage(half, 16, grayscale: false));
        Assert.Contains($"{half}: ", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void R2_Item24_ExifOrientationIsIgnoredAsTorchvisionDoes()
    {
        // The fixture is red on the left, blue on the right, and tagged "rotate 90° to display" (tests/fixtures/images/make.py).
        string jpeg = Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures", "images", "exif-rotated.jpg");
        using var image = ImageFolder.ReadImage(jpeg, 8, grayscale: false);
        Assert.True(image[0, 4, 0].item<byte>() > 200 && image[2, 4, 0].item<byte>() < 50, "left column should be red");
        Assert.True(image[2, 4, 7].item<byte>() > 200 && image[0, 4, 7].item<byte>() < 50, "right column should be blue");
    }

    [Fact]
    public void R2_Item24_PredictSkipsFifosAndBadLinksSayingWhatTheyAreListsThemInJsonAndRefusesNothingToPredict()
    {
        string run = Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures", "old-grid", "mixup", "s5");
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "images")).FullName;
        File.Move(WritePng("a.png", 28), Path.Combine(folder, "a.png"));
        Assert.Equal(0, ProcessRunner.Run("mkfifo", Path.Combine(folder, "fifo.png"), _dir, TimeSpan.FromSeconds(10)).ExitCode);
        File.CreateSymbolicLink(Path.Combine(folder, "broken.png"), Path.Combine(_dir, "gone.png"));
        File.CreateSymbolicLink(Path.Combine(folder, "loop.png"), Path.Combine(folder, "loop.png"));
        string dashed = WritePng("-dash.png", 28);
        string json = Path.Combine(_dir, "out.json");

        var result = CliRunner.Run("predict", "--run", run, "--json", json, "--", folder, dashed);
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains($"warning: skipped {Path.Combine(folder, "fifo.png")}: a FIFO, not an image file", result.Err);
        Assert.True(result.Err.Contains($"warning: skipped {Path.Combine(folder, "broken.png")}: a broken symbolic link, not an image file", StringComparison.Ordinal), result.Err);
        Assert.True(result.Err.Contains($"warning: skipped {Path.Combine(folder, "loop.png")}: a symbolic link loop, not an image file", StringComparison.Ordinal), result.Err);
        Assert.Contains(dashed + ": ", result.Out);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var skipped = document.RootElement.EnumerateArray().Where(e => e.TryGetProperty("skipped", out _)).Select(e => e.GetProperty("file").GetString()).ToList();
        Assert.Equal(3, skipped.Count);
        Assert.Equal(2, document.RootElement.EnumerateArray().Count(e => e.TryGetProperty("top", out _)));

        string empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var nothing = CliRunner.Run("predict", "--run", run, empty);
        Assert.Equal(1, nothing.Code);
        Assert.Contains($"warning: skipped {empty}: a folder without .png, .jpg or .jpeg files", nothing.Err);
        Assert.Contains($"error: nothing was predicted: no readable .png, .jpg or .jpeg image in {empty}.", nothing.Err);
    }
}
