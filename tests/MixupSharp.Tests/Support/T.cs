using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MixupSharp.Tests.Support;

/// <summary>Tensor helpers for assertions.</summary>
public static class T
{
    public static float[] F(Tensor t) => t.cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();

    public static double[] D(Tensor t) => t.cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    public static long[] L(Tensor t) => t.cpu().to_type(ScalarType.Int64).contiguous().data<long>().ToArray();

    /// <summary>The raw bytes of a tensor, for byte-identity checks (distinguishes −0 from +0 and NaN payloads).</summary>
    public static byte[] Bytes(Tensor t) => t.cpu().contiguous().bytes.ToArray();

    public static void SameBytes(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(Bytes(expected), Bytes(actual));
    }

    public static void Close(Tensor expected, Tensor actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.shape, actual.shape);
        var e = D(expected);
        var a = D(actual);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(System.Math.Abs(e[i] - a[i]) <= tolerance, $"element {i}: expected {e[i]}, got {a[i]} (tolerance {tolerance})");
        }
    }

    /// <summary>A float batch [n, c, h, w] whose every element is distinct: value = sample·1000 + index inside the sample.</summary>
    public static Tensor DistinctImages(long n, long c, long h, long w, ScalarType dtype = ScalarType.Float32)
    {
        long per = c * h * w;
        return (torch.arange(n * per, dtype: ScalarType.Float64).reshape(n, per) % per
                + (torch.arange(n, dtype: ScalarType.Float64).reshape(n, 1) * 1000))
            .reshape(n, c, h, w).to_type(dtype);
    }
}
