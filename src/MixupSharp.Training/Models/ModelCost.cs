using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Models;

/// <summary>What one built-in model costs on this machine: its parameters, and a forward and backward pass of one image.</summary>
/// <param name="Name">The model, as <c>--model</c> names it.</param>
/// <param name="Parameters">Its trainable parameters (10 classes).</param>
/// <param name="Input">The input it was measured at, [C, H, W]: its native size.</param>
/// <param name="Milliseconds">The forward+backward times of one image, one per repeat, after a warm-up.</param>
public sealed record ModelCost(string Name, long Parameters, long[] Input, IReadOnlyList<double> Milliseconds)
{
    /// <summary>The median of <see cref="Milliseconds"/>.</summary>
    public double Median => Milliseconds.OrderBy(v => v).ElementAt(Milliseconds.Count / 2);

    /// <summary>
    /// Measures every model of <see cref="ModelFactory.Names"/> at its native size (<see cref="ModelFactory.NativeSize"/>:
    /// SeedNet on 1×28×28, our residual models on 3×32×32, torchvision's on 3×224×224): counts its parameters and times <paramref name="repeats"/> forward+backward passes of one
    /// random image in training mode, after two untimed ones. Nothing is hard-coded: the figures are this machine's now.
    /// </summary>
    public static IReadOnlyList<ModelCost> Measure(int repeats)
    {
        if (repeats < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(repeats), repeats, $"repeats must be ≥ 1; got {repeats}.");
        }

        var costs = new List<ModelCost>();
        foreach (string name in ModelFactory.Names)
        {
            int size = ModelFactory.NativeSize(name);
            long[] input = { name == "seednet" ? 1 : 3, size, size };
            using var model = ModelFactory.Create(name, (int)input[0], (int)input[1], 10);
            model.train();
            long parameters = model.parameters().Sum(p => p.numel());
            var times = new List<double>();
            using var generator = new Generator(1);
            for (int k = -2; k < repeats; k++)
            {
                using var scope = torch.NewDisposeScope();
                var x = torch.rand(new[] { 2L }.Concat(input).ToArray(), generator: generator);   // 2: BatchNorm needs more than one value
                var clock = Stopwatch.StartNew();
                var loss = model.call(x).logsumexp(1).mean();
                model.zero_grad();
                loss.backward();
                double ms = clock.Elapsed.TotalMilliseconds / 2;   // per image
                if (k >= 0)
                {
                    times.Add(ms);
                }
            }

            costs.Add(new ModelCost(name, parameters, input, times));
        }

        return costs;
    }
}
