using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Distortion;
using MixupSharp.Pipelines;
using MixupSharp.Training.Data;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// A run's data, in one place: the training set as trained on (stratified subset and label noise applied, with the
/// flipped samples), the test set, the dataset's standard crop/flip, and its normalization.
/// </summary>
public sealed class RunData : IDisposable
{
    private readonly IDisposable[] _owned;

    /// <summary>The most training images the training error is measured on.</summary>
    public const long TrainErrorImages = 2000;

    private RunData(ImageDataset train, ImageDataset test, ImageDataset? validation, ImageDataset? trainSample, Tensor? flipped, IDisposable[] owned)
    {
        Train = train;
        Test = test;
        Validation = validation;
        TrainSample = trainSample;
        Flipped = flipped;
        _owned = owned;
    }

    /// <summary>The training set as trained on.</summary>
    public ImageDataset Train { get; }

    /// <summary>The test set.</summary>
    public ImageDataset Test { get; }

    /// <summary>The validation set held out of the training images (<c>--validation</c>), with clean labels; null without one.</summary>
    public ImageDataset? Validation { get; }

    /// <summary>
    /// With <c>--train-error-every</c>: at most <see cref="TrainErrorImages"/> of the images trained on, stratified, with
    /// their true labels (before label noise); null otherwise.
    /// </summary>
    public ImageDataset? TrainSample { get; }

    /// <summary>Indices of the training samples whose label noise flipped, or null without label noise.</summary>
    public Tensor? Flipped { get; }

    /// <summary>Loads the run's data: subset and label noise are drawn from a generator seeded by the run's seed.</summary>
    public static RunData Load(TrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var train = LoadSplit(o, train: true);
        var test = o.Dataset.CatalogKind() is null ? LoadTest(o, train) : LoadSplit(o, train: false);
        var owned = new List<IDisposable> { train, test };
        try
        {
            CheckLabels(train, train.NumClasses);
            CheckLabels(test, train.NumClasses);
        }
        catch
        {
            owned.ForEach(d => d.Dispose());
            throw;
        }

        // The validation set comes out of the whole training set first, with its own seed, so every run of a study
        // (any --seed, any --train-subset) holds out the same images and never trains on them.
        ImageDataset? validation = null;
        if (o.Validation is { } held)
        {
            if (held < train.NumClasses || held > train.Count - train.NumClasses)
            {
                var error = new InvalidOptionException("validation", $"must be between {train.NumClasses} (one image per class) and {train.Count - train.NumClasses} (leaving one per class of the {train.Count} training images of {train.Name}); got {held}.");
                owned.ForEach(d => d.Dispose());
                throw error;
            }

            using var validationRng = new Generator((ulong)o.ValidationSeed);
            var (heldOut, rest) = DatasetTransforms.StratifiedSplit(train, held, validationRng);
            owned.Add(heldOut);
            owned.Add(rest);
            (validation, train) = (ForEvaluation(heldOut, owned), rest);
        }

        if (o.TrainSubset is { } requested && (requested < train.NumClasses || requested > train.Count))
        {
            string pool = validation is null ? $"the training images of {train.Name}" : $"the training images left after --validation {validation.Count}";
            var error = new InvalidOptionException("train-subset", $"must be between {train.NumClasses} (one image per class) and {train.Count} ({pool}); got {requested}.");
            owned.ForEach(d => d.Dispose());
            throw error;
        }

        using var subsetRng = new Generator((ulong)((o.Seed * 2) + 3));
        if (o.TrainSubset is { } size && size < train.Count)
        {
            train = DatasetTransforms.StratifiedSubset(train, size, subsetRng);
            owned.Add(train);
        }

        // Drawn before label noise (true labels), with a generator of its own so the run's other streams are untouched.
        ImageDataset? trainSample = null;
        if (o.TrainErrorEvery > 0)
        {
            using var sampleRng = new Generator((ulong)((o.Seed * 2) + 5));
            using var all = torch.arange(train.Count);
            trainSample = train.Count <= TrainErrorImages ? train.Select(all) : DatasetTransforms.StratifiedSubset(train, TrainErrorImages, sampleRng);
            owned.Add(trainSample);
            trainSample = ForEvaluation(trainSample, owned);
        }

        Tensor? flipped = null;
        if (o.LabelNoise > 0)
        {
            var noisy = DatasetTransforms.WithSymmetricNoise(train, o.LabelNoise, subsetRng);
            owned.Add(noisy);
            train = noisy.Dataset;
            flipped = noisy.Flipped;
        }

        return new RunData(train, test, validation, trainSample, flipped, owned.ToArray());
    }

    /// <summary>A split of the run's dataset, without subsetting or label noise: the data a trained model is judged on.</summary>
    public static ImageDataset LoadSplit(TrainingOptions o, bool train)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Dataset.CatalogKind() is { } kind)
        {
            return DataLocator.Load(kind, train, o.DataDir);
        }

        ImageDataset trainSet = o.Dataset == TrainingDataset.List
            ? StreamingSources.List(o.TrainList!, Streaming(o, train: true), skipCorrupt: o.SkipCorrupt)
            : o.Streamed
                ? StreamingSources.Folder(Path.Combine(o.DataDir!, "train"), Streaming(o, train: true), skipCorrupt: o.SkipCorrupt)
                : ImageFolder.Load(Path.Combine(o.DataDir!, "train"), FolderOptions(o));
        if (train)
        {
            return trainSet;
        }

        using (trainSet)
        {
            return LoadTest(o, trainSet);
        }
    }

    /// <summary>
    /// How a streamed folder or list is read: at the run's size and channels, by its workers; the training split with
    /// its crop (RandomResizedCrop unless --train-crop says otherwise), every other split with evaluation's resize and
    /// centre crop.
    /// </summary>
    public static StreamingOptions Streaming(TrainingOptions o, bool train)
    {
        ArgumentNullException.ThrowIfNull(o);
        bool randomResized = train && (o.TrainCrop ?? TrainCrop.RandomResized) == TrainCrop.RandomResized;
        return new StreamingOptions
        {
            Size = o.ImageSize ?? 224,
            Channels = o.Channels ?? 3,
            Workers = o.Workers,
            CropFraction = o.CropFraction,
            Transform = randomResized ? StreamTransform.RandomResizedCrop : StreamTransform.ResizeCenterCrop,
            Seed = (o.Seed * 2) + 7,
            MaxPixels = (long)(o.MaxImageMegapixels * 1e6),
            Cache = o.Cache,
            CacheBytes = (long)(o.CacheGb * 1e9),
        };
    }

    /// <summary>The dataset's standard augmentation (crop/flip), before any method.</summary>
    public static IReadOnlyList<PipelineStep> StandardSteps(TrainingOptions o)
    {
        if (o.Dataset.CatalogKind() is { } kind)
        {
            return StandardAugmentation.Steps(kind).ToArray();
        }

        // A streamed set's random resized crop happens on the workers, before the batch exists; only the flip is left.
        var crop = !o.Streamed ? TrainCrop.Pad : o.TrainCrop ?? TrainCrop.RandomResized;
        int padding = o.Streamed ? Math.Max(1, (o.ImageSize ?? 224) / 8) : 4;
        return crop == TrainCrop.Pad
            ? new[] { PipelineStep.Of(new RandomCrop(new RandomCropOptions { Padding = padding })), PipelineStep.Of(new RandomHorizontalFlip()) }
            : new[] { PipelineStep.Of(new RandomHorizontalFlip()) };
    }

    /// <summary>The normalization: the dataset's published statistics, or an image folder's own.</summary>
    public static Normalize Normalization(TrainingOptions o, ImageDataset train)
    {
        if (o.Dataset.CatalogKind() is { } kind)
        {
            return StandardAugmentation.Normalization(kind);
        }

        if (train is not InMemoryDataset held)
        {
            // Streamed images are natural photos, and the published weights they are fine-tuned from expect ImageNet's
            // statistics (torchvision's and timm's); grey images take the channels' averages.
            return (o.Channels ?? 3) == 1 ? new Normalize(new[] { 0.449 }, new[] { 0.226 }) : new Normalize(new[] { 0.485, 0.456, 0.406 }, new[] { 0.229, 0.224, 0.225 });
        }

        // An image folder held in memory has no published statistics: use the training set's own per-channel mean and std.
        using var scope = torch.NewDisposeScope();
        var x = held.Images.to_type(ScalarType.Float64) / 255.0;
        var mean = x.mean(new long[] { 0, 2, 3 }).data<double>().ToArray();
        var std = x.std(new long[] { 0, 2, 3 }).data<double>().ToArray().Select(s => Math.Max(s, 1e-3)).ToArray();
        return new Normalize(mean, std);
    }

    /// <summary>For run folders written before config.json recorded the normalization: recomputed as the run did.</summary>
    public static Normalize RecomputedNormalization(TrainingOptions o)
    {
        if (o.Dataset.CatalogKind() is { } kind)
        {
            return StandardAugmentation.Normalization(kind);
        }

        using var data = Load(o);
        return Normalization(o, data.Train);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }
    }

    /// <summary>
    /// A folder's or list's test images, at the size of its training images, with classes matched to its training
    /// classes by name: the test list, or the folder's test/ (or val/, as ImageNet-style folders name it).
    /// </summary>
    private static ImageDataset LoadTest(TrainingOptions o, ImageDataset train)
    {
        if (o.Dataset == TrainingDataset.List)
        {
            return StreamingSources.List(o.TestList!, Streaming(o, train: false), train.ClassNames, o.SkipCorrupt);
        }

        string test = Path.Combine(o.DataDir!, "test"), val = Path.Combine(o.DataDir!, "val");
        string folder = !Directory.Exists(test) && Directory.Exists(val) ? val : test;
        return o.Streamed
            ? StreamingSources.Folder(folder, Streaming(o, train: false), train.ClassNames, o.SkipCorrupt)
            : ImageFolder.Load(folder, FolderOptions(o) with { Size = (int)train.ImageShape[1], Classes = train.ClassNames });
    }

    /// <summary>A streamed split read with evaluation's transform (it owns a copy of the labels, added to <paramref name="owned"/>); an in-memory one as it is.</summary>
    private static ImageDataset ForEvaluation(ImageDataset data, List<IDisposable> owned)
    {
        if (data is not StreamingImageDataset streamed)
        {
            return data;
        }

        var evaluation = streamed.ForEvaluation();
        owned.Add(evaluation);
        return evaluation;
    }

    private static ImageFolderOptions FolderOptions(TrainingOptions o) =>
        new() { SkipCorrupt = o.SkipCorrupt, MaxPixels = (long)(o.MaxImageMegapixels * 1e6) };

    /// <summary>
    /// Every label is a class of the training set, checked before any training: a label out of range would otherwise
    /// end the first evaluation in a native assertion, after the epoch's work.
    /// </summary>
    private static void CheckLabels(ImageDataset data, int numClasses)
    {
        using var scope = torch.NewDisposeScope();
        if (data.Count == 0)
        {
            return;
        }

        long min = data.Labels.min().item<long>(), max = data.Labels.max().item<long>();
        if (min < 0 || max >= numClasses)
        {
            throw new DatasetFormatException(data.Name, $"labels must be classes 0..{numClasses - 1} of the training set; found labels from {min} to {max}.");
        }
    }
}
