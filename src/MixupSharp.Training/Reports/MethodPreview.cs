using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MixupSharp.Training.Options;
using MixupSharp.Composite;
using MixupSharp.Training.Data;
using MixupSharp.Training.Methods;
using MixupSharp.Masking;
using MixupSharp.Mixing;
using MixupSharp.Pipelines;
using MixupSharp.Training;
using MixupSharp.Training.Models;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Reports;

/// <summary>One sample of a preview: what was done to it and what its target says.</summary>
/// <param name="Effect">E.g. "λ 0.73", "CutMix λ 0.41", "kept 78%", "original".</param>
/// <param name="Target">The soft target's largest weights, e.g. "3:.73 8:.27".</param>
public sealed record PreviewCaption(string Effect, string Target);

/// <summary>
/// Shows what a method does to real samples: a PNG with rows of originals above rows of results, and under each result
/// its λ (or kept mask area) and soft target. Only the method itself is applied: no crop/flip, no normalization.
/// </summary>
public static class MethodPreview
{
    /// <summary>Applies the method of <paramref name="options"/> to <paramref name="count"/> random images of <paramref name="data"/> and writes the PNG.</summary>
    /// <returns>The caption of each result, in order.</returns>
    /// <param name="options">The method (and policy) to show.</param>
    /// <param name="data">Where the images come from.</param>
    /// <param name="count">How many.</param>
    /// <param name="generator">The sample choice's and the method's draws.</param>
    /// <param name="path">The PNG.</param>
    /// <param name="columns">Images per row.</param>
    /// <param name="scale">Pixels per image pixel.</param>
    /// <param name="trained">For methods that use the model (PuzzleMix's saliency): a trained run's model; without it, a
    /// freshly initialized model of <paramref name="options"/>, which the captions say.</param>
    public static IReadOnlyList<PreviewCaption> Write(TrainingOptions options, ImageDataset data, int count, Generator generator, string path, int columns = 8, int scale = 4, TrainedModel? trained = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        if (count < 2 || count > Math.Min(64, data.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"count must be in [2, {Math.Min(64, data.Count)}] (at most 64 and the dataset's {data.Count} images); got {count}.");
        }

        using var scope = torch.NewDisposeScope();
        var indices = torch.randperm(data.Count, generator: generator).narrow(0, 0, count);
        var images = data.ReadImages(indices.data<long>().ToArray()).to_type(ScalarType.Float32) / 255f;
        var labels = data.Labels.index_select(0, indices);

        // Replace, never Append: each result stands under its own original.
        var o = options with { Insertion = SyntheticInsertion.Replace, LabelSmoothing = 0 };
        if (o.Method is AutoMixMethod)
        {
            var auto = AutoMixPreview.Mix(o, data, images, labels, generator, trained ?? throw new ArgumentException("an automix preview shows a trained Mix Block: give a run trained with --method automix (--run DIR)."));
            Draw(images, auto.Mixed, Captions(auto.Targets, auto.Effects), path, columns, scale, auto.Masks);
            return Captions(auto.Targets, auto.Effects);
        }

        if (o.Method is PuzzleMixMethod)
        {
            var puzzle = PuzzleLabelling(o, data, images, labels, generator, trained);
            Draw(images, puzzle.Mixed, puzzle.Captions, path, columns, scale, puzzle.Masks);
            return puzzle.Captions;
        }

        var steps = new[] { RunPolicies.Step(o), o.Method.Step(new MethodContext(o, data.NumClasses, data.ImageShape[1])) }.OfType<PipelineStep>().ToArray();
        if (steps.Length == 0)
        {
            // ERM (and Manifold Mixup, which mixes hidden states, not images): the inputs are the originals.
            string effect = options.Method.UnchangedCaption;
            long[] label = labels.data<long>().ToArray();
            var unchanged = label.Select(k => new PreviewCaption(effect, $"{k}:1")).ToList();
            Draw(images, images, unchanged, path, columns, scale);
            return unchanged;
        }

        using var result = new AugmentationPipeline(data.NumClasses, steps).Apply(images, labels, generator);
        var captions = Captions(result, count);
        Draw(images, result.Inputs, captions, path, columns, scale);
        return captions;
    }

    private static List<PreviewCaption> Captions(PipelineResult result, int count)
    {
        var c = CultureInfo.InvariantCulture;
        string[] effects = Enumerable.Repeat("unchanged", count).ToArray();
        var records = Flatten(result.Parameters.Root).Where(r => r.Values is not null).ToList();
        string[]? policy = records.Select(r => PolicyCaptions.Of(r.Values!)).FirstOrDefault(p => p is not null);
        var record = records.FirstOrDefault(r => PolicyCaptions.Of(r.Values!) is null);
        switch (record?.Values)
        {
            case MixParameters mix:
            {
                double[] lambda = mix.Lambda.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                bool[]? cut = mix.UsesCutMix?.cpu().data<bool>().ToArray();
                bool boxes = mix.Boxes is not null;
                effects = lambda.Select((l, i) => (boxes && (cut is null || cut[i]) ? "CutMix λ " : "λ ") + l.ToString("F2", c)).ToArray();
                break;
            }

            case IMaskDistortMixParameters mdm:
            {
                double[] lambda = mdm.Lambda.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                bool[] selected = mdm.Selected.cpu().data<bool>().ToArray();
                effects = lambda.Select((l, i) => selected[i] ? "λ " + l.ToString("F2", c) : "original").ToArray();
                break;
            }

            case ResizeMixParameters resize:
            {
                double[] lambda = resize.Lambda.cpu().data<double>().ToArray();
                effects = lambda.Select(l => l < 1 ? $"τ {resize.Scale.ToString("F2", c)} λ {l.ToString("F2", c)}" : "not mixed").ToArray();
                break;
            }

            case IMixDraw draw:
            {
                double[] lambda = draw.Lambda.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                effects = lambda.Select(l => l < 1 ? "λ " + l.ToString("F2", c) : "not mixed").ToArray();
                break;
            }

            case MaskParameters mask:
            {
                double[] kept = mask.Mask.to_type(ScalarType.Float64).flatten(1).mean(new long[] { 1 }).cpu().data<double>().ToArray();
                bool[] applied = mask.Applied.cpu().data<bool>().ToArray();
                effects = kept.Select((k, i) => applied[i] ? "kept " + (k * 100).ToString("F0", c) + "%" : "not applied").ToArray();
                break;
            }

            case not null:
                effects = Enumerable.Repeat(record!.Step, count).ToArray();
                break;
        }

        if (policy is not null)
        {
            effects = record is null ? policy : policy.Zip(effects, (p, m) => $"{p} + {m}").ToArray();
        }

        return Captions(result.Targets, effects);
    }

    private static IEnumerable<StepParameters> Flatten(StepParameters step) => new[] { step }.Concat(step.Children.SelectMany(Flatten));

    /// <summary>
    /// PuzzleMix on the preview's images: the saliency from <paramref name="trained"/>'s model (or a new one of the run's
    /// architecture, seeded by --seed), the labelling and transport drawn as in training, the mix on [0, 1] pixels; the
    /// block labelling comes back as grey images (white: the image's own block, grey: half, black: its partner's).
    /// </summary>
    private static (Tensor Mixed, Tensor Masks, List<PreviewCaption> Captions) PuzzleLabelling(TrainingOptions o, ImageDataset data, Tensor images, Tensor labels, Generator generator, TrainedModel? trained)
    {
        var c = CultureInfo.InvariantCulture;
        long side = images.shape[2];
        StagedModel model;
        Distortion.Normalize normalize;
        if (trained is not null)
        {
            model = trained.Model;
            normalize = trained.Normalize;
        }
        else
        {
            torch.manual_seed(o.Seed);
            model = ModelFactory.Create(o.Model, (int)images.shape[1], (int)side, data.NumClasses);
            normalize = RunData.Normalization(o, data);
        }

        var targets = SoftTargets.FromIndices(labels, data.NumClasses);
        var saliency = InputSaliency.Compute(model, normalize.Transform(images), targets);
        var puzzle = PuzzleMixMethod.Mixer(new MethodContext(o, data.NumClasses, side));
        using var parameters = puzzle.Sample(images, saliency, generator);
        var mixed = puzzle.Apply(images, labels, parameters);
        long block = side / parameters.GridSide;
        var masks = parameters.Masks.repeat_interleave(block, 1).repeat_interleave(block, 2).unsqueeze(1).expand(images.shape[0], images.shape[1], side, side);
        string source = trained is null ? " (untrained)" : string.Empty;
        double[] lambda = parameters.LambdaValues();
        var captions = Captions(mixed.Targets, lambda.Select(l => $"{parameters.GridSide}×{parameters.GridSide} λ {l.ToString("F2", c)}{source}").ToArray());
        if (trained is null)
        {
            model.Dispose();
        }

        return (mixed.Inputs, masks, captions);
    }

    internal static List<PreviewCaption> Captions(Tensor softTargets, string[] effects)
    {
        var c = CultureInfo.InvariantCulture;
        var targets = softTargets.to_type(ScalarType.Float64).cpu();
        var (weights, classes) = targets.topk(2, 1);
        double[] w = weights.data<double>().ToArray();
        long[] k = classes.data<long>().ToArray();
        return Enumerable.Range(0, effects.Length).Select(i =>
        {
            string target = w[(2 * i) + 1] > 1e-6
                ? $"{k[2 * i]}:{w[2 * i].ToString(".00", c)} {k[(2 * i) + 1]}:{w[(2 * i) + 1].ToString(".00", c)}"
                : $"{k[2 * i]}:1";
            return new PreviewCaption(effects[i], target);
        }).ToList();
    }

    private static void Draw(Tensor originals, Tensor results, IReadOnlyList<PreviewCaption> captions, string path, int columns, int scale, Tensor? middle = null)
    {
        int n = captions.Count, cols = Math.Min(columns, n), blocks = (n + cols - 1) / cols;
        int w = (int)originals.shape[3] * scale, h = (int)originals.shape[2] * scale;
        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 12);

        // Cells as wide as the widest caption (a policy chain plus a method's λ runs long), so captions never overlap.
        int text = (int)Math.Ceiling(captions.Max(c => Math.Max(font.MeasureText(c.Effect), font.MeasureText(c.Target))));
        int rows = middle is null ? 2 : 3;
        int cellW = Math.Max(Math.Max(w, 96), text + 4) + 8, textH = 34, blockH = (rows * h) + textH + 16, header = 24;
        var info = new SKImageInfo(cols * cellW, header + (blocks * blockH), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        string legend = middle is null
            ? "top: originals   below: results, with λ (or mask area) and target class:weight"
            : "top: originals   middle: block labelling (white own, grey half, black partner)   below: results, with grid, λ and target";
        canvas.DrawText(legend, 4, 16, font, ink);
        for (int i = 0; i < n; i++)
        {
            int x = (i % cols) * cellW, y = header + ((i / cols) * blockH);
            using var original = Bitmap(originals[i], scale);
            using var result = Bitmap(results[i], scale);
            canvas.DrawBitmap(original, x + 4, y);
            if (middle is not null)
            {
                using var labelling = Bitmap(middle[i], scale);
                canvas.DrawBitmap(labelling, x + 4, y + h + 2);
            }

            canvas.DrawBitmap(result, x + 4, y + ((rows - 1) * (h + 2)));
            canvas.DrawText(captions[i].Effect, x + 4, y + (rows * h) + 16, font, ink);
            canvas.DrawText(captions[i].Target, x + 4, y + (rows * h) + 30, font, ink);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllBytes(path, png.ToArray());
    }

    /// <summary>One image [C, H, W] in [0, 1] as an opaque bitmap, each pixel a scale × scale square.</summary>
    private static SKBitmap Bitmap(Tensor image, int scale)
    {
        using var scope = torch.NewDisposeScope();
        return RunPlots.Bitmap(RunPlots.ScaledRgb(image.unsqueeze(0), scale)[0].permute(1, 2, 0));
    }
}
