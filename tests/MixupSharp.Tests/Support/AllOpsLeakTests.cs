using System;
using System.Collections.Generic;
using MixupSharp.Composite;
using MixupSharp.Distortion;
using MixupSharp.Masking;
using MixupSharp.Mixing;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests;

/// <summary>Every op, sampled and applied repeatedly, leaves the live-tensor count where it was, and never touches the caller's tensors.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class AllOpsLeakTests
{
    public static IEnumerable<object[]> Ops()
    {
        yield return Case("RandomAffine", (x, y, g) => new RandomAffine(new RandomAffineOptions { ShearX = (-5, 5) }).Apply(x, g));
        yield return Case("RandomCrop", (x, y, g) => new RandomCrop().Apply(x, g));
        yield return Case("RandomHorizontalFlip", (x, y, g) => new RandomHorizontalFlip().Apply(x, g));
        yield return Case("Normalize", (x, y, g) => new DisposableTensor(new Normalize(new[] { 0.5 }, new[] { 0.25 }).Transform(x)));
        yield return Case("MaskDistortMix-linear", (x, y, g) => MaskDistortMix.Create(4).Apply(x, y, g));
        yield return Case("MaskDistortMix-geometric-append", (x, y, g) => MaskDistortMix.Create(4, new MaskDistortMixOptions { Blend = Blend.Geometric, Insertion = SyntheticInsertion.Append, MixPartners = true }).Apply(x, y, g));
        yield return Case("SequenceCutMix", (x, y, g) =>
        {
            var sequences = x.flatten(2);
            return new Both(new SequenceCutMix(4, new CutMixOptions { Mode = MixMode.PerSample }).Apply(sequences, y, g), sequences);
        });
        yield return Case("FMix", (x, y, g) => new FMix(4, new FMixOptions { MaxSoft = 0.1 }).Apply(x, y, g));
        yield return Case("FMix-sequences", (x, y, g) =>
        {
            var sequences = x.flatten(2);
            return new Both(new FMix(4).Apply(sequences, y, g), sequences);
        });
        yield return Case("ResizeMix", (x, y, g) => new ResizeMix(4).Apply(x, y, g));
        yield return Case("SaliencyMix", (x, y, g) => new SaliencyMix(4).Apply(x, y, g));
        yield return Case("SmoothMix", (x, y, g) => new SmoothMix(4, new SmoothMixOptions { Shape = SmoothMixShape.Square }).Apply(x, y, g));
        yield return Case("GridMix", (x, y, g) => new GridMix(4).Apply(x, y, g));
        yield return Case("DetectionMixup", (x, y, g) =>
        {
            var boxes = BoxesFor(x);
            return new Both(new MixupSharp.Detection.DetectionMixup().Apply(x, boxes, g), boxes);
        });
        yield return Case("Mosaic", (x, y, g) =>
        {
            var boxes = BoxesFor(x);
            return new Both(new MixupSharp.Detection.Mosaic().Apply(x, boxes, g), boxes);
        });
        yield return Case("AffineBoxes", (x, y, g) =>
        {
            using var draw = new RandomAffine().Sample(x.shape, g);
            using var boxes = BoxesFor(x);
            return RandomAffine.ApplyToBoxes(boxes, draw, x.shape[2], x.shape[3]);
        });
        yield return Case("RandAugment", (x, y, g) => new MixupSharp.Policies.RandAugment(new MixupSharp.Policies.RandAugmentOptions { MagnitudeStd = 1 }).Apply(x, g));
        yield return Case("TrivialAugmentWide", (x, y, g) => new MixupSharp.Policies.TrivialAugmentWide().Apply(x, g));
        yield return Case("AutoAugment", (x, y, g) => new MixupSharp.Policies.AutoAugment().Apply(x, g));
        yield return Case("AugMix", (x, y, g) => new MixupSharp.Policies.AugMix().Apply(x, g));
        yield return Case("ImageOps-Equalize", (x, y, g) => new DisposableTensor(MixupSharp.Policies.ImageOps.Apply(x, MixupSharp.Policies.PolicyOp.Equalize, new double[x.shape[0]])));
        yield return Case("AffineMatrix", (x, y, g) =>
        {
            using var r = AffineMatrix.Rotation(10, 3, 3);
            using var s = AffineMatrix.Shear(5, 5, 3, 3);
            using var m = AffineMatrix.Compose(r, s);
            return new DisposableTensor(AffineMatrix.Invert(m));
        });
    }

    /// <summary>Two boxes per image, one of them padding.</summary>
    private static MixupSharp.Detection.BoxBatch BoxesFor(Tensor x)
    {
        long n = x.shape[0];
        Tensor boxes, labels;
        using (NewDisposeScope())
        {
            boxes = torch.tensor(new float[] { 1, 1, 6, 6, 0, 0, 0, 0 }).reshape(1, 2, 4).repeat(n, 1, 1).MoveToOuterDisposeScope();
            labels = torch.tensor(new long[] { 1, -1 }).reshape(1, 2).repeat(n, 1).MoveToOuterDisposeScope();
        }

        return new MixupSharp.Detection.BoxBatch(boxes, labels);
    }

    private static object[] Case(string name, Func<Tensor, Tensor, Generator, IDisposable> run) => new object[] { name, run };

    [Theory]
    [MemberData(nameof(Ops))]
    public void RepeatedUseLeaksNothingAndLeavesTheCallersTensorsAlone(string name, Func<Tensor, Tensor, Generator, IDisposable> run)
    {
        using var g = new Generator(1);
        using var x = torch.rand(new long[] { 8, 3, 12, 12 }, generator: g);
        using var y = torch.tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 });
        var xBytes = T.Bytes(x);
        run(x, y, g).Dispose();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++)
        {
            run(x, y, g).Dispose();
        }

        Assert.True(live == DisposeScopeManager.Statistics.ThreadTotalLiveCount, $"{name} leaked {DisposeScopeManager.Statistics.ThreadTotalLiveCount - live} tensors over 10 calls");
        Assert.Equal(xBytes, T.Bytes(x));
    }

    private sealed class Both : IDisposable
    {
        private readonly IDisposable _a;
        private readonly IDisposable _b;

        public Both(IDisposable a, IDisposable b) => (_a, _b) = (a, b);

        public void Dispose()
        {
            _a.Dispose();
            _b.Dispose();
        }
    }

    private sealed class DisposableTensor : IDisposable
    {
        private readonly Tensor _t;

        public DisposableTensor(Tensor t) => _t = t;

        public void Dispose() => _t.Dispose();
    }
}
