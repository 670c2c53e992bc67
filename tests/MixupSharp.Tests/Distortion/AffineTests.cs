using System;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Distortion;

public sealed class AffineTests
{
    private static Tensor Images(long n, long c, long h, long w, ulong seed = 1)
    {
        using var g = new Generator(seed);
        return torch.rand(new[] { n, c, h, w }, generator: g);
    }

    /// <summary>A smooth image (low-frequency waves), where interpolation error is small.</summary>
    private static Tensor Smooth(long n, long h, long w)
    {
        var y = torch.arange(h, dtype: ScalarType.Float32).reshape(1, 1, h, 1);
        var x = torch.arange(w, dtype: ScalarType.Float32).reshape(1, 1, 1, w);
        var k = torch.arange(1, n + 1, dtype: ScalarType.Float32).reshape(n, 1, 1, 1);
        return (0.5f + (0.25f * ((x * 0.15f * k).sin() + (y * 0.11f).cos()))).expand(n, 1, h, w).contiguous();
    }

    [Fact]
    public void IdentityMatricesReturnTheInputExactly()
    {
        using var x = Images(3, 2, 9, 11);
        using var identity = AffineMatrix.Identity(3);
        using var warped = AffineWarp.Apply(x, identity);
        T.SameBytes(x, warped);
    }

    [Fact]
    public void NinetyDegreeRotationEqualsRot90()
    {
        using var x = Images(4, 3, 12, 12);
        using var rot = AffineMatrix.Rotation(90, 5.5, 5.5);
        using var expected = x.rot90(1, (2, 3));
        using var nearest = AffineWarp.Apply(x, rot, Interpolation.Nearest);
        T.SameBytes(expected, nearest);
        using var bilinear = AffineWarp.Apply(x, rot, Interpolation.Bilinear);
        T.Close(expected, bilinear, 1e-5);
    }

    [Theory]
    [InlineData(6, 8)]
    [InlineData(8, 6)]
    [InlineData(5, 9)]
    public void RotationOfANonSquareImageMovesEveryPixelWhereTheMatrixSays(int h, int w)
    {
        // 90° about a pixel corner-aligned centre maps pixel centres to pixel centres: check every pixel's destination.
        using var x = T.DistinctImages(1, 1, h, w);
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        using var m = AffineMatrix.Compose(AffineMatrix.Translation(0.5 * ((w - h) % 2), 0), AffineMatrix.Rotation(90, cx, cy));
        using var warped = AffineWarp.Apply(x, m, Interpolation.Nearest);
        var M = T.D(m);
        var input = T.F(x);
        var output = T.F(warped);
        var expected = new float[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int xx = 0; xx < w; xx++)
            {
                double ox = (M[0] * xx) + (M[1] * y) + M[2], oy = (M[3] * xx) + (M[4] * y) + M[5];
                int ix = (int)Math.Round(ox), iy = (int)Math.Round(oy);
                Assert.True(Math.Abs(ox - ix) < 1e-9 && Math.Abs(oy - iy) < 1e-9, "the test matrix must map centres to centres");
                if (ix >= 0 && ix < w && iy >= 0 && iy < h)
                {
                    expected[(iy * w) + ix] = input[(y * w) + xx];
                }
            }
        }

        Assert.Equal(expected, output);
    }

    [Fact]
    public void ShearAndScaleOfANonSquareImageFollowTheInverseMap()
    {
        // Bilinear warp of a linear ramp is exact inside the image: out(p) = ramp(M⁻¹·p).
        const int h = 12, w = 20;
        var ramp = (torch.arange(w, dtype: ScalarType.Float64).reshape(1, 1, 1, w) * 0.3 + torch.arange(h, dtype: ScalarType.Float64).reshape(1, 1, h, 1) * 0.7).expand(1, 1, h, w).contiguous();
        using var m = AffineMatrix.Compose(AffineMatrix.Shear(10, -5, 9.5, 5.5), AffineMatrix.Scale(1.2, 0.9, 9.5, 5.5), AffineMatrix.Rotation(7, 9.5, 5.5));
        using var warped = AffineWarp.Apply(ramp, m, Interpolation.Bilinear, WarpPadding.Border);
        var inv = T.D(AffineMatrix.Invert(m));
        var output = T.D(warped);
        int checkedPixels = 0;
        for (int y = 0; y < h; y++)
        {
            for (int xx = 0; xx < w; xx++)
            {
                double sx = (inv[0] * xx) + (inv[1] * y) + inv[2], sy = (inv[3] * xx) + (inv[4] * y) + inv[5];
                if (sx < 0 || sx > w - 1 || sy < 0 || sy > h - 1)
                {
                    continue;
                }

                checkedPixels++;
                Assert.Equal((0.3 * sx) + (0.7 * sy), output[(y * w) + xx], 9);
            }
        }

        Assert.True(checkedPixels > 150);
    }

    [Fact]
    public void ClosedFormRandomAffineMatchesComposingTheBuilders()
    {
        using var g = new Generator(21);
        var options = new RandomAffineOptions { Degrees = (-40, 40), Translate = (0.2, 0.3), Scale = (0.7, 1.3), ShearX = (-15, 15), ShearY = (-10, 10) };
        using var p = new RandomAffine(options).Sample(new long[] { 16, 1, 14, 22 }, g);
        using var g2 = new Generator(21);
        var u = Enumerable.Range(0, 7).Select(_ => 0).ToArray();
        double[] draws = T.D(torch.rand(7 * 16, dtype: ScalarType.Float64, generator: g2));
        double U(int row, int i, (double Min, double Max) r) => r.Min + (draws[(row * 16) + i] * (r.Max - r.Min));
        for (int i = 0; i < 16; i++)
        {
            double cx = 10.5, cy = 6.5;
            using var expected = AffineMatrix.Compose(
                AffineMatrix.Translation(U(2, i, (-0.2 * 22, 0.2 * 22)), U(3, i, (-0.3 * 14, 0.3 * 14))),
                AffineMatrix.Rotation(U(1, i, options.Degrees), cx, cy),
                AffineMatrix.Shear(U(5, i, options.ShearX), U(6, i, options.ShearY), cx, cy),
                AffineMatrix.Scale(U(4, i, options.Scale), U(4, i, options.Scale), cx, cy));
            T.Close(expected, p.Matrices.narrow(0, i, 1), 1e-12);
        }
    }

    [Fact]
    public void WholePixelTranslationIsAShiftedCopyWithZeroFill()
    {
        using var x = Images(2, 1, 8, 10);
        using var shift = AffineMatrix.Translation(3, -2);   // right by 3, up by 2
        using var warped = AffineWarp.Apply(x, shift);
        using var expected = torch.zeros_like(x);
        expected[.., .., 0..6, 3..10] = x[.., .., 2..8, 0..7];
        T.Close(expected, warped, 1e-6);
    }

    [Fact]
    public void ComposingTwoMatricesEqualsApplyingThemOneAfterTheOther()
    {
        // Exact with pixel-centre-preserving maps and nearest sampling...
        using var x = Images(2, 3, 10, 10);
        using var a = AffineMatrix.Rotation(90, 4.5, 4.5);
        using var b = AffineMatrix.Translation(2, 1);
        using var twoSteps = AffineWarp.Apply(AffineWarp.Apply(x, a, Interpolation.Nearest), b, Interpolation.Nearest);
        using var oneStep = AffineWarp.Apply(x, AffineMatrix.Compose(b, a), Interpolation.Nearest);
        T.SameBytes(twoSteps, oneStep);

        // ...and within interpolation tolerance for general maps on a smooth image, away from the border.
        using var s = Smooth(2, 40, 40);
        using var r = AffineMatrix.Rotation(10, 19.5, 19.5);
        using var sc = AffineMatrix.Scale(1.1, 0.95, 19.5, 19.5);
        using var stepwise = AffineWarp.Apply(AffineWarp.Apply(s, r), sc);
        using var composed = AffineWarp.Apply(s, AffineMatrix.Compose(sc, r));
        T.Close(composed[.., .., 8..32, 8..32], stepwise[.., .., 8..32, 8..32], 0.02);
    }

    [Fact]
    public void AMatrixTimesItsInverseIsTheIdentity()
    {
        using var g = new Generator(3);
        using var p = new RandomAffine(new RandomAffineOptions { ShearX = (-20, 20), ShearY = (-10, 10), Scale = (0.5, 2) }).Sample(new long[] { 16, 1, 32, 32 }, g);
        using var inverse = AffineMatrix.Invert(p.Matrices);
        T.Close(AffineMatrix.Identity(16), torch.matmul(p.Matrices, inverse), 1e-12);
        T.Close(AffineMatrix.Identity(16), torch.matmul(inverse, p.Matrices), 1e-12);
        using var singular = AffineMatrix.Scale(0, 1, 0, 0);
        Assert.Contains("singular", Assert.ThrowsAny<ArgumentException>(() => AffineMatrix.Invert(singular)).Message);
    }

    [Fact]
    public void InversesAreExactlyAffineSoTheWarpTakesThem()
    {
        // Reliability item 17: linalg.inv left (0, 1.39e-17, 1) in the last row of Invert(Rotation(30, 15.5, 15.5)),
        // and AffineWarp refused 135 of 200 inverses of default RandomAffine draws.
        using var rotation = AffineMatrix.Rotation(30, 15.5, 15.5);
        using var inverse = AffineMatrix.Invert(rotation);
        Assert.Equal(new[] { 0.0, 0.0, 1.0 }, inverse[0, 2].data<double>().ToArray());
        using var scope = torch.NewDisposeScope();
        var image = torch.rand(new long[] { 1, 1, 32, 32 }, generator: new Generator(1));
        Assert.Equal(image.shape, AffineWarp.Apply(image, inverse).shape);

        using var g = new Generator(4);
        using var draws = new RandomAffine().Sample(new long[] { 200, 1, 32, 32 }, g);
        using var inverses = AffineMatrix.Invert(draws.Matrices);
        var images = torch.rand(new long[] { 200, 1, 32, 32 }, generator: g);
        Assert.Equal(images.shape, AffineWarp.Apply(images, inverses).shape);   // no draw refused
        T.Close(AffineMatrix.Identity(200), torch.matmul(draws.Matrices, inverses), 1e-12);
    }

    [Fact]
    public void TheWarpAcceptsALastRowWithinRoundingAndRefusesOneBeyondIt()
    {
        using var scope = torch.NewDisposeScope();
        var image = torch.rand(new long[] { 1, 1, 8, 8 }, generator: new Generator(2));
        var nearly = AffineMatrix.Identity(1).clone();
        nearly[0, 2, 1] = torch.tensor(1e-12);
        T.Close(image, AffineWarp.Apply(image, nearly), 1e-6);   // normalized: the 2×3 part is the identity
        var far = AffineMatrix.Identity(1).clone();
        far[0, 2, 1] = torch.tensor(1e-3);
        Assert.Contains("is not affine", Assert.ThrowsAny<ArgumentException>(() => AffineWarp.Apply(image, far)).Message);
        var single = AffineMatrix.Identity(1).to_type(ScalarType.Float32).clone();
        single[0, 2, 0] = torch.tensor(1e-7f);
        Assert.Equal(image.shape, AffineWarp.Apply(image, single).shape);   // float32: 1e-6 of slack
        single[0, 2, 0] = torch.tensor(1e-4f);
        Assert.ThrowsAny<ArgumentException>(() => AffineWarp.Apply(image, single));
        Assert.Contains("not affine", Assert.ThrowsAny<ArgumentException>(() => AffineMatrix.Invert(far)).Message);
    }

    [Fact]
    public void MatrixBuildersHaveTheDocumentedForm()
    {
        // Rotation by 90° about the origin maps (1, 0) to (0, −1): right goes up (counter-clockwise as displayed).
        using var rot = AffineMatrix.Rotation(90, 0, 0);
        var p = T.D(torch.matmul(rot, torch.tensor(new[] { 1.0, 0, 1 }).reshape(1, 3, 1)));
        Assert.Equal(new[] { 0.0, -1.0, 1.0 }, p.Select(v => Math.Round(v, 12)));
        // Scale about the centre leaves the centre fixed; shear x' = x + tan(θ)·y.
        using var scale = AffineMatrix.Scale(2, 3, 5, 7);
        Assert.Equal(new[] { 5.0, 7.0, 1.0 }, T.D(torch.matmul(scale, torch.tensor(new[] { 5.0, 7, 1 }).reshape(1, 3, 1))));
        using var shear = AffineMatrix.Shear(45, 0, 0, 0);
        var q = T.D(torch.matmul(shear, torch.tensor(new[] { 0.0, 2, 1 }).reshape(1, 3, 1)));
        Assert.Equal(2.0, q[0], 12);
    }

    [Fact]
    public void RandomAffineMatricesFollowTheOptions()
    {
        using var g = new Generator(4);
        var op = new RandomAffine(new RandomAffineOptions { Degrees = (30, 30), Translate = (0, 0), Scale = (1, 1) });
        using var p = op.Sample(new long[] { 5, 1, 11, 11 }, g);
        using var expected = AffineMatrix.Rotation(30, 5, 5);
        T.Close(expected.expand(5, 3, 3), p.Matrices, 1e-12);

        using var g2 = new Generator(5);
        using var t = new RandomAffine(new RandomAffineOptions { Degrees = (0, 0), Translate = (0.25, 0.5), Scale = (1, 1) }).Sample(new long[] { 500, 1, 20, 40 }, g2);
        var m = T.D(t.Matrices);
        var tx = Enumerable.Range(0, 500).Select(i => m[(i * 9) + 2]).ToArray();
        var ty = Enumerable.Range(0, 500).Select(i => m[(i * 9) + 5]).ToArray();
        Assert.All(tx, v => Assert.InRange(v, -10, 10));
        Assert.All(ty, v => Assert.InRange(v, -10, 10));
        Assert.True(tx.Max() > 8 && tx.Min() < -8 && ty.Max() > 8 && ty.Min() < -8);
    }

    [Fact]
    public void RandomAffineSharedChecks()
    {
        using var x = Images(10, 3, 16, 16);
        var options = new RandomAffineOptions { Degrees = (-30, 30), ShearX = (-10, 10) };
        // p = 0: exact identity.
        using var g0 = new Generator(1);
        using var none = new RandomAffine(options with { Probability = 0 }).Apply(x, g0);
        T.SameBytes(x, none.Inputs);
        // p = 1: every sample changes; same seed same bytes; replay equals sampled.
        var op = new RandomAffine(options);
        using var g1 = new Generator(2);
        using var g2 = new Generator(2);
        using var a = op.Apply(x, g1);
        using var b = op.Apply(x, g2);
        using var replay = op.Apply(x, a.Parameters);
        T.SameBytes(a.Inputs, b.Inputs);
        T.SameBytes(a.Inputs, replay.Inputs);
        Assert.All(Enumerable.Range(0, 10), i => Assert.False(T.Bytes(x[i]).SequenceEqual(T.Bytes(a.Inputs[i]))));
        // partial probability: untouched samples exact.
        using var g3 = new Generator(3);
        using var half = new RandomAffine(options with { Probability = 0.5 }).Apply(x, g3);
        var applied = half.Parameters.Applied.data<bool>().ToArray();
        Assert.Contains(false, applied);
        foreach (int i in Enumerable.Range(0, 10).Where(i => !applied[i]))
        {
            T.SameBytes(x[i], half.Inputs[i]);
        }
    }

    [Fact]
    public void BadInputsAndOptionsAreNamed()
    {
        Assert.Contains("RandomAffineOptions.Scale", Assert.ThrowsAny<ArgumentException>(() => new RandomAffine(new RandomAffineOptions { Scale = (0, 1) })).Message);
        Assert.Contains("RandomAffineOptions.Degrees", Assert.ThrowsAny<ArgumentException>(() => new RandomAffine(new RandomAffineOptions { Degrees = (10, -10) })).Message);
        Assert.Contains("RandomAffineOptions.Translate", Assert.ThrowsAny<ArgumentException>(() => new RandomAffine(new RandomAffineOptions { Translate = (1.5, 0) })).Message);
        using var ints = torch.zeros(new long[] { 2, 1, 4, 4 }, dtype: ScalarType.Byte);
        Assert.Contains("floating", Assert.ThrowsAny<ArgumentException>(() => new RandomAffine().Apply(ints)).Message);
        using var x = torch.zeros(2, 1, 4, 4);
        using var wrong = AffineMatrix.Identity(3);
        Assert.Contains("[3, 3, 3]", Assert.ThrowsAny<ArgumentException>(() => AffineWarp.Apply(x, wrong)).Message);
    }
}
