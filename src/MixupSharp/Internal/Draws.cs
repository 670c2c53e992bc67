using System;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Internal;

/// <summary>Random draws on the CPU from an injected generator, returned as managed arrays (parameters, never pixels).</summary>
internal static class Draws
{
    public static double[] Uniform(long count, Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        return torch.rand(count, dtype: ScalarType.Float64, device: CPU, generator: generator).data<double>().ToArray();
    }

    /// <summary>Draws from Beta(α, α); α = 0 gives 1 (no mixing).</summary>
    public static double[] Beta(double alpha, long count, Generator? generator)
    {
        var draws = new double[count];
        if (count == 0)
        {
            return draws;   // TorchSharp's accessor cannot copy out of an empty tensor
        }

        if (alpha <= 0)
        {
            Array.Fill(draws, 1.0);
            return draws;
        }

        // Beta(α, α) as the first coordinate of Dirichlet(α, α), exactly as PyTorch's Beta samples. TorchSharp's
        // distributions.Beta is not used: disposing it also disposes the generator it was given (TorchSharp 0.107),
        // after which every later draw would silently come from the global generator.
        double[] pairs = Dirichlet(alpha, count, 2, generator);
        for (long i = 0; i < count; i++)
        {
            draws[i] = Math.Clamp(pairs[2 * i], 0.0, 1.0);
        }

        return draws;
    }

    /// <summary>A uniform index in [0, <paramref name="count"/>) from a uniform <paramref name="u"/> in [0, 1).</summary>
    public static int Index(double u, int count) => Math.Min((int)(u * count), count - 1);

    /// <summary>Standard normal draws.</summary>
    public static double[] Normal(long count, Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        return torch.randn(count, dtype: ScalarType.Float64, device: CPU, generator: generator).data<double>().ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> draws from Dirichlet(α, …, α) over <paramref name="k"/> categories, row-major
    /// [count, k]; each row sums to 1 (rows whose gamma draws all underflow, at tiny α, put all weight on the first
    /// category: such a draw sits at an end of the simplex).
    /// </summary>
    public static double[] Dirichlet(double alpha, long count, int k, Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var concentration = torch.full(new[] { count, (long)k }, alpha, dtype: ScalarType.Float64, device: CPU);
        double[] draws = torch._sample_dirichlet(concentration, generator).contiguous().data<double>().ToArray();
        for (long i = 0; i < count; i++)
        {
            if (double.IsNaN(draws[i * k]))
            {
                Array.Fill(draws, 0.0, (int)(i * k), k);
                draws[i * k] = 1.0;
            }
        }

        return draws;
    }

    public static long[] Permutation(long n, Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        return torch.randperm(n, dtype: ScalarType.Int64, device: CPU, generator: generator).data<long>().ToArray();
    }
}
