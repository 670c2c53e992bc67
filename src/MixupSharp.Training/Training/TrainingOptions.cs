using System;
using System.Collections.Generic;

namespace MixupSharp.Training;

/// <summary>The learning-rate schedule.</summary>
public enum ScheduleKind
{
    /// <summary>Constant learning rate.</summary>
    Constant,

    /// <summary>×gamma every <see cref="TrainingOptions.StepSize"/> epochs.</summary>
    Step,

    /// <summary>×gamma at each of <see cref="TrainingOptions.Milestones"/> (1-based epochs).</summary>
    MultiStep,

    /// <summary>Cosine annealing to 0 over the run, per step.</summary>
    Cosine,
}

/// <summary>Everything a training run needs; resolved values are written to the run's config.json.</summary>
public sealed record TrainingOptions
{
    /// <summary>"fashion-mnist", "mnist", "cifar10", "cifar100" or "folder".</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Where the dataset is (see DataLocator); for "folder", a folder with train/ and test/ class folders.</summary>
    public string? DataDir { get; init; }

    /// <summary>The model name (see ModelFactory).</summary>
    public string Model { get; init; } = "seednet";

    /// <summary>The method name (see <see cref="Methods.Names"/>).</summary>
    public string Method { get; init; } = "erm";

    /// <summary>α of the method's Beta draws (Mixup, CutMix, MaskDistortMix, Manifold Mixup).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>The method's probability (gate of mixing; erasing probability; MaskDistortMix selection).</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>P(CutMix) for mixup-cutmix.</summary>
    public double SwitchProbability { get; init; } = 0.5;

    /// <summary>Label smoothing ε.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>MaskDistortMix blend: "linear" or "geometric".</summary>
    public string Blend { get; init; } = "linear";

    /// <summary>MaskDistortMix insertion: "replace" or "append".</summary>
    public string Insertion { get; init; } = "replace";

    /// <summary>Weight of the Jensen–Shannon consistency term over two MaskDistortMix views (0: off).</summary>
    public double JsdWeight { get; init; }

    /// <summary>From this 1-based epoch on, the mixing/masking method is off (crop/flip stay); null: never.</summary>
    public int? MixupOffEpoch { get; init; }

    /// <summary>Keep the dataset's standard crop/flip.</summary>
    public bool StandardAugmentation { get; init; } = true;

    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Batch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Weight decay.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>The schedule.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;

    /// <summary>Step schedule: epochs between decays.</summary>
    public int StepSize { get; init; } = 30;

    /// <summary>Multi-step schedule: 1-based epochs after which the rate is multiplied by <see cref="Gamma"/>.</summary>
    public IReadOnlyList<int> Milestones { get; init; } = Array.Empty<int>();

    /// <summary>Decay factor of step schedules.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Linear warm-up epochs (from 0 to the initial rate).</summary>
    public double WarmupEpochs { get; init; }

    /// <summary>Train on a stratified subset of this many images; null: all.</summary>
    public long? TrainSubset { get; init; }

    /// <summary>Symmetric label-noise rate on the training labels.</summary>
    public double LabelNoise { get; init; }

    /// <summary>The seed of every random stream.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Torch threads (0: leave as is).</summary>
    public int Threads { get; init; }

    /// <summary>"cpu" or "cuda".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The run folder.</summary>
    public string OutDir { get; init; } = "runs/run";

    /// <summary>Checks ranges; throws <see cref="ArgumentException"/> naming the option.</summary>
    public void Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException(message);
            }
        }

        Require(Epochs >= 1, $"--epochs must be ≥ 1; got {Epochs}.");
        Require(BatchSize >= 1, $"--batch-size must be ≥ 1; got {BatchSize}.");
        Require(LearningRate > 0 && !double.IsInfinity(LearningRate), $"--lr must be positive; got {LearningRate}.");
        Require(Momentum >= 0 && Momentum < 1, $"--momentum must be in [0, 1); got {Momentum}.");
        Require(WeightDecay >= 0, $"--weight-decay must be ≥ 0; got {WeightDecay}.");
        Require(Alpha >= 0, $"--alpha must be ≥ 0; got {Alpha}.");
        Require(Probability >= 0 && Probability <= 1, $"--prob must be in [0, 1]; got {Probability}.");
        Require(SwitchProbability >= 0 && SwitchProbability <= 1, $"--switch-prob must be in [0, 1]; got {SwitchProbability}.");
        Require(LabelSmoothing >= 0 && LabelSmoothing < 1, $"--label-smoothing must be in [0, 1); got {LabelSmoothing}.");
        Require(LabelNoise >= 0 && LabelNoise <= 1, $"--label-noise must be in [0, 1]; got {LabelNoise}.");
        Require(JsdWeight >= 0, $"--jsd-weight must be ≥ 0; got {JsdWeight}.");
        Require(TrainSubset is null or > 0, $"--train-subset must be positive; got {TrainSubset}.");
        Require(MixupOffEpoch is null or >= 1, $"--mixup-off-epoch is 1-based; got {MixupOffEpoch}.");
        Require(Threads >= 0, $"--threads must be ≥ 0; got {Threads}.");
        Require(Blend is "linear" or "geometric", $"--blend must be linear or geometric; got '{Blend}'.");
        Require(Insertion is "replace" or "append", $"--insertion must be replace or append; got '{Insertion}'.");
        Require(Device is "cpu" or "cuda", $"--device must be cpu or cuda; got '{Device}'.");
        Require(Array.IndexOf(Methods.Names, Method) >= 0, $"--method must be one of {string.Join(", ", Methods.Names)}; got '{Method}'.");
        Require(Array.IndexOf(Models.ModelFactory.Names, Model) >= 0, $"--model must be one of {string.Join(", ", Models.ModelFactory.Names)}; got '{Model}'.");
        Require(Dataset is "fashion-mnist" or "mnist" or "cifar10" or "cifar100" or "folder", $"--dataset must be fashion-mnist, mnist, cifar10, cifar100 or folder; got '{Dataset}'.");
        Require(Dataset != "folder" || !string.IsNullOrEmpty(DataDir), "--dataset folder needs --data-dir naming a folder with train/ and test/ class folders.");
    }
}
