using System;
using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Mixing;
using MixupSharp.Training.Data;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Reports;

/// <summary>What a trained AutoMix run's Mix Block makes of real samples: its mask and the mixed images.</summary>
internal static class AutoMixPreview
{
    /// <summary>
    /// Loads the run's Mix Block and momentum encoder from its checkpoint, draws λ and partners from
    /// <paramref name="generator"/>, and mixes the [0, 1] <paramref name="images"/> by the block's mask.
    /// </summary>
    public static (Tensor Mixed, Tensor Masks, Tensor Targets, string[] Effects) Mix(TrainingOptions o, ImageDataset data, Tensor images, Tensor labels, Generator generator, TrainedModel trained)
    {
        if (trained.Options.Method is not AutoMixMethod)
        {
            throw new ArgumentException($"{trained.Folder} was trained with --method {trained.Options.Method.Name}, not automix: it has no Mix Block to show.");
        }

        var c = CultureInfo.InvariantCulture;
        long side = images.shape[2];
        var setup = new MethodSetup(new MethodContext(trained.Options, data.NumClasses, side), trained.Model, () => ModelFactory.Create(trained.Options.Model, (int)images.shape[1], (int)side, data.NumClasses));
        using var modules = (AutoMixModules)trained.Options.Method.CreateModules(setup)!;
        using (var scratch = setup.NewModel())
        {
            Checkpoint.Load(Path.Combine(trained.Folder, "checkpoint.bin"), scratch, optimizer: null, method: modules.Module);
        }

        double lambda = modules.DrawLambda(generator);
        var index = torch.randperm(images.shape[0], generator: generator);
        var mask = modules.Mask(trained.Normalize.Transform(images), index, lambda);
        var mixed = (images * mask.narrow(1, 0, 1)) + (images.index_select(0, index) * mask.narrow(1, 1, 1));
        using var own64 = lambda.ToScalar();
        using var other64 = (1 - lambda).ToScalar();
        var targets = SoftTargets.FromIndices(labels, data.NumClasses).mul(own64).add(SoftTargets.FromIndices(labels.index_select(0, index), data.NumClasses).mul(other64));
        double[] own = mask.narrow(1, 0, 1).flatten(1).mean(new long[] { 1 }).to_type(ScalarType.Float64).data<double>().ToArray();
        string[] effects = own.Select(m => $"λ {lambda.ToString("F2", c)} own {(m * 100).ToString("F0", c)}%").ToArray();
        var shown = mask.narrow(1, 0, 1).expand(images.shape[0], images.shape[1], side, side);
        return (mixed, shown, targets, effects);
    }
}
