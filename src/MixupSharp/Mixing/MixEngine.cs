using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>
/// The shared machinery of <see cref="Mixup"/>, <see cref="CutMix"/> and <see cref="MixupOrCutMix"/>: one recipe,
/// a sampler that draws <see cref="MixParameters"/> from a generator, and a pure apply step.
/// </summary>
internal sealed class MixEngine
{
    private readonly MixRecipe _recipe;

    public MixEngine(MixRecipe recipe) => _recipe = recipe;

    public int NumClasses => _recipe.NumClasses;

    public MixMode Mode => _recipe.Mode;

    public double Probability => _recipe.Probability;

    public double LabelSmoothing => _recipe.LabelSmoothing;

    public double MixupAlpha => _recipe.MixupAlpha;

    public double CutMixAlpha => _recipe.CutMixAlpha;

    public double SwitchProbability => _recipe.SwitchProbability;

    public bool CorrectLambda => _recipe.CorrectLambda;

    public (double Min, double Max)? SideRatioRange => _recipe.SideRatioRange;

    /// <summary>Whether this recipe can blend linearly (and so needs floating inputs).</summary>
    public bool CanMixup => MixupOn;

    /// <summary>Whether parameters from this recipe carry a per-sample Mixup/CutMix switch (MixupOrCutMix).</summary>
    public bool RecordsSwitch => _recipe.Kind == MixerKind.MixupOrCutMix;

    /// <summary>Whether this recipe cuts boxes (and so needs [N, C, H, W] images, or [N, C, L] sequences with <see cref="CutsSequences"/>).</summary>
    public bool CutsBoxes => _recipe.Kind is MixerKind.CutMix or MixerKind.SequenceCutMix || (_recipe.Kind == MixerKind.MixupOrCutMix && CutMixOn);

    /// <summary>Whether boxes are cut along the length of sequences [N, C, L] (viewed as [N, C, 1, L]) instead of images.</summary>
    public bool CutsSequences => _recipe.Kind == MixerKind.SequenceCutMix;

    private string Owner => _recipe.Kind.ToString();

    private bool MixupOn => MixupAlpha > 0;

    private bool CutMixOn => CutMixAlpha > 0;

    public void CheckShape(long[] shape, string name)
    {
        if (CutsSequences)
        {
            Guard.BatchShape(shape, name, $"sequences [N, C, L] for {Owner}", exactDims: 3);
        }
        else if (CutsBoxes)
        {
            Guard.BatchShape(shape, name, $"images [N, C, H, W] for {Owner}", exactDims: 4);
        }
        else
        {
            Guard.BatchShape(shape, name, $"a batch [N, ...] for {Owner}");
        }
    }

    /// <summary>Draws partners, gates, the Mixup/CutMix switch, λ and boxes, in that order, from <paramref name="generator"/>.</summary>
    public MixParameters Sample(long[] inputShape, Generator? generator)
    {
        CheckShape(inputShape, nameof(inputShape));
        long n = inputShape[0];
        var (height, width) = BoxSpace(inputShape);

        using var scope = torch.NewDisposeScope();
        long[] perm = Draws.Permutation(n, generator);
        var (partner, group, groups, groupMixable) = PartnerPlan.From(Mode, perm);

        // Every draw happens whatever the options, so the stream of draws (and so replay across option
        // changes that do not alter the recipe's shape) stays aligned.
        double[] gateU = Draws.Uniform(groups, generator);
        double[] switchU = Draws.Uniform(groups, generator);
        double[] mixupLam = Draws.Beta(MixupAlpha, groups, generator);
        double[] cutLam = Draws.Beta(CutMixAlpha, groups, generator);
        double[] u1 = Draws.Uniform(groups, generator);
        double[] u2 = Draws.Uniform(groups, generator);
        double[] u3 = Draws.Uniform(groups, generator);
        double[] u4 = Draws.Uniform(groups, generator);

        var groupLambda = new double[groups];
        var groupBox = new CutMixBox[groups];
        var groupCut = new bool[groups];
        for (long g = 0; g < groups; g++)
        {
            groupLambda[g] = 1.0;
            bool mixed = groupMixable[g] && gateU[g] < Probability && (MixupOn || CutMixOn);
            if (!mixed)
            {
                continue;
            }

            bool cut = CutMixOn && (!MixupOn || switchU[g] < SwitchProbability);
            if (!cut)
            {
                groupLambda[g] = mixupLam[g];
                continue;
            }

            groupCut[g] = true;
            var box = BoxSampling.Box(cutLam[g], u1[g], u2[g], u3[g], u4[g], height, width, SideRatioRange, CutsSequences);
            groupBox[g] = box;
            groupLambda[g] = CorrectLambda || SideRatioRange is not null ? box.LambdaFor(height, width) : cutLam[g];
        }

        var lambda = new double[n];
        var boxes = new long[n * 4];
        var usesCut = new bool[n];
        for (long i = 0; i < n; i++)
        {
            // A sample that is its own partner (a fixed point of the permutation, the odd one out of PerPair,
            // a batch of one) is not mixed: λ = 1 and no box, so it keeps its exact bytes.
            if (partner[i] == i)
            {
                lambda[i] = 1.0;
                continue;
            }

            long g = group[i];
            lambda[i] = groupLambda[g];
            usesCut[i] = groupCut[g];
            boxes[i * 4] = groupBox[g].Top;
            boxes[(i * 4) + 1] = groupBox[g].Left;
            boxes[(i * 4) + 2] = groupBox[g].Bottom;
            boxes[(i * 4) + 3] = groupBox[g].Right;
        }

        return new MixParameters(
            torch.tensor(lambda, dtype: ScalarType.Float64),
            torch.tensor(partner, dtype: ScalarType.Int64),
            CutMixOn || CutsBoxes ? torch.tensor(boxes, new long[] { n, 4 }, dtype: ScalarType.Int64) : null,
            RecordsSwitch ? torch.tensor(usesCut, dtype: ScalarType.Bool) : null).MoveToOuterDisposeScope();
    }

    /// <summary>Samples parameters for the batch's shape, then applies them; the result owns the parameters.</summary>
    public MixedBatch SampleAndApply(Tensor inputs, Tensor labels, Generator? generator)
    {
        Guard.NotNull(inputs, nameof(inputs));
        CheckShape(inputs.shape, nameof(inputs));
        var parameters = Sample(inputs.shape, generator);
        try
        {
            return Apply(inputs, labels, parameters, ownsParameters: true);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>Applies <paramref name="parameters"/> to the batch. Pure: the same arguments give the same bytes.</summary>
    public MixedBatch Apply(Tensor inputs, Tensor labels, MixParameters parameters, bool ownsParameters)
    {
        Guard.NotNull(inputs, nameof(inputs));
        Guard.NotNull(labels, nameof(labels));
        Guard.NotNull(parameters, nameof(parameters));
        CheckInputs(inputs);
        long n = inputs.shape[0];
        SoftTargets.CheckLabels(labels, n, NumClasses, nameof(labels));
        var plan = CheckParameters(parameters, inputs.shape);

        using var scope = torch.NewDisposeScope();
        var device = inputs.device;
        var partner = parameters.Partner.to(device);
        Tensor mixedInputs = inputs;
        if (plan.AnyLinear)
        {
            mixedInputs = MixKernel.BlendLinear(inputs, partner, plan);
        }

        if (plan.AnyBox)
        {
            // Sequences [N, C, L] are cut as images [N, C, 1, L].
            mixedInputs = CutsSequences
                ? MixKernel.PasteBoxes(mixedInputs.unsqueeze(2), inputs.unsqueeze(2), partner, parameters.Boxes!, device).squeeze(2)
                : MixKernel.PasteBoxes(mixedInputs, inputs, partner, parameters.Boxes!, device);
        }

        if (ReferenceEquals(mixedInputs, inputs))
        {
            mixedInputs = inputs.clone();
        }

        var targetType = inputs.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var targets = SoftTargets.Mixed(labels, partner, parameters.Lambda, NumClasses, LabelSmoothing, targetType);

        return new MixedBatch(mixedInputs.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), parameters, ownsParameters);
    }

    /// <summary>The (height, width) that boxes live in: (H, W) for images, (1, L) for sequences, (0, 0) without boxes.</summary>
    private (long Height, long Width) BoxSpace(long[] shape) =>
        CutsSequences ? (1, shape[2]) : CutsBoxes ? (shape[2], shape[3]) : (0, 0);

    private void CheckInputs(Tensor inputs)
    {
        CheckShape(inputs.shape, nameof(inputs));
        if (CanMixup && !Guard.IsFloating(inputs.dtype))
        {
            throw new ArgumentException($"{Owner} blends inputs linearly and needs a floating dtype; got {Guard.Describe(inputs)}.", nameof(inputs));
        }
    }

    private ApplyPlan CheckParameters(MixParameters p, long[] inputShape)
    {
        // Reading values to the CPU creates temporary handles; collect them here, not in the caller's scope.
        using var scope = torch.NewDisposeScope();
        long n = inputShape[0];
        const string name = "parameters";
        Guard.PerSample(p.Lambda, ScalarType.Float64, n, $"{name}.Lambda", name);
        Guard.PerSample(p.Partner, ScalarType.Int64, n, $"{name}.Partner", name);

        Guard.DrawValues(p.Lambda, p.Partner, n, name);
        double[] lambda = p.LambdaValues();
        long[] partner = p.PartnerValues();

        bool[] cutRows = new bool[n];
        if (p.UsesCutMix is { } uses)
        {
            if (!RecordsSwitch)
            {
                throw new ArgumentException($"{name} record a Mixup/CutMix switch (UsesCutMix); replay them with MixupOrCutMix, not {Owner}.", name);
            }

            if (uses.dtype != ScalarType.Bool || uses.shape.Length != 1 || uses.shape[0] != n)
            {
                throw new ArgumentException($"{name}.UsesCutMix must be bool [{n}]; got {Guard.Describe(uses)}.", name);
            }

            cutRows = uses.cpu().data<bool>().ToArray();
        }
        else if (p.Boxes is not null && !CanMixup)
        {
            Array.Fill(cutRows, true);
        }
        else if (p.Boxes is not null && RecordsSwitch)
        {
            throw new ArgumentException($"{name} hold boxes but no UsesCutMix switch; {Owner} needs both (or neither, for Mixup only).", name);
        }

        bool anyBox = false;
        if (p.Boxes is { } boxes)
        {
            if (!CutsBoxes)
            {
                throw new ArgumentException($"{name} hold CutMix boxes; replay them with CutMix or MixupOrCutMix, not {Owner}.", name);
            }

            if (boxes.dtype != ScalarType.Int64 || !boxes.shape.SequenceEqual(new[] { n, 4L }))
            {
                throw new ArgumentException($"{name}.Boxes must be int64 [{n}, 4]; got {Guard.Describe(boxes)}.", name);
            }

            var (h, w) = BoxSpace(inputShape);
            long[] b = boxes.cpu().data<long>().ToArray();
            for (long i = 0; i < n; i++)
            {
                long top = b[i * 4], left = b[(i * 4) + 1], bottom = b[(i * 4) + 2], right = b[(i * 4) + 3];
                if (top < 0 || left < 0 || top > bottom || left > right || bottom > h || right > w)
                {
                    throw new ArgumentOutOfRangeException(name, $"{name}.Boxes[{i}] = (top {top}, left {left}, bottom {bottom}, right {right}) does not fit {(CutsSequences ? "sequences" : "images")} of height {h} and width {w}.");
                }

                anyBox |= cutRows[i] && bottom > top && right > left;
            }
        }
        else if (CutsBoxes && !CanMixup)
        {
            throw new ArgumentException($"{name} hold no Boxes; {Owner} needs CutMix boxes [N, 4].", name);
        }

        var linear = new bool[n];
        for (long i = 0; i < n; i++)
        {
            linear[i] = !cutRows[i] && lambda[i] < 1.0 && partner[i] != i;
        }

        if (linear.Any(l => l) && !CanMixup)
        {
            throw new ArgumentException($"{name} ask for linear blending, which {Owner} does not do.", name);
        }

        return new ApplyPlan(lambda, linear, linear.Any(l => l), anyBox);
    }
}
