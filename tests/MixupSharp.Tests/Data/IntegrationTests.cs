using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MixupSharp.Training.Data;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;
using MixupSharp.Cli;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Data;

[Collection(TorchGlobalState.Name)]
public sealed class IntegrationTests
{
    /// <summary>A TorchSharp dataset of 10 tiny images: data [3, 4, 4] filled with i/10, label i % 3.</summary>
    private sealed class TinyDataset : torch.utils.data.Dataset
    {
        public override long Count => 10;

        public override Dictionary<string, Tensor> GetTensor(long index) => new()
        {
            ["data"] = torch.full(new long[] { 3, 4, 4 }, index / 10f),
            ["label"] = torch.tensor(index % 3),
        };
    }

    [Fact]
    public void BatchesOfARealTorchSharpDataLoaderAreAugmented()
    {
        using var loader = torch.utils.data.DataLoader(new TinyDataset(), batchSize: 4, shuffle: false);
        var pipeline = new AugmentationPipeline(3, PipelineStep.Of(new CutMix(3, new CutMixOptions { Mode = MixMode.PerSample })));
        using var g = new Generator(1);
        int batches = 0;
        foreach (var result in loader.Augment(pipeline, g))
        {
            using (result)
            {
                batches++;
                Assert.Equal(new long[] { 3, 4, 4 }, result.Inputs.shape.Skip(1));
                T.Close(torch.ones(result.Targets.shape[0]), result.Targets.sum(1), 1e-6);
            }
        }

        Assert.Equal(3, batches);   // 4 + 4 + 2
    }

    [Fact]
    public void WithPrefetchATrainingSpeedConsumerNeverWaits()
    {
        // A consumer that takes 30 ms per step (far longer than preparing a batch) finds every batch after the first ready.
        using var data = new InMemoryDataset("tiny", torch.zeros(new long[] { 400, 1, 8, 8 }, dtype: ScalarType.Byte), torch.arange(400L) % 10, Enumerable.Range(0, 10).Select(i => $"{i}").ToArray());
        using var g = new Generator(2);
        var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 20, Prefetch = 2 }, g);
        foreach (var batch in loader.Epoch())
        {
            using (batch)
            {
                Thread.Sleep(30);
            }
        }

        Assert.Equal(20, loader.Statistics.Batches);
        Assert.True(loader.Statistics.Waits <= 1, $"the consumer waited for {loader.Statistics.Waits} of 20 batches");
    }

    [Fact]
    public void ProgressIsPrintedAsPlainLinesWhenNotATerminal()
    {
        var writer = new StringWriter();
        var bar = new ConsoleProgressBar(writer, interactive: false);
        bar.Report(new DownloadProgress("cifar-10-binary.tar.gz", 10 << 20, 20 << 20, TimeSpan.FromSeconds(2)));
        bar.Report(new DownloadProgress("cifar-10-binary.tar.gz", 20 << 20, 20 << 20, TimeSpan.FromSeconds(4)));
        string text = writer.ToString();
        Assert.Contains("cifar-10-binary.tar.gz: 10.0/20.0 MB (5.0 MB/s)", text);
        Assert.Contains("20.0/20.0 MB", text);
        Assert.DoesNotContain("\r", text);
        var terminal = new StringWriter();
        new ConsoleProgressBar(terminal, interactive: true).Report(new DownloadProgress("x", 5, 10, TimeSpan.FromSeconds(1)));
        Assert.Contains("[###############---------------]", terminal.ToString());
    }
}
