using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Training.Interop.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MixupSharp.Training.Models;

/// <summary>
/// A classifier made of consecutive stages (stem, blocks, head), so hidden states can be mixed between stages
/// (Manifold Mixup, Verma et al., ICML 2019, arXiv:1806.05236). Stage k's input is the "mixable point" k: point 0 is the
/// input image, point <see cref="MixablePoints"/> − 1 the input of the head. Outputs logits (no softmax).
/// </summary>
public abstract class StagedModel : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly List<Module<Tensor, Tensor>> _stages = new();

    // Our state-dict prefixes and the names they have in the published model (torchvision's), longest first.
    private readonly List<(string Ours, string Published)> _publishedNames = new();

    private protected StagedModel(string name)
        : base(name)
    {
    }

    /// <summary>The number of points where hidden states may be mixed (the input and the input of every later stage).</summary>
    public int MixablePoints => _stages.Count;

    /// <summary>
    /// The mixable point after the model's third residual stage, where AutoMix's Mix Block reads its features (OpenMixup
    /// uses stage 3 of its CIFAR and ImageNet ResNets); null for models without one.
    /// </summary>
    public virtual int? ThirdStagePoint => null;

    /// <summary>Runs stages [0, point): the hidden state at mixable point <paramref name="point"/>.</summary>
    public Tensor ForwardTo(Tensor input, int point)
    {
        CheckPoint(point);
        using var scope = NewDisposeScope();
        var h = input;
        for (int i = 0; i < point; i++)
        {
            h = _stages[i].call(h);
        }

        return (ReferenceEquals(h, input) ? h.alias() : h).MoveToOuterDisposeScope();
    }

    /// <summary>Runs stages [point, end) on a hidden state: the logits.</summary>
    public Tensor ForwardFrom(Tensor hidden, int point)
    {
        CheckPoint(point);
        using var scope = NewDisposeScope();
        var h = hidden;
        for (int i = point; i < _stages.Count; i++)
        {
            h = _stages[i].call(h);
        }

        return h.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        CheckInput(input);
        return ForwardFrom(input, 0);
    }

    string IOnnxLayer.ToOnnx(OnnxGraph graph, string input) => _stages.Aggregate(input, (h, stage) => graph.Layer(stage, h));

    /// <summary>Refuses anything but images [N, <paramref name="channels"/>, H ≥ <paramref name="minSize"/>, W ≥ <paramref name="minSize"/>], naming the shape.</summary>
    private protected void CheckImages(Tensor input, int channels, int minSize)
    {
        if (input.shape.Length != 4 || input.shape[1] != channels || input.shape[2] < minSize || input.shape[3] < minSize)
        {
            throw new ArgumentException($"{GetName()} expects images [N, {channels}, H ≥ {minSize}, W ≥ {minSize}]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }
    }

    /// <summary>Validates an input batch (names the expected shape).</summary>
    private protected abstract void CheckInput(Tensor input);

    /// <summary>Registers the stages in order; call once from the constructor, then <c>RegisterComponents()</c>.</summary>
    private protected void SetStages(params Module<Tensor, Tensor>[] stages)
    {
        _stages.AddRange(stages);
        for (int i = 0; i < stages.Length; i++)
        {
            register_module($"stage{i}", stages[i]);
        }
    }

    /// <summary>
    /// The name a tensor of ours has in the published model this one is weight-compatible with (torchvision's), given
    /// its PyTorch-style name (<see cref="Interop.ModelExport.PyTorchName"/>); the name itself for our own models.
    /// </summary>
    internal string PublishedName(string name)
    {
        foreach (var (ours, published) in _publishedNames)
        {
            if (name.StartsWith(ours, StringComparison.Ordinal))
            {
                return published + name[ours.Length..];
            }
        }

        return name;
    }

    /// <summary>
    /// A file's tensors in this model's published names: a hook for models whose weights also come under another
    /// library's names (timm's DeiT) or at another size (a ViT's position embeddings). The default is the file as it is.
    /// </summary>
    internal virtual Dictionary<string, Tensor> FromOtherConventions(Dictionary<string, Tensor> file, IReadOnlyDictionary<string, long[]> ours, Action<string>? note) => file;

    /// <summary>Publishes our tensors under <paramref name="ours"/> (a prefix or a whole name) as <paramref name="published"/>.</summary>
    private protected void PublishAs(string ours, string published)
    {
        _publishedNames.Add((ours, published));
        _publishedNames.Sort((a, b) => b.Ours.Length.CompareTo(a.Ours.Length));
    }

    private void CheckPoint(int point)
    {
        if (point < 0 || point >= _stages.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(point), point, $"{GetName()} has mixable points 0..{_stages.Count - 1}; got {point}.");
        }
    }
}
