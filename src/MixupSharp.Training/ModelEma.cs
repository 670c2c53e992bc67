using System;
using System.Linq;
using MixupSharp.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// An exponential moving average of a model's weights (<c>--model-ema DECAY</c>), in timm's warm-up-free form
/// (<c>ModelEmaV2</c>): after every optimizer step, each floating parameter and buffer becomes
/// decay·ema + (1 − decay)·model; integer buffers (BatchNorm's step counts) are copied. It starts as a copy of the model,
/// is evaluated every epoch beside it, is checkpointed and resumed exactly, and <c>export --ema</c> exports it.
/// </summary>
public sealed class ModelEma : IDisposable
{
    private readonly StagedModel _source;
    private readonly System.Collections.Generic.IReadOnlyList<(Tensor Mine, Tensor Theirs)> _pairs;

    /// <summary>Creates the average as a copy of <paramref name="source"/> (already on its device).</summary>
    public ModelEma(StagedModel source, Func<StagedModel> create, double decay)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(create);
        if (!(decay > 0 && decay < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, $"the EMA decay must be in (0, 1); got {decay}.");
        }

        Decay = decay;
        Model = create();
        Model.to(source.parameters().First().device);
        _source = source;
        _pairs = Pairs(source);
        using (torch.no_grad())
        {
            foreach (var (mine, theirs) in _pairs)
            {
                mine.copy_(theirs);
            }
        }

        Model.eval();
    }

    /// <summary>The decay per step.</summary>
    public double Decay { get; }

    /// <summary>The averaged model (eval mode; never trained directly).</summary>
    public StagedModel Model { get; }

    /// <summary>One step of the average towards <paramref name="source"/>'s current weights.</summary>
    public void Update(StagedModel source)
    {
        ArgumentNullException.ThrowIfNull(source);
        // Every optimizer step calls this: the pairs of tensors are the source's own, updated in place, so they are
        // paired once (and again only for another source).
        var pairs = ReferenceEquals(source, _source) ? _pairs : Pairs(source);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            foreach (var (mine, theirs) in pairs)
            {
                if (torch.is_floating_point(mine))
                {
                    mine.mul_(Decay).add_(theirs, alpha: 1 - Decay);
                }
                else
                {
                    mine.copy_(theirs);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();

    private System.Collections.Generic.IReadOnlyList<(Tensor Mine, Tensor Theirs)> Pairs(StagedModel source)
    {
        var theirs = source.state_dict();
        return Model.state_dict().Select(kv => (kv.Value, theirs[kv.Key])).ToList();
    }
}
