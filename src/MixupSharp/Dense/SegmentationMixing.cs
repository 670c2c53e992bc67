using System;
using MixupSharp.Internal;
using MixupSharp.Mixing;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Dense;

/// <summary>The result of a segmentation mixer: images, per-pixel soft targets, the label map (CutMix) and the parameters.</summary>
public sealed class SegmentationBatch : IDisposable
{
    private readonly bool _ownsParameters;

    internal SegmentationBatch(Tensor inputs, Tensor targets, Tensor? labelMaps, MixParameters parameters, bool ownsParameters)
    {
        Inputs = inputs;
        Targets = targets;
        LabelMaps = labelMaps;
        Parameters = parameters;
        _ownsParameters = ownsParameters;
    }

    /// <summary>The mixed images [N, C, H, W].</summary>
    public Tensor Inputs { get; }

    /// <summary>Per-pixel soft targets [N, classes, H, W]; ignored pixels have all-zero rows.</summary>
    public Tensor Targets { get; }

    /// <summary>For CutMix: the label maps [N, H, W] with the partner's labels pasted inside each box (ignore values kept); null for Mixup.</summary>
    public Tensor? LabelMaps { get; }

    /// <summary>The parameters (λ is the image-level weight of each sample's own pixels).</summary>
    public MixParameters Parameters { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        LabelMaps?.Dispose();
        if (_ownsParameters)
        {
            Parameters.Dispose();
        }
    }
}

/// <summary>
/// The common shape of the segmentation mixers: an image-level mixer draws and validates the parameters and mixes the
/// images; the subclass turns the label maps into targets with the same parameters.
/// </summary>
public abstract class SegmentationMixer
{
    private protected SegmentationMixer(BatchMixer imageMixer, long? ignoreIndex)
    {
        ImageMixer = imageMixer;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>The label of ignored pixels, or null.</summary>
    public long? IgnoreIndex { get; }

    /// <summary>The number of classes.</summary>
    public int NumClasses => ImageMixer.NumClasses;

    private protected BatchMixer ImageMixer { get; }

    /// <summary>Draws the parameters for images of shape [N, C, H, W].</summary>
    public MixParameters Sample(long[] inputShape, Generator? generator = null) => ImageMixer.Sample(inputShape, generator);

    /// <summary>Samples, then applies.</summary>
    /// <param name="inputs">Images [N, C, H, W].</param>
    /// <param name="labelMaps">Integer label maps [N, H, W] (classes, or the ignore index).</param>
    /// <param name="generator">The random source; TorchSharp's default generator when null.</param>
    public SegmentationBatch Apply(Tensor inputs, Tensor labelMaps, Generator? generator = null)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.BatchShape(inputs.shape, nameof(inputs), $"images [N, C, H, W] for {GetType().Name}", exactDims: 4);
        DenseTargets.Check(labelMaps, inputs.shape[0], inputs.shape, NumClasses, IgnoreIndex, nameof(labelMaps));
        var parameters = Sample(inputs.shape, generator);
        try
        {
            return Build(inputs, labelMaps, parameters, ownsParameters: true);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>Replays given parameters (not owned by the result).</summary>
    public SegmentationBatch Apply(Tensor inputs, Tensor labelMaps, MixParameters parameters) => Build(inputs, labelMaps, parameters, ownsParameters: false);

    private SegmentationBatch Build(Tensor inputs, Tensor labelMaps, MixParameters parameters, bool ownsParameters)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.BatchShape(inputs.shape, nameof(inputs), $"images [N, C, H, W] for {GetType().Name}", exactDims: 4);
        DenseTargets.Check(labelMaps, inputs.shape[0], inputs.shape, NumClasses, IgnoreIndex, nameof(labelMaps));
        using var scope = torch.NewDisposeScope();
        var device = inputs.device;

        // The image-level mixer validates the parameters against the batch and mixes the images (its targets are unused).
        var images = ImageMixer.Apply(inputs, torch.zeros(inputs.shape[0], dtype: ScalarType.Int64, device: device), parameters);
        var targetType = inputs.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var (targets, maps) = MixLabels(labelMaps.to(device), parameters, targetType, device);
        return new SegmentationBatch(images.Inputs.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), maps?.MoveToOuterDisposeScope(), parameters, ownsParameters);
    }

    /// <summary>Per-pixel soft targets [N, C, H, W] (and, for CutMix, the mixed label maps) from checked label maps.</summary>
    private protected abstract (Tensor Targets, Tensor? LabelMaps) MixLabels(Tensor labelMaps, MixParameters parameters, ScalarType targetType, Device device);
}

/// <summary>
/// CutMix for segmentation: the partner's box is pasted into the image and into the label map, so every pixel keeps a
/// hard label (and ignored pixels stay ignored). Targets are the one-hot rows of the pasted map.
/// </summary>
public sealed class SegmentationCutMix : SegmentationMixer
{
    /// <summary>Creates a segmentation CutMix.</summary>
    /// <param name="numClasses">The number of classes.</param>
    /// <param name="options">CutMix options (label smoothing does not apply to label maps).</param>
    /// <param name="ignoreIndex">The label of ignored pixels (e.g. 255), or null.</param>
    public SegmentationCutMix(int numClasses, CutMixOptions? options = null, long? ignoreIndex = null)
        : base(new CutMix(numClasses, options), ignoreIndex)
    {
    }

    private protected override (Tensor Targets, Tensor? LabelMaps) MixLabels(Tensor labelMaps, MixParameters parameters, ScalarType targetType, Device device)
    {
        var pasted = MixKernel.PasteBoxes(labelMaps.unsqueeze(1), labelMaps.unsqueeze(1), parameters.Partner.to(device), parameters.Boxes!, device).squeeze(1);
        return (DenseTargets.FromLabelMaps(pasted, NumClasses, IgnoreIndex, targetType), pasted);
    }
}

/// <summary>
/// Mixup for segmentation: images are blended, and per-pixel soft targets are λ·onehot(y_i) + (1 − λ)·onehot(y_partner).
/// A pixel ignored in either image is ignored in the mixture (its label is unknown there).
/// </summary>
public sealed class SegmentationMixup : SegmentationMixer
{
    /// <summary>Creates a segmentation Mixup.</summary>
    /// <param name="numClasses">The number of classes.</param>
    /// <param name="options">Mixup options (label smoothing does not apply to label maps).</param>
    /// <param name="ignoreIndex">The label of ignored pixels (e.g. 255), or null.</param>
    public SegmentationMixup(int numClasses, MixupOptions? options = null, long? ignoreIndex = null)
        : base(new Mixup(numClasses, options), ignoreIndex)
    {
    }

    private protected override (Tensor Targets, Tensor? LabelMaps) MixLabels(Tensor labelMaps, MixParameters parameters, ScalarType targetType, Device device)
    {
        var own = DenseTargets.FromLabelMaps(labelMaps, NumClasses, IgnoreIndex, targetType);
        var other = own.index_select(0, parameters.Partner.to(device));
        var lam = parameters.Lambda.to(device).to_type(targetType).reshape(-1, 1, 1, 1);
        var valid = (own.sum(1, keepdim: true) > 0) & (other.sum(1, keepdim: true) > 0);
        return (((own * lam) + (other * (1.0 - lam))) * valid.to_type(targetType), null);
    }
}
