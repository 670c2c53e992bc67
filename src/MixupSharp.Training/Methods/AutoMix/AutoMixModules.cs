using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Losses;
using MixupSharp.Mixing;
using MixupSharp.Training.Models;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training.Methods;

/// <summary>The loss terms of one AutoMix step, for inspection and tests.</summary>
/// <param name="MixQ">The online model on the image mixed by the detached mask (OpenMixup's head_mix_q).</param>
/// <param name="OneQ">The online model on the clean image (head_one_q).</param>
/// <param name="MixK">The momentum encoder on the image mixed by the Mix Block's live mask (head_mix_k): trains the block.</param>
/// <param name="MaskLoss">The weighted mask loss of that mask.</param>
internal sealed record AutoMixLosses(Tensor MixQ, Tensor OneQ, Tensor MixK, Tensor MaskLoss)
{
    public Tensor Total => MixQ + OneQ + MixK + MaskLoss;
}

/// <summary>
/// AutoMix's own modules and step (OpenMixup's <c>AutoMixup.forward_train</c>): the Mix Block and the momentum encoder,
/// λ and a permutation drawn twice per step (one pair trains the block, one the model), the losses, and the cosine
/// momentum update after each optimizer step.
/// </summary>
internal sealed class AutoMixModules : MethodModules
{
    private readonly Container _container;
    private readonly int _point;
    private readonly AutoMixSettings _settings;

    public AutoMixModules(MethodSetup setup, AutoMixSettings settings)
    {
        var model = setup.Model;
        _point = model.ThirdStagePoint ?? throw new InvalidOptionException("method", $"automix reads the features of a model's third residual stage, and {setup.Context.Options.Model} has none; use a residual model (fast-resnet, preact-resnet18, wide-resnet, resnet18, resnet50).");
        _settings = settings;
        var encoder = setup.NewModel();
        encoder.load_state_dict(model.state_dict());
        foreach (var p in encoder.parameters())
        {
            p.requires_grad = false;   // the momentum encoder takes no gradient, only the moving average
        }

        // The block's input: the features at the third stage, probed once for their channels and side.
        long side = setup.Context.ImageSize;
        long channels;
        using (torch.no_grad())
        {
            using var probeInput = torch.zeros(new[] { 1L, InputChannels(model), side, side });
            bool training = encoder.training;
            encoder.eval();
            using var features = encoder.ForwardTo(probeInput, _point);
            encoder.train(training);
            channels = features.shape[1];
            if (features.dim() != 4 || side % features.shape[2] != 0)
            {
                throw new InvalidOptionException("method", $"automix needs feature maps whose side divides the image side at the third stage; got {string.Join("×", features.shape)} for {side}-px images.");
            }

            Scale = side / features.shape[2];
        }

        var block = new PixelMixBlock(channels, settings.LamConcat, Scale);
        _container = new Container(block, encoder);
        Block = block;
        Encoder = encoder;
        ParameterGroups = new[] { new MethodParameterGroup(block.parameters().ToList(), settings.BlockLearningRate) };
    }

    /// <summary>The Mix Block.</summary>
    public PixelMixBlock Block { get; }

    /// <summary>The momentum encoder.</summary>
    public StagedModel Encoder { get; }

    /// <summary>The upsampling from the third stage's features to the images.</summary>
    public long Scale { get; }

    /// <inheritdoc />
    public override nn.Module Module => _container;

    /// <inheritdoc />
    public override IReadOnlyList<MethodParameterGroup> ParameterGroups { get; }

    /// <inheritdoc />
    public override Tensor Loss(StagedModel model, Tensor inputs, Tensor targets, Generator generator, StepProgress progress) =>
        Losses(model, inputs, targets, generator).Total;

    /// <summary>The step's loss terms (OpenMixup's order of draws: λ for the block, then for the model; then the permutations).</summary>
    public AutoMixLosses Losses(StagedModel model, Tensor inputs, Tensor targets, Generator generator)
    {
        long n = inputs.shape[0];
        double lamBlock = Beta(_settings.Alpha, generator), lamModel = Beta(_settings.Alpha, generator);
        var indexBlock = torch.randperm(n, generator: generator).to(inputs.device);
        var indexModel = torch.randperm(n, generator: generator).to(inputs.device);

        Tensor features;
        using (torch.no_grad())
        {
            features = Encoder.ForwardTo(inputs, _point);
        }

        var maskBlock = Block.call(features, indexBlock, lamBlock);
        Tensor maskModel;
        if (lamModel <= _settings.LamMargin || 1 - lamModel <= _settings.LamMargin)
        {
            // Near 0 or 1 the learned mask degenerates; the reference falls back to Mixup's constant λ there.
            maskModel = torch.cat(new[] { torch.full(new[] { n, 1L, inputs.shape[2], inputs.shape[3] }, lamModel, dtype: inputs.dtype, device: inputs.device), torch.full(new[] { n, 1L, inputs.shape[2], inputs.shape[3] }, 1 - lamModel, dtype: inputs.dtype, device: inputs.device) }, 1);
        }
        else
        {
            maskModel = Block.call(features, indexModel, lamModel).detach();
        }

        var mixedForBlock = Mix(inputs, maskBlock, indexBlock);
        var mixedForModel = Mix(inputs, maskModel, indexModel);
        var mixK = SoftTargetCrossEntropy.Compute(Encoder.call(mixedForBlock), MixTargets(targets, indexBlock, lamBlock));
        var oneQ = SoftTargetCrossEntropy.Compute(model.call(inputs), targets);
        var mixQ = SoftTargetCrossEntropy.Compute(model.call(mixedForModel), MixTargets(targets, indexModel, lamModel));
        using var weight = _settings.MaskLossWeight.ToScalar();
        var mask = PixelMixBlock.MaskLoss(maskBlock, lamBlock, _settings.MaskMargin).mul(weight);
        return new AutoMixLosses(mixQ, oneQ, mixK, mask);
    }

    /// <summary>
    /// The trained block's mask for normalized <paramref name="inputs"/> and their partners (evaluation mode, no gradient):
    /// what a preview shows.
    /// </summary>
    public Tensor Mask(Tensor inputs, Tensor index, double lambda)
    {
        using var noGrad = torch.no_grad();
        bool training = Encoder.training;
        Encoder.eval();
        try
        {
            using var features = Encoder.ForwardTo(inputs, _point);
            return Block.call(features, index, lambda);
        }
        finally
        {
            Encoder.train(training);
        }
    }

    /// <summary>A draw of λ ~ Beta(α, α) from <paramref name="generator"/>, as each step draws it.</summary>
    public double DrawLambda(Generator generator) => Beta(_settings.Alpha, generator);

    /// <summary>The momentum encoder's parameters move toward the model's: k ← m·k + (1 − m)·q.</summary>
    public override void AfterStep(StagedModel model, StepProgress progress)
    {
        double m = Momentum(progress, _settings.Momentum, _settings.EndMomentum);
        using var scope = torch.NewDisposeScope();
        using var keep = m.ToScalar();
        using var take = (1 - m).ToScalar();
        using (torch.no_grad())
        {
            foreach (var (k, q) in Encoder.parameters().Zip(model.parameters()))
            {
                k.mul_(keep).add_(q, alpha: take);
            }
        }
    }

    /// <summary>
    /// OpenMixup's <c>CosineScheduleHook</c> with <c>adjust_scope [0.1, 1.0]</c> and a constant warm-up: the base momentum
    /// for the first 10% of the iterations, then end − (end − base)·(cos(π·i / I) + 1) / 2.
    /// </summary>
    public static double Momentum(StepProgress progress, double baseMomentum, double endMomentum)
    {
        long min = (long)(progress.Total * 0.1);
        if (progress.Iteration < min)
        {
            return baseMomentum;
        }

        return endMomentum - ((endMomentum - baseMomentum) * (Math.Cos(Math.PI * progress.Iteration / progress.Total) + 1) / 2);
    }

    private static Tensor Mix(Tensor inputs, Tensor mask, Tensor index) =>
        (inputs * mask.narrow(1, 0, 1)) + (inputs.index_select(0, index) * mask.narrow(1, 1, 1));

    private static Tensor MixTargets(Tensor targets, Tensor index, double lambda)
    {
        using var own = lambda.ToScalar();
        using var other = (1 - lambda).ToScalar();
        return targets.mul(own).add(targets.index_select(0, index).mul(other));
    }

    private static double Beta(double alpha, Generator generator) => LambdaDraws.Beta(alpha, 1, generator)[0];

    private static long InputChannels(StagedModel model) => model.parameters().First().shape[1];

    /// <summary>The checkpointed modules: the Mix Block and the momentum encoder.</summary>
    private sealed class Container : nn.Module
    {
        private readonly PixelMixBlock mix_block;
        private readonly StagedModel encoder_k;

        public Container(PixelMixBlock block, StagedModel encoder)
            : base("AutoMix")
        {
            mix_block = block;
            encoder_k = encoder;
            RegisterComponents();
        }
    }
}

/// <summary>AutoMix's settings, as its options give them.</summary>
internal sealed record AutoMixSettings(double Alpha, double BlockLearningRate, double MaskLossWeight, double MaskMargin, double LamMargin, double Momentum, double EndMomentum, bool LamConcat);
