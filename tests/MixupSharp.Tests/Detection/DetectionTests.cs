using System;
using System.Linq;
using MixupSharp.Detection;
using MixupSharp.Distortion;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Detection;

/// <summary>Box batches, detection Mixup, Mosaic and affine transforms of boxes.</summary>
public sealed class DetectionTests
{
    private static BoxBatch Boxes(float[,,] boxes, long[,] labels)
    {
        long n = boxes.GetLength(0), k = boxes.GetLength(1);
        return new BoxBatch(torch.tensor(boxes.Cast<float>().ToArray(), new[] { n, k, 4L }), torch.tensor(labels.Cast<long>().ToArray(), new[] { n, k }));
    }

    [Fact]
    public void ABoxBatchChecksItsShapesAndNamesThem()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Contains("boxes must be floating [N, K, 4]", Assert.ThrowsAny<ArgumentException>(() => new BoxBatch(torch.zeros(2, 3), torch.zeros(new long[] { 2, 3 }, dtype: ScalarType.Int64))).Message);
        Assert.Contains("labels must be int64 [2, 3]", Assert.ThrowsAny<ArgumentException>(() => new BoxBatch(torch.zeros(2, 3, 4), torch.zeros(new long[] { 2, 2 }, dtype: ScalarType.Int64))).Message);
        var unit = torch.tensor(new float[] { 0, 0, 1, 1 });
        var none = torch.zeros(4);
        using var batch = new BoxBatch(torch.stack(new[] { unit, none, unit, unit, none, none }).reshape(2, 3, 4), torch.tensor(new long[] { 1, -1, 0, 2, -1, -1 }).reshape(2, 3));
        Assert.Equal(new float[] { 1, 0, 1, 1, 0, 0 }, T.F(batch.Weights));
        Assert.Contains("boxes are for 2 images but the batch has 3", Assert.ThrowsAny<ArgumentException>(() => new Mosaic().Apply(torch.rand(3, 1, 8, 8), batch)).Message);
        Assert.Contains("DetectionMixupOptions.Alpha", Assert.ThrowsAny<ArgumentException>(() => new DetectionMixup(new DetectionMixupOptions { Alpha = -1 })).Message);
        Assert.Contains("MosaicOptions.CenterRange", Assert.ThrowsAny<ArgumentException>(() => new Mosaic(new MosaicOptions { CenterRange = (0.5, 1.5) })).Message);
    }

    [Fact]
    public void DetectionMixupBlendsImagesAndKeepsBothImagesBoxesWeightedByLambda()
    {
        using var scope = torch.NewDisposeScope();
        var images = T.DistinctImages(4, 2, 6, 6);
        using var boxes = Boxes(
            new float[,,] { { { 0, 0, 2, 2 }, { 1, 1, 3, 3 } }, { { 2, 2, 4, 4 }, { 0, 0, 0, 0 } }, { { 0, 1, 5, 6 }, { 1, 0, 6, 5 } }, { { 3, 3, 6, 6 }, { 0, 0, 0, 0 } } },
            new long[,] { { 0, 1 }, { 2, -1 }, { 3, 4 }, { 5, -1 } });
        var op = new DetectionMixup();
        using var result = op.Apply(images, boxes, new Generator(3));
        var lambda = T.D(result.Parameters.Lambda);
        var partner = T.L(result.Parameters.Partner);
        Assert.Equal(new long[] { 4, 4, 4 }, result.Boxes.Boxes.shape.Take(2).Append(4).ToArray());
        for (int i = 0; i < 4; i++)
        {
            long p = partner[i];
            T.Close((images[i] * lambda[i]) + (images[p] * (1 - lambda[i])), result.Images[i], 1e-3);   // float32 values up to ~4,000
            T.SameBytes(boxes.Boxes[i], result.Boxes.Boxes[i, 0..2]);
            T.SameBytes(boxes.Boxes[p], result.Boxes.Boxes[i, 2..4]);
            Assert.Equal(T.L(boxes.Labels[i]), T.L(result.Boxes.Labels[i, 0..2]));
            var expectedOwn = T.D(boxes.Weights[i]).Select(w => w * lambda[i]).ToArray();
            Assert.Equal(expectedOwn, T.D(result.Boxes.Weights[i, 0..2]).ToArray(), new Tolerance(1e-6));
            if (p == i)
            {
                T.SameBytes(images[i], result.Images[i]);
                Assert.All(T.L(result.Boxes.Labels[i, 2..4]), l => Assert.Equal(-1, l));
            }
            else
            {
                Assert.Equal(T.L(boxes.Labels[p]), T.L(result.Boxes.Labels[i, 2..4]));
                var expectedPartner = T.D(boxes.Weights[p]).Select(w => w * (1 - lambda[i])).ToArray();
                Assert.Equal(expectedPartner, T.D(result.Boxes.Weights[i, 2..4]).ToArray(), new Tolerance(1e-6));
            }
        }

        using var replay = op.Apply(images, boxes, result.Parameters);
        T.SameBytes(result.Images, replay.Images);
        using var none = new DetectionMixup(new DetectionMixupOptions { Probability = 0 }).Apply(images, boxes, new Generator(3));
        T.SameBytes(images, none.Images);
    }

    [Fact]
    public void DetectionMixupLambdaFollowsBetaOfAlpha()
    {
        using var p = new DetectionMixup(new DetectionMixupOptions { Alpha = 1.5 }).Sample(3000, new Generator(12));
        var partner = T.L(p.Partner);
        var lambda = T.D(p.Lambda).Where((_, i) => partner[i] != i).ToArray();
        double ks = Stats.KolmogorovSmirnov(lambda, v => Stats.BetaCdf(v, 1.5, 1.5));
        Assert.True(ks < Stats.KsCritical001(lambda.Length), $"KS {ks:F4} over {lambda.Length} draws");
    }

    private sealed class Tolerance : System.Collections.Generic.IEqualityComparer<double>
    {
        private readonly double _tolerance;

        public Tolerance(double tolerance) => _tolerance = tolerance;

        public bool Equals(double x, double y) => Math.Abs(x - y) <= _tolerance;

        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public void MosaicComposesFourImagesAroundTheCentreAndShiftsClipsAndDropsBoxes()
    {
        using var scope = torch.NewDisposeScope();
        const long h = 32, w = 32;
        var images = T.DistinctImages(4, 3, h, w);
        using var boxes = Boxes(
            new float[,,]
            {
                { { 25, 26, 30, 31 }, { 0, 0, 8, 8 }, { 18, 20, 30, 30 }, { 10, 20, 21, 30 } },
                { { 0, 0, 32, 32 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
                { { 0, 0, 32, 32 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
                { { 1, 1, 3, 3 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
            },
            new long[,] { { 1, 2, 3, 4 }, { 5, -1, -1, -1 }, { 6, -1, -1, -1 }, { 7, -1, -1, -1 } });
        using var parameters = new MosaicParameters(torch.tensor(new long[] { 10, 12, 16, 16, 16, 16, 16, 16 }).reshape(4, 2), torch.tensor(new long[] { 0, 1, 2, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }).reshape(4, 4));
        using var result = new Mosaic().Apply(images, boxes, parameters);

        // Canvas 0, centre (10, 12): each quadrant shows the facing corner of its source image, pixel for pixel.
        var canvas = result.Images[0];
        T.SameBytes(images[0, .., (int)(h - 10)..(int)h, (int)(w - 12)..(int)w], canvas[.., 0..10, 0..12]);
        T.SameBytes(images[1, .., (int)(h - 10)..(int)h, 0..(int)(w - 12)], canvas[.., 0..10, 12..(int)w]);
        T.SameBytes(images[2, .., 0..(int)(h - 10), (int)(w - 12)..(int)w], canvas[.., 10..(int)h, 0..12]);
        T.SameBytes(images[3, .., 0..(int)(h - 10), 0..(int)(w - 12)], canvas[.., 10..(int)h, 12..(int)w]);
        Assert.Equal(new long[] { 4, 16, 4 }, result.Boxes.Boxes.shape);

        // Top-left quadrant (image 0 moved by (12 − 32, 10 − 32) = (−20, −22)):
        var b = T.D(result.Boxes.Boxes[0, 0..4]);
        var l = T.L(result.Boxes.Labels[0, 0..4]);
        Assert.Equal(new double[] { 5, 4, 10, 9 }, b.Take(4));       // fully visible: moved, same size
        Assert.Equal(-1, l[1]);                                         // outside the visible corner: dropped
        Assert.Equal(new double[] { 0, 0, 10, 8 }, b.Skip(8).Take(4));  // partly visible: clipped (80 of 120 px²)
        Assert.Equal(3, l[2]);
        Assert.Equal(-1, l[3]);                                         // a 1-pixel sliver: under MinSide, dropped

        // Image 1's full-image box in the top-right quadrant is clipped to that quadrant: [12, 0, 32, 10].
        Assert.Equal(new double[] { 12, 0, 32, 10 }, T.D(result.Boxes.Boxes[0, 4]));
        Assert.Equal(5, T.L(result.Boxes.Labels[0, 4])[0]);

        // Image 3's small box at (1, 1)-(3, 3) lands in the bottom-right quadrant at (13, 11)-(15, 13).
        Assert.Equal(new double[] { 13, 11, 15, 13 }, T.D(result.Boxes.Boxes[0, 12]));
        using var again = new Mosaic().Apply(images, boxes, new Generator(4));
        using var same = new Mosaic().Apply(images, boxes, again.Parameters);
        T.SameBytes(again.Images, same.Images);
        var c = T.L(again.Parameters.Centers);
        Assert.All(c, v => Assert.InRange(v, 8, 24));
    }

    [Fact]
    public void AffineBoxesAreTheEnclosingBoxesOfCornersMovedByTheRecordedMatrix()
    {
        using var scope = torch.NewDisposeScope();
        const long size = 16;
        using var boxes = Boxes(new float[,,] { { { 2, 3, 9, 7 } }, { { 0, 0, 16, 16 } }, { { 5, 5, 6, 6 } } }, new long[,] { { 1 }, { 2 }, { 3 } });
        using var draw = new RandomAffine(new RandomAffineOptions { Degrees = (-40, 40), Translate = (0.1, 0.1), Scale = (0.8, 1.2) }).Sample(new long[] { 3, 1, size, size }, new Generator(6));
        using var moved = RandomAffine.ApplyToBoxes(boxes, draw, size, size);
        var m = T.D(draw.Matrices);
        var result = T.D(moved.Boxes);
        var labels = T.L(moved.Labels);
        var source = T.D(boxes.Boxes);
        for (int i = 0; i < 3; i++)
        {
            double x1 = source[i * 4] - 0.5, y1 = source[(i * 4) + 1] - 0.5, x2 = source[(i * 4) + 2] - 0.5, y2 = source[(i * 4) + 3] - 0.5;
            var corners = new[] { (x1, y1), (x2, y1), (x1, y2), (x2, y2) }.Select(p => ((m[i * 9] * p.Item1) + (m[(i * 9) + 1] * p.Item2) + m[(i * 9) + 2] + 0.5, (m[(i * 9) + 3] * p.Item1) + (m[(i * 9) + 4] * p.Item2) + m[(i * 9) + 5] + 0.5)).ToArray();
            var expected = new[] { corners.Min(c => c.Item1), corners.Min(c => c.Item2), corners.Max(c => c.Item1), corners.Max(c => c.Item2) }
                .Select((v, j) => Math.Clamp(v, 0, size)).ToArray();
            if (labels[i] >= 0)
            {
                for (int j = 0; j < 4; j++)
                {
                    Assert.Equal(expected[j], result[(i * 4) + j], 4);
                }
            }
        }
    }

    [Fact]
    public void AQuarterTurnMovesABoxWhereTheWarpMovesItsPixels()
    {
        using var scope = torch.NewDisposeScope();
        const long size = 8;
        var image = torch.zeros(1, 1, size, size);
        image[0, 0, 0..2, 0..4] = torch.tensor(1f);       // the pixels of box [0, 0, 4, 2]
        using var boxes = Boxes(new float[,,] { { { 0, 0, 4, 2 } } }, new long[,] { { 1 } });
        using var turn = AffineMatrix.Rotation(90, (size - 1) / 2.0, (size - 1) / 2.0);
        var warped = AffineWarp.Apply(image, turn, Interpolation.Nearest);
        using var moved = BoxTransforms.Affine(boxes, turn, size, size);

        var on = (warped[0, 0] > 0.5).nonzero();
        var rows = T.L(on[.., 0]);
        var columns = T.L(on[.., 1]);
        Assert.Equal(new double[] { columns.Min(), rows.Min(), columns.Max() + 1, rows.Max() + 1 }, T.D(moved.Boxes[0, 0]));
    }
}
