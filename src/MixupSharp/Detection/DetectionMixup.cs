using System;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Detection;

/// <summary>Options of <see cref="DetectionMixup"/>.</summary>
public sealed record DetectionMixupOptions
{
    /// <summary>α of λ ~ Beta(α, α); 1.5 as in Zhang et al.'s "Bag of Freebies" (which found it better than 1 for detection); 0 disables mixing.</summary>
    public double Alpha { get; init; } = 1.5;

    /// <summary>The probability that an image is mixed at all.</summary>
    public double Probability { get; init; } = 1.0;
}

/// <summary>
/// Detection Mixup (Zhang et al., "Bag of Freebies for Training Object Detection Neural Networks", arXiv:1902.04103): each
/// image is blended with a partner, λ·x_i + (1 − λ)·x_partner(i), λ ~ Beta(α, α) per image, and keeps the union of both
/// images' boxes: its own weighted λ, the partner's weighted 1 − λ (times any weight they had). The result has 2K box
/// slots: the first K are the image's own.
/// </summary>
public sealed class DetectionMixup
{
    /// <summary>Creates the op.</summary>
    public DetectionMixup(DetectionMixupOptions? options = null)
    {
        Options = options ?? new DetectionMixupOptions();
        Guard.Alpha(Options.Alpha, "DetectionMixupOptions.Alpha");
        Guard.Probability(Options.Probability, "DetectionMixupOptions.Probability");
    }

    /// <summary>The options in force.</summary>
    public DetectionMixupOptions Options { get; }

    /// <summary>Draws a permutation of partners, a gate per image, then λ per image.</summary>
    public DetectionMixupParameters Sample(long count, Generator? generator = null)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be ≥ 1; got {count}.");
        }

        long[] partner = Draws.Permutation(count, generator);
        double[] gate = Draws.Uniform(count, generator);
        double[] lambda = Draws.Beta(Options.Alpha, count, generator);
        for (long i = 0; i < count; i++)
        {
            if (!(gate[i] < Options.Probability) || partner[i] == i || Options.Alpha <= 0)
            {
                partner[i] = i;
                lambda[i] = 1.0;
            }
        }

        return new DetectionMixupParameters(torch.tensor(lambda, dtype: ScalarType.Float64), torch.tensor(partner, dtype: ScalarType.Int64));
    }

    /// <summary>Samples, then applies; the result owns the parameters.</summary>
    public DetectionBatch<DetectionMixupParameters> Apply(Tensor images, BoxBatch boxes, Generator? generator = null)
    {
        DetectionChecks.ImagesAndBoxes(images, boxes, nameof(DetectionMixup));
        var parameters = Sample(images.shape[0], generator);
        try
        {
            return Mix(images, boxes, parameters, ownsParameters: true);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>Applies given parameters: pure.</summary>
    public DetectionBatch<DetectionMixupParameters> Apply(Tensor images, BoxBatch boxes, DetectionMixupParameters parameters) =>
        Mix(images, boxes, parameters, ownsParameters: false);

    private static DetectionBatch<DetectionMixupParameters> Mix(Tensor images, BoxBatch boxes, DetectionMixupParameters parameters, bool ownsParameters)
    {
        DetectionChecks.ImagesAndBoxes(images, boxes, nameof(DetectionMixup));
        Guard.NotNull(parameters, nameof(parameters));
        long n = images.shape[0];
        if (parameters.Lambda.shape.Length != 1 || parameters.Lambda.shape[0] != n || parameters.Partner.shape.Length != 1 || parameters.Partner.shape[0] != n)
        {
            throw new ArgumentException($"parameters are for {Guard.Shape(parameters.Lambda.shape)} images; the batch has {n}.", nameof(parameters));
        }

        Guard.PerSample(parameters.Lambda, ScalarType.Float64, n, "parameters.Lambda", nameof(parameters));
        Guard.PerSample(parameters.Partner, ScalarType.Int64, n, "parameters.Partner", nameof(parameters));
        Guard.DrawValues(parameters.Lambda, parameters.Partner, n, nameof(parameters));

        using var scope = torch.NewDisposeScope();
        var device = images.device;
        var partner = parameters.Partner.to(device);
        var lambda = parameters.Lambda.to(device);
        var l = lambda.to_type(images.dtype).reshape(n, 1, 1, 1);

        // An image that is not mixed (λ = 1) keeps its exact bytes.
        var keep = (lambda == 1).reshape(n, 1, 1, 1);
        var mixed = torch.where(keep, images, (images * l) + (images.index_select(0, partner) * (1 - l)));
        var own = lambda.to_type(boxes.Weights.dtype).unsqueeze(1);
        var partnerLabels = torch.where((lambda == 1).unsqueeze(1), torch.full_like(boxes.Labels, -1), boxes.Labels.index_select(0, partner));
        // An unmixed image's partner slots are padding: label −1, coordinates 0 (not the image's own boxes again).
        var partnerBoxes = torch.where((partnerLabels >= 0).unsqueeze(2), boxes.Boxes.index_select(0, partner), torch.zeros_like(boxes.Boxes));
        var result = new BoxBatch(
            torch.cat(new[] { boxes.Boxes, partnerBoxes }, 1),
            torch.cat(new[] { boxes.Labels, partnerLabels }, 1),
            torch.cat(new[] { boxes.Weights * own, torch.where(partnerLabels >= 0, boxes.Weights.index_select(0, partner) * (1 - own), torch.zeros_like(boxes.Weights)) }, 1));
        return new DetectionBatch<DetectionMixupParameters>(mixed.MoveToOuterDisposeScope(), result.MoveToOuterDisposeScope(), parameters, ownsParameters);
    }
}
