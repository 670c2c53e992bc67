using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Training.Data;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Data;

public sealed class LoaderAndTransformTests
{
    private static InMemoryDataset Synthetic(long n = 103, int classes = 10)
    {
        var images = (torch.arange(n, dtype: ScalarType.Int64).reshape(n, 1, 1, 1) % 256).expand(n, 1, 4, 4).contiguous().to_type(ScalarType.Byte);
        var labels = torch.arange(n, dtype: ScalarType.Int64) % classes;
        return new InMemoryDataset("synthetic", images, labels, Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void AnEpochServesEverySampleOnceAsFloatsInZeroOne(int prefetch)
    {
        using var data = Synthetic();
        using var g = new Generator(1);
        var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 10, Prefetch = prefetch }, g);
        var seen = new List<long>();
        foreach (var batch in loader.Epoch())
        {
            using (batch)
            {
                Assert.Equal(ScalarType.Float32, batch.Images.dtype);
                Assert.True(batch.Images.max().item<float>() <= 1f && batch.Images.min().item<float>() >= 0f);
                var indices = T.L(batch.Indices);
                Assert.Equal(indices.Select(i => (float)(i % 256) / 255f), T.F(batch.Images.select(2, 0).select(2, 0).squeeze(1)));
                Assert.Equal(indices.Select(i => i % 10), T.L(batch.Labels));
                seen.AddRange(indices);
            }
        }

        Assert.Equal(11, loader.BatchesPerEpoch);
        Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), seen.OrderBy(i => i));
        Assert.NotEqual(Enumerable.Range(0, 103).Select(i => (long)i), seen);   // shuffled
        Assert.Equal(11, loader.Statistics.Batches);
    }

    [Fact]
    public void PrefetchingServesTheSameBatchesAsLoadingOnDemandAndSeedsReproduce()
    {
        using var data = Synthetic();
        long[] Run(int prefetch)
        {
            using var g = new Generator(7);
            var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 16, Prefetch = prefetch, DropLast = true }, g);
            var all = new List<long>();
            foreach (var epoch in Enumerable.Range(0, 2))
            {
                foreach (var batch in loader.Epoch())
                {
                    using (batch)
                    {
                        Assert.Equal(16, batch.Labels.shape[0]);
                        all.AddRange(T.L(batch.Indices));
                    }
                }
            }

            return all.ToArray();
        }

        var onDemand = Run(0);
        Assert.Equal(onDemand, Run(3));
        Assert.Equal(2 * 96, onDemand.Length);   // drop-last: 6 full batches of 16 per epoch
        Assert.NotEqual(onDemand.Take(96), onDemand.Skip(96));   // each epoch draws a new order
    }

    [Fact]
    public void ResumingMidEpochContinuesFromTheSavedBatch()
    {
        using var data = Synthetic();
        using var g = new Generator(9);
        var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 10 }, g);
        long[] order = loader.NextOrder();
        var full = loader.Batches(order).Select(b => { using (b) { return T.L(b.Indices); } }).ToList();
        var resumed = loader.Batches(order, startBatch: 4).Select(b => { using (b) { return T.L(b.Indices); } }).ToList();
        Assert.Equal(full.Skip(4), resumed);
    }

    [Fact]
    public void LeavingAnEpochEarlyStopsTheProducer()
    {
        using var data = Synthetic(1000);
        using var g = new Generator(10);
        var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 10, Prefetch = 2 }, g);
        foreach (var batch in loader.Epoch().Take(3))
        {
            batch.Dispose();
        }

        Assert.Equal(3, loader.Statistics.Batches);
    }

    [Fact]
    public void StratifiedSubsetKeepsClassProportionsAndIsSeeded()
    {
        using var data = new InMemoryDataset("skewed", torch.zeros(new long[] { 1000, 1, 2, 2 }, dtype: ScalarType.Byte),
            torch.tensor(Enumerable.Range(0, 1000).Select(i => i < 600 ? 0L : i < 900 ? 1L : 2L).ToArray()), new[] { "a", "b", "c" });
        using var g1 = new Generator(3);
        using var subset = DatasetTransforms.StratifiedSubset(data, 100, g1);
        Assert.Equal(new long[] { 60, 30, 10 }, subset.ClassCounts());
        using var g2 = new Generator(3);
        using var again = DatasetTransforms.StratifiedSubset(data, 100, g2);
        T.SameBytes(subset.Labels, again.Labels);
        Assert.ThrowsAny<ArgumentException>(() => DatasetTransforms.StratifiedSubset(data, 2, g1));
    }

    [Fact]
    public void SymmetricNoiseFlipsAboutTheRateToADifferentClassAndRecordsWhich()
    {
        using var data = Synthetic(5000);
        using var g = new Generator(4);
        using var noisy = DatasetTransforms.WithSymmetricNoise(data, 0.4, g);
        var clean = T.L(noisy.CleanLabels);
        var labels = T.L(noisy.Dataset.Labels);
        var flipped = T.L(noisy.Flipped).ToHashSet();
        Assert.InRange(flipped.Count / 5000.0, 0.4 - 0.03, 0.4 + 0.03);
        for (int i = 0; i < 5000; i++)
        {
            Assert.Equal(flipped.Contains(i), labels[i] != clean[i]);
        }

        // Replacements are uniform over the 9 other classes.
        var shifts = flipped.Select(i => (labels[i] - clean[i] + 10) % 10).GroupBy(s => s).ToDictionary(s => s.Key, s => s.Count());
        Assert.Equal(9, shifts.Count);
        Assert.All(shifts.Values, c => Assert.InRange(c, flipped.Count / 9 * 0.7, flipped.Count / 9 * 1.3));
        Assert.Equal(clean, T.L(data.Labels));   // the original dataset is untouched
    }

    [Fact]
    public void TorchSharpDataLoaderBatchesCanBeAugmented()
    {
        using var x = torch.rand(4, 3, 8, 8);
        using var y = torch.tensor(new long[] { 0, 1, 2, 3 });
        var batches = new[] { new Dictionary<string, Tensor> { ["data"] = x, ["label"] = y } };
        var pipeline = new AugmentationPipeline(4, PipelineStep.Of(new Mixup(4)));
        using var g = new Generator(5);
        var results = batches.Augment(pipeline, g).ToList();
        using var result = Assert.Single(results);
        Assert.Equal(new long[] { 4, 4 }, result.Targets.shape);
        Assert.Throws<KeyNotFoundException>(() => batches.Augment(pipeline, g, inputKey: "images").ToList());
    }

    [Fact]
    public void StandardAugmentationFollowsTheDatasetRecipes()
    {
        Assert.Equal(2, StandardAugmentation.Steps(DatasetKind.Cifar10).Length);
        Assert.Single(StandardAugmentation.Steps(DatasetKind.Mnist));   // no flip for digits
        Assert.Equal(new[] { 0.4914, 0.4822, 0.4465 }, StandardAugmentation.Normalization(DatasetKind.Cifar10).Mean);
    }
}
