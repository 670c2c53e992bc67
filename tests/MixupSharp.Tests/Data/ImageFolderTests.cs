using System;
using System.IO;
using System.Linq;
using MixupSharp.Training.Data;
using MixupSharp.Tests.Support;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-folder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void WriteImage(string cls, string name, SKColor color, int size = 16, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.Combine(_dir, cls));
        using var bitmap = new SKBitmap(size, size);
        bitmap.Erase(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 95);
        File.WriteAllBytes(Path.Combine(_dir, cls, name), data.ToArray());
    }

    [Fact]
    public void ClassesAreSortedByNameAndImagesDecodedAndResized()
    {
        WriteImage("zebra", "a.png", new SKColor(255, 0, 0));
        WriteImage("apple", "b.jpg", new SKColor(0, 0, 255), format: SKEncodedImageFormat.Jpeg);
        WriteImage("apple", "a.png", new SKColor(0, 255, 0), size: 40);
        File.WriteAllText(Path.Combine(_dir, "apple", "notes.txt"), "ignored: not an image extension");
        using var data = ImageFolder.Load(_dir, new ImageFolderOptions { Size = 8 });
        Assert.Equal(new[] { "apple", "zebra" }, data.ClassNames);
        Assert.Equal(new long[] { 3, 3, 8, 8 }, data.Images.shape);
        Assert.Equal(new long[] { 0, 0, 1 }, T.L(data.Labels));
        // apple/a.png (green, resized from 40), apple/b.jpg (blue, JPEG tolerance), zebra/a.png (red).
        Assert.Equal(new byte[] { 0, 255, 0 }, Enumerable.Range(0, 3).Select(c => data.Images[0, c, 4, 4].item<byte>()));
        Assert.InRange(data.Images[1, 2, 4, 4].item<byte>(), 240, 255);
        Assert.Equal(new byte[] { 255, 0, 0 }, Enumerable.Range(0, 3).Select(c => data.Images[2, c, 0, 0].item<byte>()));
        using var gray = ImageFolder.Load(_dir, new ImageFolderOptions { Size = 8, Grayscale = true });
        Assert.Equal(new long[] { 3, 1, 8, 8 }, gray.Images.shape);
        Assert.Equal(76, gray.Images[2, 0, 0, 0].item<byte>());   // 0.299·255
    }

    [Fact]
    public void ACorruptImageIsNamedOrSkippedWithAWarning()
    {
        WriteImage("cats", "good.png", SKColors.White);
        WriteImage("dogs", "good.png", SKColors.Black);
        string broken = Path.Combine(_dir, "dogs", "broken.png");
        File.WriteAllBytes(broken, new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 });
        var e = Assert.Throws<DatasetFormatException>(() => ImageFolder.Load(_dir));
        Assert.Equal(broken, e.FilePath);
        Assert.Contains("SkipCorrupt", e.Message);
        string? warning = null;
        using var data = ImageFolder.Load(_dir, new ImageFolderOptions { SkipCorrupt = true, Warn = w => warning = w });
        Assert.Equal(2, data.Count);
        Assert.Contains(broken, warning);
    }

    [Fact]
    public void AnEmptyClassFolderOrTooFewClassesAreErrors()
    {
        WriteImage("cats", "good.png", SKColors.White);
        Assert.Contains("at least 2", Assert.Throws<DatasetFormatException>(() => ImageFolder.Load(_dir)).Message);
        Directory.CreateDirectory(Path.Combine(_dir, "dogs"));
        var e = Assert.Throws<DatasetFormatException>(() => ImageFolder.Load(_dir));
        Assert.Equal(Path.Combine(_dir, "dogs"), e.FilePath);
        Assert.Contains("no .png, .jpg or .jpeg", e.Message);
        Assert.Contains("does not exist", Assert.Throws<DatasetFormatException>(() => ImageFolder.Load(Path.Combine(_dir, "nowhere"))).Message);
    }
}
