using System;
using MixupSharp.Losses;
using MixupSharp.Mixing;
using MixupSharp.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>
/// The baseline the augmentation benchmarks are measured against: one SeedNet training step (forward, soft-target
/// cross-entropy, backward, SGD with momentum 0.9) on a given batch, in one dispose scope.
/// </summary>
internal sealed class SeedNetStep : IDisposable
{
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private readonly SeedNet _model;
    private readonly optim.Optimizer _optimizer;

    /// <summary>A step on <paramref name="images"/> [N, C, H, W] with <paramref name="labels"/> of 10 classes (the caller keeps both).</summary>
    public SeedNetStep(Tensor images, Tensor labels)
    {
        _images = images;
        _labels = labels;
        _model = new SeedNet((int)images.shape[1], (int)images.shape[2], 10);
        _optimizer = optim.SGD(_model.parameters(), 0.01, momentum: 0.9);
    }

    /// <summary>Takes one step; returns the loss, read back as the trainer does.</summary>
    public float Run()
    {
        using var scope = NewDisposeScope();
        using var targets = SoftTargets.FromIndices(_labels, 10);
        _optimizer.zero_grad();
        var loss = SoftTargetCrossEntropy.Compute(_model.call(_images), targets);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>
    /// One PuzzleMix step as the trainer takes it: the saliency pass on the clean batch (forward and input gradient), the
    /// draw, the mix, then the step on the mixed batch.
    /// </summary>
    public float RunPuzzleMix(PuzzleMix puzzle, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var targets = SoftTargets.FromIndices(_labels, 10);
        var saliency = Training.Methods.InputSaliency.Compute(_model, _images, targets);
        using var parameters = puzzle.Sample(_images, saliency, generator);
        var mixed = puzzle.Apply(_images, targets, parameters);
        _optimizer.zero_grad();
        var loss = SoftTargetCrossEntropy.Compute(_model.call(mixed.Inputs), mixed.Targets);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>The saliency pass alone.</summary>
    public void RunSaliency()
    {
        using var scope = NewDisposeScope();
        using var targets = SoftTargets.FromIndices(_labels, 10);
        Training.Methods.InputSaliency.Compute(_model, _images, targets).Dispose();
    }

    /// <summary>Runs an augmentation and disposes what it returned, inside one dispose scope.</summary>
    public static void Measure(Func<IDisposable> op)
    {
        using var scope = NewDisposeScope();
        op().Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}
