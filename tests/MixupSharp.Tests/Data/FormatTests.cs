using System;
using System.IO;
using System.Linq;
using MixupSharp.Training.Data;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Data;

public sealed class FormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IdxFilesLoadWithTheirPixelsLabelsAndClassNames(bool gzip)
    {
        DataFiles.WriteIdx(_dir, 12, 5, gzip);
        using var train = MnistFormat.Load(_dir, MnistVariant.FashionMnist, train: true);
        using var test = MnistFormat.Load(_dir, MnistVariant.FashionMnist, train: false);
        Assert.Equal(new long[] { 12, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(ScalarType.Byte, train.Images.dtype);
        Assert.Equal(5, test.Count);
        Assert.Equal(DataFiles.Pixel(7, 100), train.Images[7].flatten()[100].item<byte>());
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)(i % 10)), T.L(train.Labels));
        Assert.Equal("Ankle boot", train.ClassNames[9]);
        Assert.Equal("fashion-mnist/train", train.Name);
    }

    [Fact]
    public void IdxErrorsNameTheFileAndTheProblem()
    {
        DataFiles.WriteIdx(_dir, 4, 2, gzip: false);
        string images = Path.Combine(_dir, "train-images-idx3-ubyte");
        string labels = Path.Combine(_dir, "train-labels-idx1-ubyte");
        byte[] good = File.ReadAllBytes(images);

        File.WriteAllBytes(images, good.Take(good.Length - 10).ToArray());
        var e = Assert.Throws<DatasetFormatException>(() => MnistFormat.Load(_dir, MnistVariant.Mnist, true));
        Assert.Equal(images, e.FilePath);
        Assert.Contains("truncated", e.Message);
        Assert.Contains($"{good.Length}", e.Message);
        Assert.Contains($"{good.Length - 10}", e.Message);

        var wrongMagic = (byte[])good.Clone();
        wrongMagic[3] = 0x01;
        File.WriteAllBytes(images, wrongMagic);
        Assert.Contains("expected magic 0x00000803, got 0x00000801", Assert.Throws<DatasetFormatException>(() => MnistFormat.Load(_dir, MnistVariant.Mnist, true)).Message);

        File.WriteAllBytes(images, good.Concat(new byte[5]).ToArray());
        Assert.Contains("5 unexpected bytes", Assert.Throws<DatasetFormatException>(() => MnistFormat.Load(_dir, MnistVariant.Mnist, true)).Message);

        File.WriteAllBytes(images, good);
        IdxFormat.WriteLabels(labels, new byte[] { 1, 2, 3 });
        var count = Assert.Throws<DatasetFormatException>(() => MnistFormat.Load(_dir, MnistVariant.Mnist, true));
        Assert.Equal(labels, count.FilePath);
        Assert.Contains("3 labels but train-images-idx3-ubyte holds 4 images", count.Message);

        IdxFormat.WriteLabels(labels, new byte[] { 1, 2, 3, 12 });
        Assert.Contains("label 12", Assert.Throws<DatasetFormatException>(() => MnistFormat.Load(_dir, MnistVariant.Mnist, true)).Message);

        File.Delete(Path.Combine(_dir, "t10k-labels-idx1-ubyte"));
        Assert.Contains("missing split file", Assert.Throws<DatasetFormatException>(() => MnistFormat.Load(_dir, MnistVariant.Mnist, false)).Message);
    }

    [Fact]
    public void CorruptGzipIsNamed()
    {
        DataFiles.WriteIdx(_dir, 4, 2, gzip: true);
        string images = Path.Combine(_dir, "train-images-idx3-ubyte.gz");
        byte[] good = File.ReadAllBytes(images);
        File.WriteAllBytes(images, good.Take(good.Length / 2).ToArray());
        var e = Assert.Throws<DatasetFormatException>(() => MnistFormat.Load(_dir, MnistVariant.Mnist, true));
        Assert.Equal(images, e.FilePath);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cifar10LoadsFromTheParentOrTheFolderItself(bool parent)
    {
        string folder = DataFiles.WriteCifar10(_dir);
        using var train = CifarFormat.LoadCifar10(parent ? _dir : folder, train: true);
        using var test = CifarFormat.LoadCifar10(parent ? _dir : folder, train: false);
        Assert.Equal(new long[] { 15, 3, 32, 32 }, train.Images.shape);
        Assert.Equal(4, test.Count);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)(i % 10)), T.L(train.Labels));
        // Planes: R then G then B, row-major.
        Assert.Equal(DataFiles.Pixel(13, 1024 + (5 * 32) + 6), train.Images[13, 1, 5, 6].item<byte>());
        Assert.Equal("truck", train.ClassNames[9]);
    }

    [Fact]
    public void Cifar100FineByDefaultCoarseOnRequest()
    {
        DataFiles.WriteCifar100(_dir);
        using var fine = CifarFormat.LoadCifar100(_dir, train: true);
        using var coarse = CifarFormat.LoadCifar100(_dir, train: true, coarse: true);
        Assert.Equal(100, fine.NumClasses);
        Assert.Equal(20, coarse.NumClasses);
        Assert.Equal(Enumerable.Range(0, 5).Select(k => (long)((k * 7) % 100)), T.L(fine.Labels));
        Assert.Equal(Enumerable.Range(0, 5).Select(k => (long)(k % 20)), T.L(coarse.Labels));
        Assert.Equal("coarse3", coarse.ClassNames[3]);
    }

    [Fact]
    public void CifarErrorsNameTheFileAndTheProblem()
    {
        string folder = DataFiles.WriteCifar10(_dir);
        string batch = Path.Combine(folder, "data_batch_3.bin");
        byte[] good = File.ReadAllBytes(batch);
        File.WriteAllBytes(batch, good.Take(good.Length - 100).ToArray());
        var e = Assert.Throws<DatasetFormatException>(() => CifarFormat.LoadCifar10(_dir, true));
        Assert.Equal(batch, e.FilePath);
        Assert.Contains("not a whole number of 3073-byte records", e.Message);

        var badLabel = (byte[])good.Clone();
        badLabel[3073] = 10;
        File.WriteAllBytes(batch, badLabel);
        var label = Assert.Throws<DatasetFormatException>(() => CifarFormat.LoadCifar10(_dir, true));
        Assert.Equal(batch, label.FilePath);
        Assert.Contains("record 1 has label 10", label.Message);

        File.WriteAllBytes(batch, good);
        File.Delete(Path.Combine(folder, "test_batch.bin"));
        Assert.Contains("split file does not exist", Assert.Throws<DatasetFormatException>(() => CifarFormat.LoadCifar10(_dir, false)).Message);

        Assert.Contains("cifar-100-binary", Assert.Throws<DatasetFormatException>(() => CifarFormat.LoadCifar100(_dir, true)).Message);
    }
}
